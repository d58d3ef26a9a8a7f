/* wry native adapter: carries the core bridge's batches between the page and the host.
 *
 * Page -> Python: window.__wryNativeSend("pywry_event", batchJSON) (page-channel.js, the
 * window's initialization script), one message in flight at a time, so batches reach Python
 * in order and a busy page sends fewer, larger batches.
 * Python -> page: the host evaluates `window.__wryNativeReceive(batch)` in THIS window (a
 * direct call is 25-50 µs cheaper per trip than a Tauri event); batches arrive in order. The
 * function cannot be replaced by page scripts. Once it exists the adapter sends
 * "pywry_attach" with its label, and the host starts sending.
 */
(function () {
  "use strict";

  function start(label, theme) {
    var send = window.__wryNativeSend;
    if (typeof send !== "function") {
      throw new Error("wry: window.__wryNativeSend is missing; this page is not in a wry window");
    }
    var pending = [];
    var inFlight = false;

    function flush() {
      if (inFlight || pending.length === 0) return;
      var batch = pending;
      pending = [];
      var text;
      try {
        text = JSON.stringify(batch); // the bridge checked each event: this does not throw
      } catch (err) {
        console.error("wry: " + batch.length + " event(s) could not be encoded, not sent:", err);
        return;
      }
      inFlight = true;
      send("pywry_event", text).then(sent, function (err) {
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
          if (leaves(batch)) {
            // the host holds what follows until this page is gone, or says here it stayed
            window.pywry._whenDone(function () {
              send("pywry_left", "").catch(function () {});
            });
          }
        },
      });
    }
    function leaves(batch) {
      var last = batch.length ? batch[batch.length - 1] : null; // the host ends a batch there
      return !!last && (last.type === "pywry:refresh" || last.type === "pywry:navigate");
    }

    send("pywry_attach", JSON.stringify({ label: label })).catch(function (err) {
      console.error("wry: cannot receive events from Python:", err);
    });
    return pywry;
  }

  window.__wryNative = { start: start };
})();
