// wry notebook adapter: connects the core bridge (globalThis.__wry, defined by the bundle
// above this file) to an anywidget model. One shared receiver per model fans batches out to
// every live view; each view has its own bridge whose built-ins act only inside its root.

// Events kept for views that have not rendered (or not joined the page) yet: the model's
// `_queue_limit`, PyWrySettings.queue_limit, as Python keeps for a view that has not spoken.
const DEFAULT_QUEUE_LIMIT = 100000;
const sharedByManager = new WeakMap(); // widget_manager -> Map(model uid -> shared state)

// One page-wide registry (every widget model imports its own copy of this module).
const page = globalThis.__wryNotebook || (globalThis.__wryNotebook = { views: new Map(), current: null });
// Every model state of the page, with views or not: a leaving page reports them all (see goneNotice).
page.states = page.states || new Set();

// Content scripts see their own view's `pywry` and `root`: classic scripts are wrapped in a
// block that binds both lexically (closures keep them), so two widgets, or two views of one
// widget, never talk through each other's bridge. Module and external scripts cannot be
// wrapped; they, and inline handlers such as onclick="pywry.emit(...)", use the global below.
const CLASSIC = ["", "text/javascript", "application/javascript", "application/x-javascript", "text/ecmascript"];
const FULL_DOCUMENT = /^\s*(<!--[\s\S]*?-->\s*)*(<!doctype|<html)/i;

function scoped(code, viewId) {
  return (
    `{ const { pywry, root } = globalThis.__wryNotebook.views.get(${JSON.stringify(viewId)}) || {};\n` +
    code +
    "\n}"
  );
}

function wrapScripts(node, viewId) {
  for (const script of node.querySelectorAll("script")) {
    const type = (script.getAttribute("type") || "").trim().toLowerCase();
    if (!script.hasAttribute("src") && CLASSIC.includes(type)) {
      script.textContent = scoped(script.textContent, viewId);
    }
  }
}

function scopeHtml(html, viewId) {
  if (!/<script/i.test(html)) return html;
  if (FULL_DOCUMENT.test(html)) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    wrapScripts(doc, viewId);
    return "<!doctype html>\n" + doc.documentElement.outerHTML;
  }
  const template = document.createElement("template");
  template.innerHTML = html;
  wrapScripts(template.content, viewId);
  return template.innerHTML;
}

function scopePayload(payload, viewId) {
  const source = payload || {};
  const scripts = Array.isArray(source.scripts) ? source.scripts : [];
  return Object.assign({}, source, {
    html: scopeHtml(source.html === undefined || source.html === null ? "" : String(source.html), viewId),
    scripts: scripts.map((s) => (s && typeof s.code === "string" ? Object.assign({}, s, { code: scoped(s.code, viewId) }) : s)),
  });
}

// window.pywry: inside an event handler, the bridge of the view the event happened in;
// otherwise the view mounted most recently.
function installGlobalPywry() {
  if (page.globalInstalled) return;
  page.globalInstalled = true;
  try {
    Object.defineProperty(globalThis, "pywry", {
      configurable: true,
      get() {
        const target = globalThis.event && globalThis.event.target;
        const root = target && target.closest ? target.closest(".wry-notebook") : null;
        if (root && root.pywry) return root.pywry;
        return page.current;
      },
      set(value) {
        page.current = value;
      },
    });
  } catch (error) {
    console.error("[wry] window.pywry is taken by something else on this page", error);
  }
}

// A tab that closes or reloads never disposes its views: tell Python they are gone, so its
// events wait for the next view (the reopened notebook's) instead of going to no page. A model
// with no view here is reported too: the events it holds for a view that has not rendered (or
// after its output was cleared) would otherwise go with the page, unseen and unreported.
function installLeaveNotice() {
  if (page.leaveNoticeInstalled) return;
  page.leaveNoticeInstalled = true;
  const otherTabs = openTabsChannel();
  globalThis.addEventListener("pagehide", () => {
    for (const state of page.states) {
      rememberSeen(state);
      const ids = state.views.size ? [...page.views].filter(([, v]) => v.state === state) : [];
      const notices = (ids.length ? ids.map(([viewId]) => viewId) : [""]).map((viewId) =>
        goneNotice(state, viewId),
      );
      for (const notice of notices) sendControl(state.model, notice);
      rememberLeft(state, notices);
      if (otherTabs) otherTabs.postMessage({ key: modelKey(state.model), notices });
    }
  });
  globalThis.addEventListener("pageshow", (event) => {
    if (!event.persisted) return; // back from the back/forward cache: the views live again
    for (const state of page.states) recalledLeft(modelKey(state.model));
    for (const [viewId, view] of page.views) sendControl(view.model, { kind: "view", view: viewId });
  });
}

