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
