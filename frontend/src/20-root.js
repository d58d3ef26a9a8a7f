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
