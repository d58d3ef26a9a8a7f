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
