/* wry native adapter: carries the core bridge's batches over Tauri IPC.
 *
 * Page -> Python: pyInvoke("pywry_event", batch), one call in flight at a time, so batches
 * reach Python in order and a busy page sends fewer, larger batches.
 * Python -> page: the host evaluates `window.__wryNativeReceive(batch)` in THIS window (a
 * direct call is 25-50 µs cheaper per trip than a Tauri event); batches arrive in order. The
 * function cannot be replaced by page scripts. Once it exists the adapter calls
 * "pywry_attach", and the host starts sending.
 */
(function () {
  "use strict";

  function start(label, theme) {
    var tauri = window.__TAURI__;
    var invoke = tauri.pytauri.pyInvoke;
    var pending = [];
    var inFlight = false;

    function flush() {
      if (inFlight || pending.length === 0) return;
      var batch = pending;
      pending = [];
      inFlight = true;
      invoke("pywry_event", batch).then(sent, function (err) {
        console.error("wry: sending events to Python failed:", err);
        sent();
      });
    }

    function sent() {
      inFlight = false;
      flush();
    }

    var pywry = window.__wry.createBridge({
      root: document,
      label: label,
      theme: theme,
      send: function (batch) {
        for (var i = 0; i < batch.length; i++) pending.push(batch[i]);
        flush();
      },
    });
    window.pywry = pywry;

    if (!Object.prototype.hasOwnProperty.call(window, "__wryNativeReceive")) {
      Object.defineProperty(window, "__wryNativeReceive", {
        value: function (batch) {
          window.pywry._receive(batch);
        },
      });
    }
    invoke("pywry_attach", { label: label }).catch(function (err) {
      console.error("wry: cannot receive events from Python:", err);
    });
    return pywry;
  }

  window.__wryNative = { start: start };
})();