// Shared state is found by the model's own random id, never by label: labels are unique
// within one PyWry app only, and two apps in one kernel may both show "chart".
function modelKey(model) {
  return model.get("_uid") || model.get("label");
}

function sharedState(model, fresh = false) {
  // initialize() starts a fresh state: after a kernel restart a new model may reuse a key.
  const manager = model.widget_manager || sharedByManager;
  let byKey = sharedByManager.get(manager);
  if (!byKey) {
    byKey = new Map();
    sharedByManager.set(manager, byKey);
  }
  const key = modelKey(model);
  let state = byKey.get(key);
  if (!state || fresh) {
    state = {
      model, views: new Set(), buffer: [], lastSeq: 0, listening: false,
      dropped: 0, // events refused for want of room (each refusal is reported to Python)
      seen: 0, // events of Python's handed to a view here, or meant for none (see goneNotice)
      bufferFirst: 0, // Python's index of buffer[0] (events wait there for a view)
      heldTo: undefined, // Python's count of events sent up to the last batch received here
      displays: 0, // views Python announced ({"kind": "display"}) that have not rendered here
      // this tab, before a reload, showed Python's events up to this index (see rememberSeen)
      resumeFrom: recalledSeen(key),
      resume: null, // {view, timer}: the replay asked for, batches wait in `buffer` meanwhile
      jsSeq: 0, jsQueue: [], jsInFlight: false, // the traitlet channel (see sendThroughTraitlet)
    };
    byKey.set(key, state);
    page.states.add(state);
  }
  return state;
}

function forget(model, state) {
  const byKey = sharedByManager.get(model.widget_manager || sharedByManager);
  if (byKey && byKey.get(modelKey(model)) === state) byKey.delete(modelKey(model));
  page.states.delete(state);
}

// Batches that arrive while no view exists wait in `buffer` for the views Python announced
// before them (a cell may display the widget twice and stream to it before either view
// renders): each announced view gets them when it renders. Once the last announced view has
// rendered, a batch reaches a live view, or the last view goes, no view needs them any more:
// a view displayed later (another cell, much later) starts with the events after it.
// `first` is Python's index of events[0] and `end` its count of events sent up to the end of
// the batch (both undefined for a hand-set `_py_event`, which Python does not count); a batch
// whose events this page already had may come with none left (see acceptBatch).
function fanOut(state, events, first, end) {
  if (state.views.size === 0 || state.resume) {
    if (!events.length) return;
    if (state.buffer.length === 0 && first !== undefined) state.bufferFirst = first;
    keep(state, state.buffer, events, end, "no view is showing this widget");
    return;
  }
  clearBuffer(state);
  if (end !== undefined) state.seen = end;
  if (events.length) for (const view of state.views) view.deliver(events, end);
}

// The buffer's events went to the views that wanted them (or to none, by design): a page that
// leaves from now on does not ask for them again.
function clearBuffer(state) {
  if (state.buffer.length) state.seen = Math.max(state.seen, state.bufferFirst + state.buffer.length);
  state.buffer.length = 0;
}

// Queue `events` on `list` up to the queue limit. As Python does for a view that has not
// spoken (emit() raises QueueFullError), what finds no room is refused, not the older events
// before it: the console says so and Python logs it and counts it in handle.dropped_events.
// `end` is Python's count of events sent up to the last of `events` (undefined for a hand-set
// `_py_event`): the notice names the refused ones by their indices, since every tab receives
// the same batches and may refuse the same events, which Python counts once.
function keep(state, list, events, end, why) {
  const limit = Number(state.model.get("_queue_limit")) || DEFAULT_QUEUE_LIMIT;
  const room = Math.max(0, limit - list.length);
  for (let i = 0; i < events.length && i < room; i++) list.push(events[i]);
  const refused = events.length - Math.min(room, events.length);
  if (refused <= 0) return;
  state.dropped += refused;
  console.error(`[wry] ${why}: ${limit} events wait (queue_limit); ${refused} more were dropped`);
  const notice = { kind: "dropped", count: refused, why };
  if (end !== undefined) Object.assign(notice, { from: end - refused, to: end }); // the last ones
  sendControl(state.model, notice);
}

