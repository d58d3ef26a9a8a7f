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
