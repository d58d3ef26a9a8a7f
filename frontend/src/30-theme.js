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