// A view that display() announced gets what waited; so does the first view after all had
// gone (a reopened notebook's, say). One displayed later, next to live views, gets nothing
// old: those batches were sent before it was displayed.
function takeEarlyBatches(state, early) {
  const announced = state.displays > 0;
  if (announced || state.views.size === 0) for (const event of state.buffer) early.push(event);
  if (announced) state.displays -= 1;
  if (state.displays === 0) clearBuffer(state);
}

function acceptBatch(state, message) {
  const seq = Number(message.seq);
  if (seq <= state.lastSeq) return; // already delivered (the other channel carried it too)
  const gap = state.lastSeq && seq !== state.lastSeq + 1;
  if (gap) console.error(`[wry] batches ${state.lastSeq + 1}..${seq - 1} never arrived`);
  state.lastSeq = seq;
  let events = message.events;
  if (typeof events === "string") events = JSON.parse(events);
  if (!Array.isArray(events)) events = [];
  if (typeof message.first !== "number") return fanOut(state, events);
  const first = message.first;
  const end = first + events.length;
  const skip = alreadyHeld(state, message.again);
  state.heldTo = end;
  fanOut(state, skip ? events.slice(skip) : events, first + skip, end);
}

// Python sends again, to the next view, what a leaving page said reached no view; `again` is
// [Python's index when they were first sent, how many] for the batch's first events. Every
// page receives every batch, so a page that stays may have had them the first time (a view
// that rendered before the kernel read another tab's leave notice, say): those it skips,
// else that view would show them twice. It skips as well those sent before the first it
// holds (it joined after them): put after the later events it holds, they would show out of
// the order they were emitted in. Returns how many of the batch's first events to skip.
function alreadyHeld(state, again) {
  if (!Array.isArray(again) || state.heldTo === undefined) return 0;
  const [origin, count] = again.map(Number);
  if (!Number.isInteger(origin) || !Number.isInteger(count)) return 0;
  return Math.max(0, Math.min(count, state.heldTo - origin));
}

// A tab that reloads is a new page, which the kernel cannot tell from another tab, and while
// another tab still shows the widget Python sends nothing again. So the leaving page notes,
// in the tab's sessionStorage (a reload keeps it; no other tab sees it), how far the views of
// each widget got; the reloaded page's first view asks Python for what was sent since
// (`resume` in its announcement), and keeps the batches that arrive meanwhile in `buffer`.
// Python answers with a replay for that view, which every page receives and only that one
// takes: what the batches kept meanwhile do not hold, shown first, then those batches.
const RESUME_KEY = "wry-notebook-seen:";
const REPLAY_WAIT_MS = 5000; // no answer (a kernel busy for long): show what came, in order

function rememberSeen(state) {
  if (state.views.size === 0) return; // no view here: this tab showed nothing of it
  stash(RESUME_KEY + modelKey(state.model), state.resume ? state.resume.from : state.seen);
}

function recalledSeen(key) {
  const seen = unstash(RESUME_KEY + key);
  return Number.isInteger(seen) && seen >= 0 ? seen : undefined;
}

// Keep `value` (JSON) in the tab's sessionStorage until the next page takes it. Without
// storage (a sandboxed frame) nothing is kept: the next page starts with what comes next.
function stash(key, value) {
  try {
    sessionStorage.setItem(key, JSON.stringify(value));
  } catch (error) {
    // no storage: nothing to keep it in
  }
}

// What the page before this one stashed under `key` (then gone), or undefined.
function unstash(key) {
  try {
    const value = sessionStorage.getItem(key);
    sessionStorage.removeItem(key);
    return value === null ? undefined : JSON.parse(value);
  } catch (error) {
    return undefined;
  }
}

