/* wry native page channel: how a page talks to the host. Runs as the window's Tauri
 * initialization script, before any page script, in every page the window loads.
 *
 * window.__wryNativeSend(command, text) hands `text` to the host's page command `command`
 * as a Tauri event named "wry-page-" + this window's key. The key is made by the host for
 * this one window and exists only in this closure; the host listens to that name for that
 * window alone. Tauri hands an event to every listener of its name, pages' too, so the
 * secret is the name itself: a page can neither speak for another window nor overhear it
 * (Tauri has no listener for every name). The function cannot be replaced.
 *
 * Tauri's IPC is switched to its postMessage interface for the page: a message costs about
 * 80 µs less than the ipc:// custom protocol (fetch) Tauri tries first. Tauri itself falls
 * back when that fetch fails; the first message is sent while fetch refuses ipc:// URLs, and
 * Tauri's warning about the fallback, which is no fault here, is not printed.
 * The first message also tells the host the page is up ("pywry_attach" without a label,
 * with this document's random id).
 *
 * Tauri reports every navigation in the window, a subframe's too, and the host stops sending
 * when one starts. window.__wryNativeHello(), which the host runs a moment later, says the
 * same again; if it comes from the document that was listening, and that document has not
 * started to leave (beforeunload), the navigation was a frame's and the host sends on.
 */
(function (key) {
  "use strict";
  var internals = window.__TAURI_INTERNALS__;
  if (location.protocol !== "tauri:") return; // a foreign page: Tauri refuses its IPC anyway
  if (!internals || Object.prototype.hasOwnProperty.call(window, "__wryNativeSend")) return;
  if (window !== window.top) return; // a frame inside a page: the page speaks for the window
  var invoke = internals.invoke;
  var channel = "wry-page-" + key;
  var doc = Math.random().toString(36).slice(2) + Date.now().toString(36);
  var leaving = false;
  window.addEventListener("beforeunload", function () {
    leaving = true;
  });
  window.addEventListener("pageshow", function () {
    leaving = false; // back from the back/forward cache, or a navigation was cancelled
  });
  function hello(again) {
    return send(
      "pywry_attach",
      JSON.stringify({ url: location.href, doc: doc, again: again, leaving: leaving })
    );
  }

  function send(command, text) {
    return invoke("plugin:event|emit", { event: channel, payload: command + "\n" + text });
  }
  Object.defineProperty(window, "__wryNativeSend", { value: send });
  Object.defineProperty(window, "__wryNativeHello", {
    value: function () {
      hello(true);
    },
  });

  var realFetch = window.fetch;
  var realWarn = console.warn;
  window.fetch = function (url) {
    if (String(url).indexOf("ipc:") === 0) {
      return Promise.reject(new TypeError("wry: this page uses Tauri's postMessage IPC"));
    }
    return realFetch.apply(this, arguments);
  };
  var quietWarn = function (message) {
    if (typeof message === "string" && message.indexOf("IPC custom protocol failed") === 0) return;
    return realWarn.apply(console, arguments);
  };
  console.warn = quietWarn;
  function restoreWarn() {
    if (console.warn === quietWarn) console.warn = realWarn;
  }
  var greeting;
  try {
    greeting = hello(false);
  } finally {
    window.fetch = realFetch;
  }
  greeting.then(restoreWarn, function (err) {
    restoreWarn();
    console.error("wry: the page cannot reach the host:", err);
  });
})(__WRY_KEY__);
