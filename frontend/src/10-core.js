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
