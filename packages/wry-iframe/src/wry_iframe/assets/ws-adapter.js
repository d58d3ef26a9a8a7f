// wry-iframe: the WebSocket adapter. The core bundle (__wry) does everything else.
//
// Wire (JSON objects): page → Python {"s": first seq, "e": [events]} and {"a": ack};
// Python → page {"s", "e", "a"} (acks ride along) or {"a"}.
// Every event is numbered; each side keeps what it sent until the other acknowledges it,
// and resends it after a reconnect, so nothing is lost and nothing is applied twice.
(function () {
  "use strict";
  var script = document.currentScript;
  var cfg = JSON.parse(script.dataset.wry);
  var instance = Math.random().toString(36).slice(2) + Date.now().toString(36);
  var ACK_DELAY = 25;
  var FINAL_CODES = {
    1007: "invalid message",
    1008: "refused",
    1009: "message too big",
    4000: "widget closed",
    4001: "replaced by another page",
  };

  var ws = null;
  var outFrames = []; // [{s, n, text}] sent or waiting, until Python acknowledges them
  var outCount = 0; // events in outFrames
  var dropped = 0; // events refused for queue_limit that Python has not been told of
  var nextSeq = 1;
  var lastIn = 0; // last Python event applied
  var ackedIn = 0; // last Python event we told Python about
  var ackTimer = null;
  var retryDelay = 50;
  var opens = 0; // sockets that opened (1 + reconnections)
  var held = false; // a test asked the socket to stay down
  var leaving = false; // a navigate/refresh was applied: the page is going away
  var stayTimer = null; // see stayCheck()
  var STAY_CHECK = cfg.stayCheckMs; // see leave()
  var FRAME_OVERHEAD = 40; // '{"s":<seq>,"e":[…]}' around the events of a frame
  var root = document.documentElement;

  function state(value) {
    root.setAttribute("data-wry-connection", value);
  }

  // A batch (every emit of one microtask) leaves in as many frames as max_message_bytes
  // needs; only an event too big on its own is refused, never its neighbours. In its place
  // Python gets a small "pywry:refused" notice, so the refusal is logged and counted there.
  function send(batch) {
    var parts = [];
    for (var i = 0; i < batch.length; i++) {
      var part = JSON.stringify(batch[i]);
      // Python counts a text message in characters, never more than a JS string's length
      // (UTF-16 units): checking the length costs nothing, encoding 10 MB costs ~50 ms.
      if (part.length + FRAME_OVERHEAD > cfg.maxMessageBytes) {
        console.error(
          "wry: a " + JSON.stringify(batch[i].type) + " event of " + part.length +
            " characters exceeds max_message_bytes (" + cfg.maxMessageBytes + "); it was not sent"
        );
        part = JSON.stringify({
          type: "pywry:refused",
          data: { type: String(batch[i].type), chars: part.length },
        });
      }
      parts.push(part);
    }
    var start = 0;
    var size = 0;
    for (i = 0; i < parts.length; i++) {
      if (i > start && size + parts[i].length + 1 + FRAME_OVERHEAD > cfg.maxMessageBytes) {
        sendFrame(parts.slice(start, i));
        start = i;
        size = 0;
      }
      size += parts[i].length + 1;
    }
    if (start < parts.length) sendFrame(parts.slice(start));
  }

  // Past queue_limit the page drops what it cannot queue; once Python has caught up, the
  // first frame tells it how many were dropped (a "pywry:refused" notice), so the loss is
  // logged and counted in Python too, not only in the browser's console. Nothing is sent
  // past a gap before its notice (a later, smaller frame of the same burst may fit where a
  // bigger one did not): Python hears of every loss where it happened in the order.
  function sendFrame(parts) {
    var room = cfg.queueLimit - outCount;
    if (dropped && parts.length + 1 <= room) {
      parts = [JSON.stringify({ type: "pywry:refused", data: { dropped: dropped } })].concat(parts);
      dropped = 0;
    }
    if (dropped || parts.length > room) {
      if (parts.length) {
        console.error(
          "wry: " + outCount + " events wait for Python (queue_limit " + cfg.queueLimit +
            "); " + parts.length + " events were not sent"
        );
      }
      dropped += parts.length;
      return;
    }
    if (!parts.length) return;
    var text = '{"s":' + nextSeq + ',"e":[' + parts.join(",") + "]}";
    var frame = { s: nextSeq, n: parts.length, text: text };
    nextSeq += parts.length;
    outFrames.push(frame);
    outCount += frame.n;
    if (open()) ws.send(text);
  }

  function open() {
    return ws !== null && ws.readyState === 1;
  }

  function ackNow() {
    ackTimer = null;
    if (open() && lastIn !== ackedIn) {
      ackedIn = lastIn;
      ws.send('{"a":' + lastIn + "}");
    }
  }

  function scheduleAck() {
    if (ackTimer === null) ackTimer = setTimeout(ackNow, ACK_DELAY);
  }

  function trim(ack) {
    while (outFrames.length && outFrames[0].s + outFrames[0].n - 1 <= ack) {
      outCount -= outFrames.shift().n;
    }
    if (dropped) sendFrame([]); // room again: the notice of what was dropped goes now
  }

  function receive(message) {
    var frame = JSON.parse(message.data);
    if (frame.a !== undefined) trim(frame.a);
    var events = frame.e;
    if (!events || leaving) return;
    var skip = lastIn + 1 - frame.s; // already applied before a reconnect
    if (skip > 0) events = events.slice(skip);
    if (!events.length) return;
    for (var i = 0; i < events.length; i++) {
      var t = events[i].type;
      if (t === "pywry:refresh" || (t === "pywry:navigate" && !staysHere(events[i].data))) {
        events = events.slice(0, i + 1); // what follows is for the next page
        leave();
        break;
      }
    }
    var first = frame.s + Math.max(skip, 0);
    lastIn = first + events.length - 1;
    if (leaving) ackNow(); // up to the leaving event: never replayed, the rest will be
    if (first <= cfg.contentSeq) events = notRendered(events, first);
    pywry._receive(events);
    if (leaving) pywry._whenDone(stayCheck);
    scheduleAck();
  }

  // The server rendered this page with the content of every update() up to contentSeq:
  // mounting one of those again would run its scripts twice (and fire pywry:ready twice).
  function notRendered(events, first) {
    return events.filter(function (event, i) {
      return first + i > cfg.contentSeq || event.type !== "pywry:update-content";
    });
  }

  // A pywry:navigate the bridge refuses, or one to a fragment of this very document, moves
  // no page: the events after it are applied at once, in order, by this page.
  function staysHere(data) {
    var url = data && data.url;
    if (typeof url !== "string" || !url) return true;
    try {
      var to = new URL(url, document.baseURI).href;
    } catch (error) {
      return true; // location.href refuses it too
    }
    var hash = to.indexOf("#");
    return hash >= 0 && to.slice(0, hash) === location.href.split("#")[0];
  }

  // After pywry:navigate or pywry:refresh the page is about to go: it applies and
  // acknowledges nothing more, so the next page gets every later event. The browser keeps
  // this page, its scripts running, until the next page's answer arrives, and gives no sign
  // of whether one will (a slow server or proxy) or the page stays (a download, a "204 No
  // Content" answer): no navigation API event, no state. So only a page still here
  // STAY_CHECK after the event ran (it may wait behind an update's scripts) reconnects and
  // gets them itself; at 2 s, a slower navigation's events went to the page that was
  // leaving, which acknowledged them, and the next page never had them.
  function leave() {
    leaving = true;
  }

  function stayCheck() {
    stayTimer = setTimeout(takeBack, STAY_CHECK);
  }

  // The page is still here: it takes back the events it let go (a reconnect resends them).
  function takeBack() {
    clearTimeout(stayTimer);
    stayTimer = null;
    leaving = false;
    if (ws) ws.close(3000, "stayed after navigate");
  }

  // Back from the browser's back/forward cache, the page that left is shown again. Served
  // no-store, a page goes there only when something between drops that header.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && leaving) takeBack();
  });

  // A navigation the page starts itself (a link, its own location change, a reload) is
  // leaving too: beforeunload is the browser's only word that one began. From then on the
  // page takes no more events, so the next page gets them; one that stays after all (a
  // download, a 204 answer, a cancelled unload) takes them back STAY_CHECK later.
  window.addEventListener("beforeunload", function () {
    if (leaving) return; // a pywry:navigate or pywry:refresh already made it leave
    ackNow();
    leave();
    stayCheck();
  });

  function connect() {
    var scheme = location.protocol === "https:" ? "wss:" : "ws:";
    var url = scheme + "//" + location.host + cfg.ws + "&p=" + instance + "&r=" + lastIn;
    var socket = new WebSocket(url);
    ws = socket;
    state("connecting");
    socket.onopen = function () {
      retryDelay = 50;
      opens += 1;
      state("open");
      for (var i = 0; i < outFrames.length; i++) socket.send(outFrames[i].text);
    };
    socket.onmessage = receive;
    socket.onclose = function (event) {
      if (ws !== socket) return;
      ws = null;
      if (FINAL_CODES[event.code]) {
        state("closed");
        if (FINAL_CODES[event.code]) console.warn("wry: socket closed: " + FINAL_CODES[event.code]);
        return;
      }
      state("reconnecting");
      if (held) return;
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 2000);
    };
  }

  var pywry = __wry.createBridge({
    root: document,
    label: cfg.label,
    theme: cfg.theme,
    send: send,
    reload: function () {
      ackNow();
      location.reload();
    },
  });
  window.pywry = pywry;
  window.addEventListener("pagehide", ackNow);
  // For tests and tools: drop the socket as a network failure would. The adapter reconnects
  // at once, or (hold) only when reconnect() is called.
  window.__wryIframe = {
    drop: function (hold) {
      held = !!hold;
      if (ws) ws.close(3000, "dropped on purpose");
    },
    reconnect: function () {
      held = false;
      if (ws === null) connect();
    },
    stats: function () {
      return { lastIn: lastIn, nextSeq: nextSeq, unacked: outCount, connected: open(), opens: opens };
    },
  };
  connect();
})();
