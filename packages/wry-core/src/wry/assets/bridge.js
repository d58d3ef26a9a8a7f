/* wry bridge 0.1.0+e7ae99e1f3d1: built by frontend/build.py from frontend/src; do not edit. */
(function () {
"use strict";
const VERSION = "0.1.0+e7ae99e1f3d1";

// ---- 00-names.js ----
// Event names: the same rule as Python's wry.models.check_event_name.
// Letters, digits, "_", "-", "." with optional ":" namespaces; "*" only for listening.

const EVENT_NAME = /^[A-Za-z0-9_.\-]+(:[A-Za-z0-9_.\-]+)*$/;
const NAME_RULE =
  "use letters, digits, '_', '-', '.' with optional ':' namespaces (e.g. 'app:save'); " +
  "'*' only for listening";

function isEventName(type, allowWildcard) {
  if (typeof type !== "string") return false;
  if (type === "*") return !!allowWildcard;
  return EVENT_NAME.test(type);
}

function logError(message, error) {
  if (error === undefined) console.error("[wry] " + message);
  else console.error("[wry] " + message, error);
}

// ---- 10-core.js ----
// The bridge object: local handlers, JS -> Python batching, Python -> JS delivery in order.

function createBridge(options) {
  const opts = options || {};
  if (typeof opts.send !== "function") throw new TypeError("createBridge: options.send must be a function");
  const ctx = makeContext(opts);
  const handlers = new Map(); // type -> [{fn, persistent}]
  let outbox = [];
  let flushScheduled = false;
  let inbox = [];
  let inboxHead = 0; // next event of inbox to handle (no shift(): a 10k batch stays linear)
  let pumping = false;
  let destroyed = false;

  function flush() {
    flushScheduled = false;
    if (!outbox.length) return;
    const batch = outbox;
    outbox = [];
    try {
      opts.send(batch);
    } catch (error) {
      logError("send() failed; " + batch.length + " event(s) were not delivered", error);
    }
  }

  function emit(type, data) {
    if (destroyed) return false;
    if (!isEventName(type, false)) {
      logError("emit: invalid event name " + JSON.stringify(type) + ": " + NAME_RULE);
      return false;
    }
    const payload = data === undefined ? null : data;
    try {
      // Only objects (cycles, toJSON) and BigInt can fail; a 10 MB string is not encoded twice.
      if (typeof payload === "object" || typeof payload === "bigint") JSON.stringify(payload);
    } catch (error) {
      logError("emit(" + JSON.stringify(type) + "): data cannot be sent as JSON", error);
      return false;
    }
    outbox.push({ type: type, data: payload });
    if (!flushScheduled) {
      flushScheduled = true;
      Promise.resolve().then(flush);
    }
    return true;
  }

  function on(type, fn) {
    if (!isEventName(type, true)) {
      logError("on: invalid event name " + JSON.stringify(type) + ": " + NAME_RULE);
      return function () {};
    }
    if (typeof fn !== "function") {
      logError("on(" + JSON.stringify(type) + "): the handler must be a function");
      return function () {};
    }
    const entry = { fn: fn, persistent: false };
    if (!handlers.has(type)) handlers.set(type, []);
    handlers.get(type).push(entry);
    return function unsubscribe() {
      const list = handlers.get(type);
      const at = list ? list.indexOf(entry) : -1;
      if (at >= 0) list.splice(at, 1);
    };
  }

  function off(type, fn) {
    if (!isEventName(type, true)) {
      logError("off: invalid event name " + JSON.stringify(type) + ": " + NAME_RULE);
      return;
    }
    const list = handlers.get(type);
    if (!list) return;
    if (fn === undefined) handlers.delete(type);
    else handlers.set(type, list.filter(function (entry) { return entry.fn !== fn; }));
  }

  function call(fn, data, type) {
    try {
      const result = fn(data, type);
      if (result && typeof result.then === "function") {
        result.then(null, function (error) { logError("handler for " + type + " failed", error); });
      }
    } catch (error) {
      logError("handler for " + type + " failed", error);
    }
  }

  // Built-ins run first; a built-in may return a Promise that holds later events back
  // (update-content with external scripts), so every event sees the DOM the earlier ones made.
  function trigger(type, data) {
    let pending;
    const builtin = BUILTINS.get(type);
    if (builtin) {
      try {
        pending = builtin(ctx, data === undefined ? {} : data);
      } catch (error) {
        logError("built-in " + type + " failed", error);
      }
    }
    const own = handlers.get(type) || [];
    const any = handlers.get("*") || [];
    const targets = own.concat(any);
    for (let i = 0; i < targets.length; i++) call(targets[i].fn, data, type);
    return pending;
  }

  function pump() {
    pumping = true;
    while (inboxHead < inbox.length) {
      const event = inbox[inboxHead++];
      if (event.then) {
        call(event.then, undefined, "_whenDone");
        continue;
      }
      const pending = trigger(event.type, event.data);
      if (pending && typeof pending.then === "function") {
        pending.then(pump, function (error) {
          logError("built-in " + event.type + " failed", error);
          pump();
        });
        return;
      }
    }
    inbox = [];
    inboxHead = 0;
    pumping = false;
  }

  function receive(batch) {
    if (destroyed) return;
    const events = Array.isArray(batch) ? batch : [batch];
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      if (!event || !isEventName(event.type, false)) {
        logError("received an event with an invalid type: " + JSON.stringify(event && event.type));
        continue;
      }
      inbox.push(event);
    }
    if (!pumping) pump();
  }

  // Run fn once every event received so far has been handled (their built-ins included,
  // however long they wait): adapters learn when a pywry:refresh or pywry:navigate ran.
  function whenDone(fn) {
    if (destroyed) return;
    inbox.push({ then: fn });
    if (!pumping) pump();
  }

  function localTrigger(type, data) {
    if (!isEventName(type, false)) {
      logError("_trigger: invalid event name " + JSON.stringify(type) + ": " + NAME_RULE);
      return;
    }
    receive([{ type: type, data: data }]);
  }

  function sealPersistent() {
    handlers.forEach(function (list) {
      for (let i = 0; i < list.length; i++) list[i].persistent = true;
    });
  }

  function dropTransient() {
    handlers.forEach(function (list, type) {
      const kept = list.filter(function (entry) { return entry.persistent; });
      if (kept.length) handlers.set(type, kept);
      else handlers.delete(type);
    });
  }

  function contentLoaded() {
    restoreScroll(ctx);
    emit("pywry:ready", { label: ctx.label });
  }

  function destroy() {
    flush();
    destroyed = true;
    handlers.clear();
    inbox = [];
    inboxHead = 0;
    removeToasts(ctx);
  }

  const pywry = {
    label: ctx.label,
    emit: emit,
    on: on,
    off: off,
    _trigger: localTrigger,
    dispatch: localTrigger,
    _fire: localTrigger,
    result: function (data) { return emit("pywry:result", data); },
    _receive: receive,
    _whenDone: whenDone,
    _sealPersistent: sealPersistent,
    _contentLoaded: contentLoaded,
    _mount: function (payload) { return Promise.resolve(mountContent(ctx, payload || {})); },
    // what pywry:update-content does (drop the old content's handlers, mount, pywry:ready)
    _update: function (payload) { return Promise.resolve(updateContent(ctx, payload || {})); },
    _destroy: destroy,
    _flush: flush,
  };
  ctx.pywry = pywry;
  ctx.emit = emit;
  ctx.dropTransient = dropTransient;
  setTheme(ctx, opts.theme);
  return pywry;
}

// ---- 20-root.js ----
// The root a bridge acts in: the whole page (root = document) or one widget element.

function makeContext(opts) {
  const root = opts.root || document;
  const isPage = root.nodeType === 9; // a Document
  const doc = isPage ? root : root.ownerDocument;
  const rootEl = isPage ? doc.documentElement : root;
  rootEl.classList.add("pywry-root");
  return {
    root: root,
    isPage: isPage,
    doc: doc,
    rootEl: rootEl,
    label: opts.label === undefined ? "" : String(opts.label),
    reload: typeof opts.reload === "function" ? opts.reload : null,
    toasts: {}, // position -> container element
    theme: null,
    pywry: null,
    emit: null,
    dropTransient: null,
  };
}

// Where content lives: the [data-wry-content] element inside the root, else the root's body.
function contentContainer(ctx) {
  const marked = ctx.root.querySelector("[data-wry-content]");
  if (marked) return marked;
  return ctx.isPage ? ctx.doc.body : ctx.rootEl;
}

// The element toasts and downloads are attached to.
function hostElement(ctx) {
  return ctx.isPage ? ctx.doc.body || ctx.rootEl : ctx.rootEl;
}

// Where <style> elements for this root go: the page head, or the widget element itself.
function styleHost(ctx) {
  return ctx.isPage ? ctx.doc.head || ctx.rootEl : ctx.rootEl;
}

function cssEscape(value) {
  if (typeof CSS !== "undefined" && CSS.escape) return CSS.escape(value);
  return String(value).replace(/[^A-Za-z0-9_-]/g, function (c) { return "\\" + c; });
}

// Elements named by {id} or {selector}, searched only inside the root; logs when none match.
function findTargets(ctx, data, event) {
  let found = [];
  try {
    if (data.id !== undefined && data.id !== null) {
      const el = ctx.isPage
        ? ctx.doc.getElementById(String(data.id))
        : ctx.root.querySelector("#" + cssEscape(String(data.id)));
      if (el) found = [el];
    } else if (typeof data.selector === "string") {
      found = Array.prototype.slice.call(ctx.root.querySelectorAll(data.selector));
    } else {
      logError(event + ": give an 'id' or a 'selector'");
      return [];
    }
  } catch (error) {
    logError(event + ": invalid selector " + JSON.stringify(data.selector), error);
    return [];
  }
  if (!found.length) {
    const what = data.id !== undefined && data.id !== null ? "#" + data.id : data.selector;
    logError(event + ": nothing matches " + JSON.stringify(what));
  }
  return found;
}

// The <style>/<link> with this id inside the root's style host (or, for pages, anywhere).
function findStyle(ctx, id) {
  if (ctx.isPage) return ctx.doc.getElementById(id);
  return ctx.rootEl.querySelector("#" + cssEscape(id));
}

function setStyleElement(ctx, id, css) {
  let style = id ? findStyle(ctx, id) : null;
  if (!style || style.tagName !== "STYLE") {
    const fresh = ctx.doc.createElement("style");
    if (id) fresh.id = id;
    if (style) style.replaceWith(fresh);
    else styleHost(ctx).appendChild(fresh);
    style = fresh;
  }
  style.textContent = css;
  return style;
}

// ---- 30-theme.js ----
// Theme manager: pywry-theme-dark / pywry-theme-light and data-theme on the root element.
// "system" means the browser's prefers-color-scheme at the time the theme is set.

const THEMES = ["dark", "light"];

function systemTheme() {
  const query = typeof matchMedia === "function" && matchMedia("(prefers-color-scheme: dark)");
  return query && query.matches ? "dark" : "light";
}

function setTheme(ctx, theme) {
  const wanted = theme === undefined || theme === null || theme === "" ? "dark" : String(theme);
  const resolved = wanted === "system" ? systemTheme() : wanted;
  if (THEMES.indexOf(resolved) < 0) {
    logError("update-theme: unknown theme " + JSON.stringify(theme) + " (use dark, light or system)");
    return;
  }
  const classes = ctx.rootEl.classList;
  for (let i = 0; i < THEMES.length; i++) classes.remove("pywry-theme-" + THEMES[i]);
  classes.add("pywry-theme-" + resolved);
  ctx.rootEl.setAttribute("data-theme", resolved);
  ctx.theme = resolved;
}

// ---- 40-toasts.js ----
// pywry:alert toasts, inside the bridge's root. The stylesheet is added once per document;
// its colours come from CSS variables set by the root's theme class.

const TOAST_TYPES = ["info", "success", "warning", "error", "confirm"];
const TOAST_POSITIONS = ["top-right", "top-left", "bottom-right", "bottom-left", "top-center", "bottom-center"];
const TOAST_DURATION = { info: 4000, success: 4000, warning: 6000, error: 8000, confirm: 0 };
const TOAST_CSS_ID = "pywry-bridge-css";
const TOAST_CSS = [
  ".pywry-root{--pywry-toast-bg:#ffffff;--pywry-toast-fg:#1f2328;--pywry-toast-border:#d0d7de;",
  "--pywry-toast-shadow:0 4px 14px rgba(0,0,0,.15);--pywry-info:#0969da;--pywry-success:#1a7f37;",
  "--pywry-warning:#9a6700;--pywry-error:#cf222e;--pywry-confirm:#8250df}",
  ".pywry-root.pywry-theme-dark{--pywry-toast-bg:#22272e;--pywry-toast-fg:#e6edf3;",
  "--pywry-toast-border:#444c56;--pywry-toast-shadow:0 4px 14px rgba(0,0,0,.5);--pywry-info:#539bf5;",
  "--pywry-success:#57ab5a;--pywry-warning:#c69026;--pywry-error:#e5534b;--pywry-confirm:#b083f0}",
  ".pywry-root .pywry-toasts{position:absolute;z-index:2147483000;display:flex;flex-direction:column;",
  "gap:8px;padding:12px;max-width:min(360px,100%);box-sizing:border-box;pointer-events:none}",
  "html.pywry-root .pywry-toasts{position:fixed}",
  ".pywry-root .pywry-toasts--top-right{top:0;right:0}",
  ".pywry-root .pywry-toasts--top-left{top:0;left:0}",
  ".pywry-root .pywry-toasts--bottom-right{bottom:0;right:0;flex-direction:column-reverse}",
  ".pywry-root .pywry-toasts--bottom-left{bottom:0;left:0;flex-direction:column-reverse}",
  ".pywry-root .pywry-toasts--top-center{top:0;left:50%;transform:translateX(-50%)}",
  ".pywry-root .pywry-toasts--bottom-center{bottom:0;left:50%;transform:translateX(-50%);",
  "flex-direction:column-reverse}",
  ".pywry-root .pywry-toast{pointer-events:auto;position:relative;min-width:220px;",
  "padding:10px 32px 10px 12px;border:1px solid var(--pywry-toast-border);",
  "border-left:4px solid var(--pywry-accent);border-radius:6px;background:var(--pywry-toast-bg);",
  "color:var(--pywry-toast-fg);box-shadow:var(--pywry-toast-shadow);",
  "font:14px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif;word-wrap:break-word}",
  ".pywry-root .pywry-toast--info{--pywry-accent:var(--pywry-info)}",
  ".pywry-root .pywry-toast--success{--pywry-accent:var(--pywry-success)}",
  ".pywry-root .pywry-toast--warning{--pywry-accent:var(--pywry-warning)}",
  ".pywry-root .pywry-toast--error{--pywry-accent:var(--pywry-error)}",
  ".pywry-root .pywry-toast--confirm{--pywry-accent:var(--pywry-confirm)}",
  ".pywry-root .pywry-toast__title{font-weight:600;margin-bottom:2px}",
  ".pywry-root .pywry-toast__close{position:absolute;top:6px;right:8px;border:0;background:none;",
  "color:inherit;font-size:16px;line-height:1;cursor:pointer;opacity:.7}",
  ".pywry-root .pywry-toast__actions{display:flex;gap:8px;justify-content:flex-end;margin-top:8px}",
  ".pywry-root .pywry-toast__actions button{font:inherit;padding:3px 12px;border-radius:4px;",
  "cursor:pointer;border:1px solid var(--pywry-toast-border);background:transparent;color:inherit}",
  ".pywry-root .pywry-toast__actions .pywry-toast__ok{background:var(--pywry-accent);",
  "border-color:var(--pywry-accent);color:#fff}",
].join("\n");

function ensureToastCss(doc) {
  if (doc.getElementById(TOAST_CSS_ID)) return;
  const style = doc.createElement("style");
  style.id = TOAST_CSS_ID;
  style.textContent = TOAST_CSS;
  (doc.head || doc.documentElement).appendChild(style);
}

function toastContainer(ctx, position) {
  let box = ctx.toasts[position];
  if (box && box.isConnected) return box;
  const host = hostElement(ctx);
  if (!ctx.isPage && getComputedStyle(host).position === "static") host.style.position = "relative";
  box = ctx.doc.createElement("div");
  box.className = "pywry-toasts pywry-toasts--" + position;
  box.setAttribute("data-position", position);
  host.appendChild(box);
  ctx.toasts[position] = box;
  return box;
}

function showToast(ctx, data) {
  const type = TOAST_TYPES.indexOf(data.type) >= 0 ? data.type : "info";
  if (data.type !== undefined && type !== data.type) {
    logError("pywry:alert: unknown type " + JSON.stringify(data.type) + ", shown as info");
  }
  const position = TOAST_POSITIONS.indexOf(data.position) >= 0 ? data.position : "top-right";
  if (data.position !== undefined && position !== data.position) {
    logError("pywry:alert: unknown position " + JSON.stringify(data.position) + ", using top-right");
  }
  ensureToastCss(ctx.doc);
  const doc = ctx.doc;
  const toast = doc.createElement("div");
  toast.className = "pywry-toast pywry-toast--" + type;
  toast.setAttribute("data-type", type);
  toast.setAttribute("role", type === "error" || type === "confirm" ? "alertdialog" : "status");
  if (data.title) {
    const title = doc.createElement("div");
    title.className = "pywry-toast__title";
    title.textContent = String(data.title);
    toast.appendChild(title);
  }
  const message = doc.createElement("div");
  message.className = "pywry-toast__message";
  message.textContent = data.message === undefined || data.message === null ? "" : String(data.message);
  toast.appendChild(message);

  let timer = null;
  function dismiss() {
    if (timer) clearTimeout(timer);
    toast.remove();
  }
  function answer(confirmed) {
    dismiss();
    if (data.callback_event) ctx.emit(String(data.callback_event), { confirmed: confirmed });
    else logError("pywry:alert confirm answered, but no callback_event was given");
  }
  const close = button(doc, "pywry-toast__close", "\u00d7", function () {
    if (type === "confirm") answer(false);
    else dismiss();
  });
  close.setAttribute("aria-label", "Close");
  toast.appendChild(close);
  if (type === "confirm") {
    const actions = doc.createElement("div");
    actions.className = "pywry-toast__actions";
    const cancel = button(doc, "pywry-toast__cancel", "Cancel", function () { answer(false); });
    const ok = button(doc, "pywry-toast__ok", "OK", function () { answer(true); });
    cancel.setAttribute("data-pywry-confirm", "cancel");
    ok.setAttribute("data-pywry-confirm", "ok");
    actions.appendChild(cancel);
    actions.appendChild(ok);
    toast.appendChild(actions);
  }
  toastContainer(ctx, position).appendChild(toast);
  const duration = data.duration === undefined || data.duration === null ? TOAST_DURATION[type] : Number(data.duration);
  if (type !== "confirm" && duration > 0) timer = setTimeout(dismiss, duration);
  return toast;
}

function button(doc, className, text, onClick) {
  const el = doc.createElement("button");
  el.type = "button";
  el.className = className;
  el.textContent = text;
  el.addEventListener("click", onClick);
  return el;
}

function removeToasts(ctx) {
  Object.keys(ctx.toasts).forEach(function (position) {
    ctx.toasts[position].remove();
  });
  ctx.toasts = {};
}

// ---- 50-mount.js ----
// Mounting update-content payloads: {html, css: [{id, css}], scripts: [{id, code}], title?}.
// A full document is parsed with DOMParser; its head styles/links/scripts and its body are
// mounted. Scripts run in document order; an external script is awaited before the next one.
// Returns undefined when everything ran synchronously, else a Promise for the remaining work.

const MOUNTED_ATTR = "data-wry-mounted";

function mountContent(ctx, payload) {
  const doc = ctx.doc;
  const container = contentContainer(ctx);
  const html = payload.html === undefined || payload.html === null ? "" : String(payload.html);
  const removable = ctx.rootEl.querySelectorAll("[" + MOUNTED_ATTR + "]");
  for (let i = 0; i < removable.length; i++) removable[i].remove();

  let headNodes = [];
  let bodyHtml = html;
  let title = payload.title;
  if (/^\s*(<!--[\s\S]*?-->\s*)*(<!doctype|<html)/i.test(html)) {
    const parsed = new DOMParser().parseFromString(html, "text/html");
    headNodes = Array.prototype.slice.call(parsed.head.querySelectorAll("style, link, script"));
    bodyHtml = parsed.body.innerHTML;
    if (title === undefined && parsed.title) title = parsed.title;
  }
  if (typeof title === "string" && ctx.isPage) doc.title = title;

  const scripts = [];
  for (let i = 0; i < headNodes.length; i++) {
    const node = headNodes[i];
    if (node.tagName === "SCRIPT") {
      scripts.push(node);
      continue;
    }
    const copy = doc.importNode(node, true);
    copy.setAttribute(MOUNTED_ATTR, "");
    styleHost(ctx).appendChild(copy);
  }
  const css = Array.isArray(payload.css) ? payload.css : [];
  for (let i = 0; i < css.length; i++) {
    if (css[i] && typeof css[i].css === "string") setStyleElement(ctx, css[i].id, css[i].css);
  }
  container.innerHTML = bodyHtml;
  const bodyScripts = container.querySelectorAll("script");
  for (let i = 0; i < bodyScripts.length; i++) scripts.push(bodyScripts[i]);
  const extra = Array.isArray(payload.scripts) ? payload.scripts : [];
  for (let i = 0; i < extra.length; i++) {
    if (!extra[i] || typeof extra[i].code !== "string") continue;
    const script = doc.createElement("script");
    if (extra[i].id) script.id = extra[i].id;
    script.textContent = extra[i].code;
    scripts.push(script);
  }
  return runScripts(ctx, container, scripts, 0);
}

// Run scripts[from..] in order: a live <script> copy replaces (or is appended for) each one.
function runScripts(ctx, container, scripts, from) {
  for (let i = from; i < scripts.length; i++) {
    const old = scripts[i];
    const live = ctx.doc.createElement("script");
    for (let a = 0; a < old.attributes.length; a++) {
      live.setAttribute(old.attributes[a].name, old.attributes[a].value);
    }
    live.textContent = old.textContent;
    if (old.src) live.async = false;
    const loaded = old.src ? scriptLoaded(live) : null;
    if (old.parentNode && container.contains(old)) {
      old.parentNode.replaceChild(live, old);
    } else {
      live.setAttribute(MOUNTED_ATTR, "");
      container.appendChild(live);
    }
    if (loaded) {
      return loaded.then(function () { return runScripts(ctx, container, scripts, i + 1); });
    }
  }
  return undefined;
}

function scriptLoaded(script) {
  return new Promise(function (resolve) {
    script.addEventListener("load", function () { resolve(); });
    script.addEventListener("error", function () {
      logError("update-content: script " + script.src + " failed to load");
      resolve();
    });
  });
}

// The pywry:update-content built-in: drop transient handlers, mount, then report pywry:ready.
function updateContent(ctx, data) {
  ctx.dropTransient();
  const done = function () { ctx.emit("pywry:ready", { label: ctx.label }); };
  const pending = mountContent(ctx, data);
  if (pending) return pending.then(done);
  done();
  return undefined;
}

// ---- 60-eval.js ----
// pywry:eval: run a script sent by Python and answer pywry:eval-result {id, ok, value|error}.
// The script may be an expression or statements (the result is the last statement's value, or
// what a `return` gives); code using `await` runs as an async function body whose returned
// Promise is awaited. `pywry` and `root` are in scope.

const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;

let evalInScope = null;

// A sloppy-mode function so that direct eval returns the completion value of statements.
// Made on first use: a page whose CSP forbids eval still loads the bundle.
function directEval(ctx, source) {
  if (!evalInScope) evalInScope = new Function("pywry", "root", "__wry_src", "return eval(__wry_src);");
  return evalInScope(ctx.pywry, ctx.root, source);
}

function parses(source, async) {
  try {
    if (async) new AsyncFunction(source);
    else new Function(source);
    return true;
  } catch (error) {
    return false;
  }
}

function runScript(ctx, script) {
  const asExpression = "return (\n" + script + "\n);";
  if (parses(asExpression, false)) return directEval(ctx, "(\n" + script + "\n)");
  if (parses(script, false)) {
    // Statements: eval gives the last statement's value; code that uses `return` runs as a body.
    if (/\breturn\b/.test(script)) return new Function("pywry", "root", script)(ctx.pywry, ctx.root);
    return directEval(ctx, script);
  }
  if (parses(asExpression, true)) return new AsyncFunction("pywry", "root", asExpression)(ctx.pywry, ctx.root);
  return new AsyncFunction("pywry", "root", script)(ctx.pywry, ctx.root);
}

function describeError(error) {
  if (error instanceof Error) return error.name + ": " + error.message;
  try {
    return "thrown: " + JSON.stringify(error);
  } catch (ignored) {
    return "thrown: " + String(error);
  }
}

function jsonSafe(value) {
  if (value === undefined) return null;
  try {
    const text = JSON.stringify(value);
    return text === undefined ? null : JSON.parse(text);
  } catch (error) {
    return String(value);
  }
}

function evalScript(ctx, data) {
  const id = data.id === undefined ? null : data.id;
  function reply(ok, value) {
    const answer = { id: id, ok: ok };
    if (ok) answer.value = jsonSafe(value);
    else answer.error = describeError(value);
    ctx.emit("pywry:eval-result", answer);
  }
  if (typeof data.script !== "string") {
    reply(false, new TypeError("pywry:eval needs a 'script' string"));
    return;
  }
  let result;
  try {
    result = runScript(ctx, data.script);
  } catch (error) {
    reply(false, error);
    return;
  }
  if (result && typeof result.then === "function") {
    result.then(function (value) { reply(true, value); }, function (error) { reply(false, error); });
  } else {
    reply(true, result);
  }
}

// ---- 70-page.js ----
// Page actions: download a file, navigate, refresh keeping the scroll position.

const SCROLL_KEY = "wry:scroll:";

function scrollKey(ctx) {
  return SCROLL_KEY + ctx.label + ":" + location.pathname;
}

function download(ctx, data) {
  if (typeof data.filename !== "string" || !data.filename) {
    logError("pywry:download: a 'filename' is required");
    return;
  }
  let content = data.content === undefined || data.content === null ? "" : data.content;
  if (typeof content !== "string") content = JSON.stringify(content);
  let parts = [content];
  if (data.encoding === "base64") {
    const raw = atob(content);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    parts = [bytes];
  }
  const blob = new Blob(parts, { type: data.mimeType || "application/octet-stream" });
  const url = URL.createObjectURL(blob);
  const link = ctx.doc.createElement("a");
  link.href = url;
  link.download = data.filename;
  link.style.display = "none";
  hostElement(ctx).appendChild(link);
  link.click();
  link.remove();
  setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
}

function navigate(ctx, data) {
  if (!ctx.isPage) {
    logError("pywry:navigate only works in a page of its own, not in an embedded widget");
    return;
  }
  if (typeof data.url !== "string" || !data.url) {
    logError("pywry:navigate: a 'url' is required");
    return;
  }
  location.href = data.url;
}

function saveScroll(ctx) {
  try {
    sessionStorage.setItem(scrollKey(ctx), JSON.stringify([scrollX, scrollY]));
  } catch (error) {
    // storage disabled: the reload simply starts at the top
  }
}

function restoreScroll(ctx) {
  if (!ctx.isPage) return;
  let saved = null;
  try {
    saved = sessionStorage.getItem(scrollKey(ctx));
    sessionStorage.removeItem(scrollKey(ctx));
  } catch (error) {
    return;
  }
  if (!saved) return;
  const xy = JSON.parse(saved);
  const apply = function () { scrollTo(xy[0], xy[1]); };
  apply();
  if (ctx.doc.readyState !== "complete") addEventListener("load", apply, { once: true });
}

// An adapter's reload may remount in place and return a Promise: the events after the
// refresh then wait for the new content, as they would for a reloaded page.
function refresh(ctx) {
  if (ctx.isPage) saveScroll(ctx);
  if (ctx.reload) return ctx.reload();
  location.reload();
  return undefined;
}

// ---- 80-builtins.js ----
// Built-in handlers for the Python -> page events of docs/protocol.md, keyed by event type.
// Each gets (ctx, data); a returned Promise holds back later events until it settles.
// A Map, not a plain object: events named "constructor", "valueOf" or "__proto__" are no
// built-ins, whatever Object.prototype holds.

const BUILTINS = new Map(Object.entries({
  "pywry:alert": showToast,
  "pywry:set-content": function (ctx, data) {
    const targets = findTargets(ctx, data, "pywry:set-content");
    for (let i = 0; i < targets.length; i++) {
      if (data.html !== undefined) targets[i].innerHTML = String(data.html);
      else targets[i].textContent = data.text === undefined || data.text === null ? "" : String(data.text);
    }
  },
  "pywry:set-style": function (ctx, data) {
    const targets = findTargets(ctx, data, "pywry:set-style");
    const styles = data.styles || {};
    for (let i = 0; i < targets.length; i++) {
      Object.keys(styles).forEach(function (prop) {
        const value = styles[prop] === null ? "" : String(styles[prop]);
        if (prop.indexOf("-") >= 0) targets[i].style.setProperty(prop, value);
        else targets[i].style[prop] = value;
      });
    }
  },
  "pywry:inject-css": function (ctx, data) {
    if (typeof data.css !== "string") {
      logError("pywry:inject-css: 'css' must be a string");
      return;
    }
    setStyleElement(ctx, data.id ? String(data.id) : "", data.css);
  },
  "pywry:remove-css": function (ctx, data) {
    const el = data.id ? findStyle(ctx, String(data.id)) : null;
    if (el && (el.tagName === "STYLE" || el.tagName === "LINK")) el.remove();
  },
  "pywry:update-theme": function (ctx, data) {
    setTheme(ctx, data.theme);
  },
  "pywry:download": download,
  "pywry:navigate": navigate,
  "pywry:refresh": refresh,
  "pywry:update-content": updateContent,
  "pywry:eval": evalScript,
}));

// ---- 99-export.js ----
// The bundle's one global.

globalThis.__wry = { createBridge: createBridge, version: VERSION };
})();