// Called as the first view of a reloaded page renders: returns what its announcement adds.
function askReplay(state, viewId) {
  if (state.resumeFrom === undefined || state.resume) return {};
  const from = state.resumeFrom;
  state.resumeFrom = undefined;
  const timer = setTimeout(() => {
    if (state.resume && state.resume.view === viewId) endResume(state, [], undefined);
  }, REPLAY_WAIT_MS);
  state.resume = { view: viewId, from, timer };
  return { resume: from };
}

function acceptReplay(state, message) {
  if (!state.resume || message.view !== state.resume.view) return; // another tab's
  let events = message.events;
  if (typeof events === "string") events = JSON.parse(events);
  if (!Array.isArray(events)) events = [];
  const first = Number(message.first);
  // the batches kept meanwhile already hold the replay's newest events
  const held = state.buffer.length ? state.bufferFirst : state.heldTo;
  let count = Number.isInteger(first) ? events.length : 0;
  if (count && held !== undefined) count = Math.max(0, Math.min(count, held - first));
  endResume(state, events.slice(0, count), count ? first + count : undefined);
}

// The replay came (or will not): the views get it, then the batches kept meanwhile.
function endResume(state, replayed, end) {
  clearTimeout(state.resume.timer);
  state.resume = null;
  if (state.views.size === 0) return; // its view went meanwhile: the buffer waits for the next
  const kept = state.buffer.slice();
  const last = kept.length ? state.bufferFirst + kept.length : end;
  clearBuffer(state);
  if (end !== undefined) state.seen = Math.max(state.seen, end);
  const events = replayed.concat(kept);
  if (events.length) for (const view of state.views) view.deliver(events, last);
}

function listen(model, state) {
  if (state.listening) return;
  state.listening = true;
  model.on("msg:custom", (message) => {
    if (message && message.kind === "batch") acceptBatch(state, message);
    else if (message && message.kind === "replay") acceptReplay(state, message);
    else if (message && message.kind === "display") state.displays += 1;
  });
  model.on("change:_py_event", () => {
    const value = model.get("_py_event");
    if (!value) return;
    if (value.kind === "batch") acceptBatch(state, value);
    else if (value.kind === "replay") acceptReplay(state, value);
    else if (typeof value.type === "string") fanOut(state, [{ type: value.type, data: value.data }]);
  });
}

// jupyter_server (Tornado) closes the kernel WebSocket on a message over 10 MiB, losing it and
// everything in flight; big batches therefore go in several messages, and one event too big
// for any message is refused and reported to Python instead.
const CHUNK_CHARS = 2 * 1024 * 1024;
const MESSAGE_LIMIT_BYTES = 10 * 1024 * 1024 - 64 * 1024;

// Each chunk is {events, size}, size being the characters of its events' JSON.
function chunked(batch, refuse) {
  const whole = JSON.stringify(batch).length;
  if (whole <= CHUNK_CHARS) return [{ events: batch, size: whole }];
  const chunks = [];
  let current = [];
  let size = 0;
  for (const event of batch) {
    const text = JSON.stringify(event);
    if (text.length * 3 > MESSAGE_LIMIT_BYTES && new TextEncoder().encode(text).length > MESSAGE_LIMIT_BYTES) {
      refuse(event, text.length);
      continue;
    }
    if (current.length && size + text.length > CHUNK_CHARS) {
      chunks.push({ events: current, size });
      current = [];
      size = 0;
    }
    current.push(event);
    size += text.length;
  }
  if (current.length) chunks.push({ events: current, size });
  return chunks;
}

