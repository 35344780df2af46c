/*
 * No-contact-order assistant: the website chat widget.
 *
 * Embedded with one script tag; it loads its style sheet and the socket.io client from the folder
 * it came from and talks to Rasa's socket.io channel.
 *
 * Built for someone whose phone may be picked up by the other person:
 * - nothing of the conversation is written to localStorage, sessionStorage, cookies or IndexedDB;
 *   it lives in this page's memory only (the session id too);
 * - nothing shows while the chat is closed: no tooltip, no unread badge, no change to the tab title;
 * - "Leave quickly" (a button that is always on screen, or Shift pressed 3 times) removes the chat,
 *   clears this site's storage, and replaces the page and its history entry with a neutral site;
 * - every text, the bot's included, is put on the page as text, never as HTML; only http(s)
 *   addresses become links.
 */
(function () {
  "use strict";

  // Filled in by the server (bot/web/assets.py) from bot/content/widget.yml, domain.yml and the
  // settings. Served unrendered, the script still runs with the fallbacks below.
  var CONFIG = /*@NOC_CONFIG@*/ {};

  if (window.__nocWidget) return; // one widget per page, even if the tag is pasted twice
  var script = document.currentScript;
  var base = script && script.src ? script.src.replace(/[^/]*([?#].*)?$/, "") : "/widget/";
  var data = (script && script.dataset) || {};
  var T = CONFIG.text || {};
  var settings = {
    server: data.server || CONFIG.server || window.location.origin,
    exitUrl: safeHttpUrl(data.exitUrl) || safeHttpUrl(CONFIG.exitUrl) || "https://weather.gc.ca/",
  };

  var SHIFT_PRESSES = 3;
  var SHIFT_WINDOW_MS = 2000;
  var TYPING_TIMEOUT_MS = 20000;

  var state = {
    socket: null,
    sessionId: null, // memory only: a reload starts a new conversation, by design
    queue: [], // messages typed while offline: {text, bubble}
    opened: false,
    leaving: false,
    typingTimer: null,
  };
  var ui = {};

  window.__nocWidget = { leaveQuickly: leaveQuickly };

  // --- helpers -------------------------------------------------------------------------------

  function t(key, fallback) {
    return typeof T[key] === "string" && T[key] ? T[key] : fallback;
  }

  function safeHttpUrl(value) {
    if (!value) return null;
    try {
      var url = new URL(String(value), window.location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // Text with http(s) addresses turned into links. Everything else stays a text node, so markup
  // in a message (from the bot, a user or anyone in between) is shown, never run.
  var URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'`]+/gi;

  function appendRichText(parent, text) {
    text = String(text);
    var last = 0;
    var match;
    URL_IN_TEXT.lastIndex = 0;
    while ((match = URL_IN_TEXT.exec(text)) !== null) {
      var raw = match[0].replace(/[.,;:!?)\]}]+$/, ""); // trailing punctuation stays text
      var href = safeHttpUrl(raw);
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      if (href) {
        var link = el("a", { href: href, target: "_blank", rel: "noopener noreferrer nofollow" }, raw);
        link.appendChild(el("span", { class: "noc-sr" }, " " + t("link_note", "(opens in a new tab)")));
        parent.appendChild(link);
      } else {
        parent.appendChild(document.createTextNode(raw));
      }
      last = match.index + raw.length;
      URL_IN_TEXT.lastIndex = last;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // --- building the widget ---------------------------------------------------------------------

  function build() {
    var root = el("div", { class: "noc-root", id: "noc-chat" });

    // Always on screen, first in the tab order, above the open panel.
    ui.exit = el("button", { type: "button", class: "noc-exit", id: "noc-exit" }, t("exit_button", "Leave quickly"));
    ui.exit.addEventListener("click", leaveQuickly);

    ui.launcher = el("button", {
      type: "button",
      class: "noc-launcher",
      "aria-expanded": "false",
      "aria-controls": "noc-panel",
    }, t("launcher", "Questions? Chat with us"));
    ui.launcher.addEventListener("click", function () {
      togglePanel(!state.opened);
    });

    ui.panel = el("section", { class: "noc-panel", id: "noc-panel", role: "dialog", "aria-labelledby": "noc-title" });
    ui.panel.hidden = true;

    var header = el("div", { class: "noc-header" });
    header.appendChild(el("h2", { class: "noc-title", id: "noc-title" }, t("title", "Legal information chat")));
    ui.close = el("button", { type: "button", class: "noc-close", "aria-label": t("close", "Close chat") }, "\u00d7");
    ui.close.addEventListener("click", function () {
      togglePanel(false);
    });
    header.appendChild(ui.close);

    var notice = el("p", { class: "noc-notice" });
    notice.appendChild(el("strong", null, t("notice", "In danger? Call 911.")));
    notice.appendChild(document.createTextNode(" " + t("exit_hint", "To leave fast, press Shift 3 times.")));

    ui.status = el("p", { class: "noc-status", role: "status", "aria-live": "polite" });

    // role=log is a polite live region: screen readers announce each message as it is added.
    ui.log = el("div", {
      class: "noc-log",
      role: "log",
      "aria-live": "polite",
      "aria-label": t("log_label", "Conversation"),
      tabindex: "0",
    });

    ui.typing = el("p", { class: "noc-typing" });
    ui.typing.appendChild(el("span", { class: "noc-dots", "aria-hidden": "true" }, "\u2022\u2022\u2022"));
    ui.typing.appendChild(el("span", { class: "noc-sr" }, t("typing", "The assistant is typing.")));
    ui.typing.hidden = true;

    ui.form = el("form", { class: "noc-form", novalidate: "" });
    var label = el("label", { for: "noc-input", class: "noc-sr" }, t("input_label", "Your message"));
    // autocomplete off: the browser must not keep what was typed in its form history.
    ui.input = el("input", {
      id: "noc-input",
      type: "text",
      autocomplete: "off",
      autocapitalize: "sentences",
      enterkeyhint: "send",
      placeholder: t("input_placeholder", "Type your question"),
    });
    ui.send = el("button", { type: "submit", class: "noc-send" }, t("send", "Send"));
    ui.form.appendChild(label);
    ui.form.appendChild(ui.input);
    ui.form.appendChild(ui.send);
    ui.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = ui.input.value;
      if (!text.trim()) {
        ui.input.focus();
        return;
      }
      ui.input.value = "";
      send(text, text);
      ui.input.focus();
    });

    ui.panel.appendChild(header);
    ui.panel.appendChild(notice);
    ui.panel.appendChild(ui.status);
    ui.panel.appendChild(ui.log);
    ui.panel.appendChild(ui.typing);
    ui.panel.appendChild(ui.form);
    ui.panel.addEventListener("keydown", function (event) {
      // Escape closes the panel (it is not the quick exit: Esc also cancels page loads).
      if (event.key === "Escape") {
        event.preventDefault();
        togglePanel(false);
      }
    });

    root.appendChild(ui.exit);
    root.appendChild(ui.launcher);
    root.appendChild(ui.panel);
    ui.root = root;
    document.body.insertBefore(root, document.body.firstChild);
  }

  function togglePanel(open) {
    state.opened = open;
    ui.panel.hidden = !open;
    ui.launcher.setAttribute("aria-expanded", open ? "true" : "false");
    ui.root.classList.toggle("noc-open", open);
    if (open) {
      if (!ui.log.childNodes.length) showOpening();
      connect();
      ui.input.focus();
    } else {
      ui.launcher.focus();
    }
  }

  function showOpening() {
    (CONFIG.opening || []).forEach(function (message) {
      render(message);
    });
  }

  // --- messages -------------------------------------------------------------------------------

  function addBubble(who, text) {
    var bubble = el("div", { class: "noc-msg noc-" + who });
    bubble.appendChild(el("span", { class: "noc-sr" }, (who === "user" ? t("you_said", "You said:") : t("bot_said", "Assistant said:")) + " "));
    var body = el("span", { class: "noc-text" });
    appendRichText(body, text);
    bubble.appendChild(body);
    ui.log.appendChild(bubble);
    ui.log.scrollTop = ui.log.scrollHeight;
    return bubble;
  }

  function clearReplies() {
    Array.prototype.forEach.call(ui.log.querySelectorAll(".noc-replies"), function (group) {
      group.remove();
    });
  }

  // One message from the bot, as Rasa's socket.io channel sends it.
  function render(message) {
    if (!message || typeof message !== "object") return;
    if (typeof message.text === "string" && message.text.trim()) addBubble("bot", message.text);
    var attachment = message.attachment;
    if (attachment && attachment.payload && typeof attachment.payload.src === "string") {
      // Images are shown as a link, never loaded: nothing arrives on the page that was not asked for.
      var href = safeHttpUrl(attachment.payload.src);
      if (href) addBubble("bot", href);
    }
    var replies = Array.isArray(message.quick_replies) ? message.quick_replies : message.buttons;
    if (Array.isArray(replies) && replies.length) {
      var group = el("div", { class: "noc-replies", role: "group", "aria-label": t("replies_label", "Suggested replies") });
      replies.forEach(function (reply) {
        if (!reply || typeof reply.title !== "string") return;
        var payload = typeof reply.payload === "string" ? reply.payload : reply.title;
        var button = el("button", { type: "button", class: "noc-reply" }, reply.title);
        button.addEventListener("click", function () {
          send(payload, reply.title);
          ui.input.focus();
        });
        group.appendChild(button);
      });
      ui.log.appendChild(group);
      ui.log.scrollTop = ui.log.scrollHeight;
    }
  }

  function send(text, shown) {
    clearReplies();
    var bubble = addBubble("user", shown);
    state.queue.push({ text: text, bubble: bubble });
    flush();
  }

  // Sends what is waiting, in order, once the socket is up and the session is confirmed.
  // Until then the messages stay in memory, marked "not sent yet": nothing typed is lost.
  function flush() {
    var ready = state.socket && state.socket.connected && state.sessionId;
    while (ready && state.queue.length) {
      var item = state.queue.shift();
      state.socket.emit("user_uttered", { message: item.text, session_id: state.sessionId });
      item.bubble.classList.remove("noc-pending");
      var mark = item.bubble.querySelector(".noc-pending-note");
      if (mark) mark.remove();
      // Only once a message is really on its way: "typing" while offline would be a lie.
      showTyping(true);
    }
    state.queue.forEach(function (item) {
      if (!item.bubble.classList.contains("noc-pending")) {
        item.bubble.classList.add("noc-pending");
        item.bubble.appendChild(el("span", { class: "noc-pending-note" }, " (" + t("not_sent", "Not sent yet") + ")"));
      }
    });
    if (state.queue.length) setStatus("offline", t("status_queued", "Your message will be sent when the connection is back."));
  }

  function showTyping(on) {
    clearTimeout(state.typingTimer);
    ui.typing.hidden = !on;
    if (on) {
      state.typingTimer = setTimeout(function () {
        ui.typing.hidden = true;
      }, TYPING_TIMEOUT_MS);
    }
  }

  function setStatus(kind, text) {
    ui.status.className = "noc-status noc-status-" + kind;
    ui.status.textContent = text;
  }

  // --- connection -----------------------------------------------------------------------------

  function connect() {
    if (state.socket || state.leaving) return;
    if (typeof window.io !== "function") {
      setStatus("offline", t("status_offline", "Can't reach the assistant right now. If you are in danger, call 911."));
      return;
    }
    setStatus("connecting", t("status_connecting", "Connecting to the assistant."));
    var socket = window.io(settings.server, {
      path: "/socket.io",
      // Long-polling only: Rasa 3.6 runs on Sanic 21.12, whose WebSocket code calls
      // asyncio.wait() with bare coroutines, which Python 3.11 forbids, so every upgrade to a
      // WebSocket fails on the server. Polling works through any proxy too.
      transports: ["polling"],
      reconnection: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 5000,
      timeout: 10000,
      withCredentials: false,
    });
    state.socket = socket;
    socket.on("connect", function () {
      // The same session id after a reconnect keeps the conversation (and its answers) going.
      socket.emit("session_request", { session_id: state.sessionId });
    });
    socket.on("session_confirm", function (id) {
      var sessionId = id && typeof id === "object" ? id.session_id : id;
      if (typeof sessionId === "string" && sessionId) state.sessionId = sessionId;
      setStatus("online", t("status_online", "Connected."));
      flush();
    });
    socket.on("bot_uttered", function (message) {
      showTyping(false);
      render(message);
    });
    socket.on("disconnect", function () {
      setStatus("offline", t("status_offline", "Can't reach the assistant right now. If you are in danger, call 911."));
    });
    socket.on("connect_error", function () {
      setStatus("offline", t("status_offline", "Can't reach the assistant right now. If you are in danger, call 911."));
    });
  }

  // --- leaving quickly ------------------------------------------------------------------------

  function wipeSiteStorage() {
    // The widget itself stores nothing, but an older chat or another script on this site might
    // have: clear what a script can reach, so the visit leaves as little as possible behind.
    try {
      window.sessionStorage.clear();
    } catch (e) {}
    try {
      window.localStorage.clear();
    } catch (e) {}
    try {
      document.cookie.split(";").forEach(function (cookie) {
        var name = cookie.split("=")[0].trim();
        if (!name) return;
        var expired = name + "=; expires=Thu, 01 Jan 1970 00:00:00 GMT; max-age=0";
        document.cookie = expired + "; path=/";
        document.cookie = expired;
      });
    } catch (e) {}
  }

  function leaveQuickly(event) {
    if (event && event.preventDefault) event.preventDefault();
    if (state.leaving) return;
    state.leaving = true;
    // Hide the page at once: the neutral site can take a moment to load.
    document.documentElement.style.visibility = "hidden";
    try {
      if (state.socket) {
        state.socket.off();
        state.socket.disconnect();
      }
    } catch (e) {}
    state.socket = null;
    state.sessionId = null;
    state.queue = [];
    if (ui.root) ui.root.remove();
    ui = {};
    wipeSiteStorage();
    // replace(), not assign(): this page's history entry becomes the neutral site, so Back
    // does not bring the chat page back.
    window.location.replace(settings.exitUrl);
  }

  // Shift pressed on its own three times within two seconds. Shift held for capitals while
  // typing does not count, because another key goes down before Shift comes up.
  var shiftTimes = [];
  var shiftAlone = false;
  document.addEventListener("keydown", function (event) {
    if (event.key === "Shift") {
      if (!event.repeat) shiftAlone = true;
    } else {
      shiftAlone = false;
      shiftTimes = [];
    }
  }, true);
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift" || !shiftAlone) return;
    shiftAlone = false;
    var now = Date.now();
    shiftTimes = shiftTimes.filter(function (time) {
      return now - time < SHIFT_WINDOW_MS;
    });
    shiftTimes.push(now);
    if (shiftTimes.length >= SHIFT_PRESSES) leaveQuickly();
  }, true);

  // If the browser ever restores this page from its back-forward cache after a quick exit,
  // show nothing.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && state.leaving) document.documentElement.style.visibility = "hidden";
  });

  // --- start ----------------------------------------------------------------------------------

  function loadAssets(done) {
    var css = el("link", { rel: "stylesheet", href: base + "noc-widget.css" });
    document.head.appendChild(css);
    if (typeof window.io === "function") return done();
    var client = el("script", { src: base + "vendor/socket.io.min.js" });
    client.onload = done;
    client.onerror = done; // connect() then shows the offline status with 911
    document.head.appendChild(client);
  }

  function start() {
    build();
    loadAssets(function () {
      if (state.opened) connect();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
