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