// ipywidgets keeps one state update of a model in flight and merges the updates made meanwhile
// into one pending patch, where a later `_js_event` replaces an earlier one: batches emitted
// while one was on its way were lost. So this channel keeps its own queue, sends one
// `_js_event` at a time, and sends what was emitted meanwhile (merged, up to a chunk) once the
// kernel has handled the previous one (its status goes back to idle).
function sendThroughTraitlet(model, state, viewId, chunks) {
  for (const chunk of chunks) state.jsQueue.push(chunk);
  if (state.jsInFlight || state.jsQueue.length === 0) return;
  let { events, size } = state.jsQueue.shift();
  while (state.jsQueue.length && size + state.jsQueue[0].size <= CHUNK_CHARS) {
    const next = state.jsQueue.shift();
    events = events.concat(next.events);
    size += next.size;
  }
  state.jsInFlight = true;
  state.jsSeq += 1;
  const handled = () => {
    state.jsInFlight = false;
    sendThroughTraitlet(model, state, viewId, []);
  };
  const callbacks = outputCallbacks(model);
  const status = callbacks.iopub.status;
  callbacks.iopub.status = (msg) => {
    if (status) status(msg);
    if (msg && msg.content && msg.content.execution_state === "idle") handled();
  };
  try {
    model.set("_js_event", { seq: state.jsSeq, view: viewId, events });
    model.save_changes(callbacks);
  } catch (error) {
    state.jsInFlight = false; // nothing left: the next emit tries again
    throw error;
  }
}

// The widget manager's callbacks for a message to the kernel. JupyterLab's put the output of
// the Python code that handles it (print, a callback's traceback, wry's warnings) in the log
// console; a message sent without them has that output dropped.
function outputCallbacks(model) {
  let callbacks = {};
  try {
    const manager = model.widget_manager;
    if (manager && typeof manager.callbacks === "function") callbacks = manager.callbacks() || {};
  } catch (error) {
    callbacks = {};
  }
  return Object.assign({}, callbacks, { iopub: Object.assign({}, callbacks.iopub) });
}

