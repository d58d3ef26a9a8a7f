// wry notebook adapter: connects the core bridge (globalThis.__wry, defined by the bundle
// above this file) to an anywidget model. One shared receiver per model fans batches out to
// every live view; each view has its own bridge whose built-ins act only inside its root.

const MODEL_BUFFER_LIMIT = 100000; // events kept for a view that has not rendered yet
const sharedByManager = new WeakMap(); // widget_manager -> Map(label -> shared state)

function sharedState(model, fresh = false) {
  // initialize() starts a fresh state: after a kernel restart a new model may reuse a label.
  const manager = model.widget_manager || sharedByManager;
  let byLabel = sharedByManager.get(manager);
  if (!byLabel) {
    byLabel = new Map();
    sharedByManager.set(manager, byLabel);
  }
  const label = model.get("label");
  let state = byLabel.get(label);
  if (!state || fresh) {
    state = { views: new Set(), buffer: [], lastSeq: 0, jsSeq: 0, dropped: 0, listening: false };
    byLabel.set(label, state);
  }
  return state;
}

function forget(model, state) {
  const byLabel = sharedByManager.get(model.widget_manager || sharedByManager);
  if (byLabel && byLabel.get(model.get("label")) === state) byLabel.delete(model.get("label"));
}

function fanOut(state, events) {
  if (!events.length) return;
  if (state.views.size === 0) {
    for (const event of events) state.buffer.push(event);
    const over = state.buffer.length - MODEL_BUFFER_LIMIT;
    if (over > 0) {
      state.buffer.splice(0, over);
      state.dropped += over;
      console.error(`[wry] no view is showing this widget: dropped ${state.dropped} oldest events`);
    }
    return;
  }
  for (const view of state.views) view.deliver(events);
}

function acceptBatch(state, message) {
  const seq = Number(message.seq);
  if (seq <= state.lastSeq) return; // already delivered (the other channel carried it too)
  if (state.lastSeq && seq !== state.lastSeq + 1) {
    console.error(`[wry] batches ${state.lastSeq + 1}..${seq - 1} never arrived`);
  }
  state.lastSeq = seq;
  let events = message.events;
  if (typeof events === "string") events = JSON.parse(events);
  fanOut(state, Array.isArray(events) ? events : []);
}

function listen(model, state) {
  if (state.listening) return;
  state.listening = true;
  model.on("msg:custom", (message) => {
    if (message && message.kind === "batch") acceptBatch(state, message);
  });
  model.on("change:_py_event", () => {
    const value = model.get("_py_event");
    if (!value) return;
    if (value.kind === "batch") acceptBatch(state, value);
    else if (typeof value.type === "string") fanOut(state, [{ type: value.type, data: value.data }]);
  });
}

function sendToPython(model, state, viewId, batch) {
  try {
    if (model.get("_channel") === "traitlets") {
      state.jsSeq += 1;
      model.set("_js_event", { seq: state.jsSeq, view: viewId, events: batch });
      model.save_changes();
    } else {
      model.send({ kind: "events", events: batch });
    }
  } catch (error) {
    console.error("[wry] could not send to Python (is the kernel running?)", error);
  }
}

function installAssets(pywry, root, assets) {
  for (const asset of assets || []) {
    if (asset.kind === "css") {
      const style = document.createElement("style");
      style.dataset.wryAsset = asset.name || "";
      style.textContent = asset.text;
      root.appendChild(style);
    } else {
      try {
        new Function("pywry", asset.text)(pywry);
      } catch (error) {
        console.error(`[wry] page asset ${asset.name || ""} failed`, error);
      }
    }
  }
}

function isStaleContent(event, mountedVersion) {
  return (
    event.type === "pywry:update-content" &&
    event.data && typeof event.data.version === "number" && event.data.version <= mountedVersion
  );
}

function renderView(model, el) {
  const state = sharedState(model);
  listen(model, state);
  const label = model.get("label");
  const viewId = "v" + Math.random().toString(36).slice(2, 10);
  const root = document.createElement("div");
  root.className = "wry-notebook";
  root.dataset.wryLabel = label;
  root.dataset.wryView = viewId;
  root.style.height = `${model.get("height")}px`;
  const container = document.createElement("div");
  container.setAttribute("data-wry-content", "");
  root.appendChild(container);
  el.appendChild(root);

  let mountedVersion = 0;
  let live = false;
  const early = [];
  const pywry = globalThis.__wry.createBridge({
    root,
    label,
    theme: model.get("theme"),
    send: (batch) => sendToPython(model, state, viewId, batch),
    reload: () => remount(),
  });
  root.pywry = pywry; // this view's bridge, for devtools and tests
  installAssets(pywry, root, model.get("_assets"));
  pywry._sealPersistent();

  function receive(events) {
    const fresh = [];
    for (const event of events) {
      if (isStaleContent(event, mountedVersion)) continue;
      if (event.type === "pywry:update-content" && event.data) mountedVersion = event.data.version;
      fresh.push(event);
    }
    try {
      pywry._receive(fresh);
    } catch (error) {
      console.error("[wry] handling events from Python failed", error);
    }
  }

  function remount() {
    // pywry:refresh in a notebook: mount the current content again, keeping the scroll position.
    const content = model.get("_content") || {};
    const top = root.scrollTop;
    mountedVersion = content.version || mountedVersion;
    receive([{ type: "pywry:update-content", data: content.payload || { html: "" } }]);
    requestAnimationFrame(() => (root.scrollTop = top));
  }

  const view = {
    deliver(events) {
      if (live) receive(events);
      else for (const event of events) early.push(event);
    },
  };
  if (state.views.size === 0) for (const event of state.buffer.splice(0)) early.push(event);
  state.views.add(view);
  // Announce first: Python starts sending while the content mounts; events wait in `early`.
  sendControl(model, { kind: "view", view: viewId });

  const content = model.get("_content") || {};
  mountedVersion = content.version || 0;
  const mounted = (async () => {
    try {
      await pywry._mount(content.payload || { html: "" });
    } catch (error) {
      console.error("[wry] mounting the content failed", error);
    }
    pywry._contentLoaded();
    live = true;
    if (early.length) receive(early.splice(0));
  })();

  return () => {
    state.views.delete(view);
    sendControl(model, { kind: "gone", view: viewId });
    if (typeof pywry._destroy === "function") pywry._destroy();
    root.remove();
    return mounted;
  };
}

function sendControl(model, message) {
  try {
    model.send(message);
  } catch (error) {
    // the comm is closed: nobody is left to tell
  }
}

export default {
  initialize({ model }) {
    const state = sharedState(model, true);
    listen(model, state);
    return () => forget(model, state);
  },
  render({ model, el }) {
    return renderView(model, el);
  },
};
