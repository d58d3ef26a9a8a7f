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
