// The whole JS side of the sse transport: the core bundle does the rest.
(function () {
  var cfg = JSON.parse(document.currentScript.dataset.wry);
  var chain = Promise.resolve();
  var pywry = __wry.createBridge({
    root: document,
    label: cfg.label,
    theme: cfg.theme,
    send: function (batch) {
      // POSTs are chained so that batches reach Python in the order they were sent.
      var body = JSON.stringify(batch);
      chain = chain.then(function () {
        return fetch(cfg.post, { method: "POST", body: body, headers: { "Content-Type": "application/json" } });
      }).catch(function (err) { console.error("wry-sse: send failed", err); });
    },
  });
  window.pywry = pywry;
  var source = new EventSource(cfg.events);
  source.onmessage = function (message) { pywry._receive(JSON.parse(message.data)); };
})();