function sendToPython(model, state, viewId, batch) {
  const refuse = (event, chars) => {
    console.error(`[wry] ${event.type}: ${chars} characters is more than one Jupyter message can carry`);
    sendControl(model, { kind: "refused", view: viewId, type: event.type, chars });
  };
  try {
    const chunks = chunked(batch, refuse);
    if (model.get("_channel") === "traitlets") {
      sendThroughTraitlet(model, state, viewId, chunks);
    } else {
      for (const chunk of chunks) {
        model.send({ kind: "events", events: chunk.events }, outputCallbacks(model));
      }
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
        new Function("pywry", "root", asset.text)(pywry, root);
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

// JupyterLab may render a view before it attaches it to the page, and a script inserted into
// a detached element runs only once the element joins the document: until then the content's
// handlers do not exist, and events handed to the view would reach none of them. Resolves
// true once `node` is in the document, false if cancelled first (the view was disposed).
// The observer sees the attachment at once; the timer, one inside a shadow root.
function whenConnected(node) {
  if (node.isConnected) return { promise: Promise.resolve(true), cancel() {} };
  let settle = () => {};
  const promise = new Promise((resolve) => (settle = resolve));
  const check = () => node.isConnected && finish(true);
  const observer = new MutationObserver(check);
  const timer = setInterval(check, 200);
  function finish(connected) {
    observer.disconnect();
    clearInterval(timer);
    settle(connected);
  }
  observer.observe(document, { childList: true, subtree: true });
  return { promise, cancel: () => finish(false) };
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
  page.views.set(viewId, { pywry, root, model, state });
  installGlobalPywry();
  installLeaveNotice();
  installAssets(pywry, root, model.get("_assets"));
  pywry._sealPersistent();

  function receive(events) {
    const fresh = [];
    for (const event of events) {
      if (isStaleContent(event, mountedVersion)) continue;
      if (event.type === "pywry:update-content" && event.data) {
        if (typeof event.data.version === "number") mountedVersion = event.data.version;
        fresh.push({ type: event.type, data: scopePayload(event.data, viewId) });
        continue;
      }
      fresh.push(event);
    }
    // the global `pywry` follows content mounts (their scripts may use it), not every batch
    if (fresh.some((event) => event.type === "pywry:update-content")) page.current = pywry;
    try {
      pywry._receive(fresh);
    } catch (error) {
      console.error("[wry] handling events from Python failed", error);
    }
  }

  function remount() {
    // pywry:refresh in a notebook: mount the current content again, keeping the scroll
    // position. The bridge waits for the returned Promise, so the events that came after the
    // refresh act on the new content.
    const content = model.get("_content") || {};
    const top = root.scrollTop;
    mountedVersion = content.version || mountedVersion;
    page.current = pywry;
    const mounted = pywry._update(scopePayload(content.payload || { html: "" }, viewId));
    return mounted.then(() => requestAnimationFrame(() => (root.scrollTop = top)));
  }

  const view = {
    deliver(events, end) {
      if (live) receive(events);
      else keep(state, early, events, end, "a view has not joined the page yet");
    },
  };
  const replay = askReplay(state, viewId);
  if (!state.resume) takeEarlyBatches(state, early); // else they follow the replay
  state.views.add(view);
  // Announce first: Python starts sending while the content mounts; events wait in `early`.
  sendControl(model, Object.assign({ kind: "view", view: viewId }, replay));

  const content = model.get("_content") || {};
  mountedVersion = content.version || 0;
  const attached = whenConnected(root);
  const mounted = (async () => {
    try {
      page.current = pywry;
      await pywry._mount(scopePayload(content.payload, viewId));
    } catch (error) {
      console.error("[wry] mounting the content failed", error);
    }
    if (!(await attached.promise)) return; // disposed before it was ever shown
    pywry._contentLoaded();
    live = true;
    if (early.length) receive(early.splice(0));
  })();

  return () => {
    attached.cancel();
    state.views.delete(view);
    if (state.views.size === 0 && state.resume) endResume(state, [], undefined);
    if (state.views.size === 0) clearBuffer(state);
    page.views.delete(viewId);
    if (page.current === pywry) page.current = null;
    // no `seen`: this page lives on, and its model keeps what comes next for the next view
    sendControl(model, { kind: "gone", view: viewId });
    if (typeof pywry._destroy === "function") pywry._destroy();
    root.remove();
    return mounted;
  };
}

// A page that goes away says how many of Python's events reached a view here: the kernel may
// read this only after a running cell, and what it sent meanwhile went to no page. Events still
// waiting in the buffer for a view count as unseen. Once the last view has gone, Python sends
// the unseen ones again, to the next view (the reloaded tab's, say); those the buffer had no
// room for and reported dropped, it no longer counts as lost if it still has them.
function goneNotice(state, viewId) {
  const seen = state.buffer.length ? state.bufferFirst : state.seen;
  return { kind: "gone", view: viewId, seen };
}

// jupyter_server queues a message from the page for the kernel and drops that queue when the
// page's WebSocket closes while another tab keeps the kernel connected: a leave notice sent
// as the page goes is lost whenever its frame and the close arrive together (often, on a
// reload). So the leaving page also keeps its notices in the tab's sessionStorage, and the
// reloaded page sends them again as its model starts, before its views announce themselves.
// Python takes a notice twice without harm (the view is already gone, the events already
// sent again). A closed tab has no next page: the other tabs send its notices (openTabsChannel).
const LEFT_KEY = "wry-notebook-left:";

function rememberLeft(state, notices) {
  stash(LEFT_KEY + modelKey(state.model), notices);
}

function recalledLeft(key) {
  const notices = unstash(LEFT_KEY + key);
  return Array.isArray(notices) ? notices.filter((n) => n && n.kind === "gone") : [];
}

// A closed tab has no next page to send its lost notices again; when another tab keeps the
// kernel connected (the only time jupyter_server loses them), that tab has the widget's model
// too, so the leaving page hands its notices to the other tabs of this origin as well, and
// each that holds the model sends them on through its own connection.
function openTabsChannel() {
  if (typeof BroadcastChannel !== "function") return null;
  const channel = new BroadcastChannel(LEFT_KEY);
  channel.onmessage = (event) => {
    const { key, notices } = event.data || {};
    if (!Array.isArray(notices)) return;
    for (const state of page.states) {
      if (modelKey(state.model) !== key) continue;
      for (const notice of notices) {
        if (notice && notice.kind === "gone") sendControl(state.model, notice);
      }
    }
  };
  return channel;
}

function sendControl(model, message) {
  try {
    model.send(message, outputCallbacks(model));
  } catch (error) {
    // the comm is closed: nobody is left to tell
  }
}

export default {
  initialize({ model }) {
    const state = sharedState(model, true);
    listen(model, state);
    installLeaveNotice(); // before any view: what waits for one must not leave unreported
    for (const notice of recalledLeft(modelKey(model))) sendControl(model, notice);
    return () => forget(model, state);
  },
  render({ model, el }) {
    return renderView(model, el);
  },
};
