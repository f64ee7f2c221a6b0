// Shopdesk's small page behaviours. No framework and no inline script: the CSP allows only files
// served by the app (script-src 'self').
(function () {
  "use strict";

  // data-confirm on a form (or a submit button) asks before submitting.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    var button = ev.submitter;
    var msg = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) {
      ev.preventDefault();
      ev.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("click", function (ev) {
    var t = ev.target instanceof Element ? ev.target : null;
    if (!t) return;

    // [data-dismiss] closes the flash message it sits in.
    var dismiss = t.closest("[data-dismiss]");
    if (dismiss) {
      var flash = dismiss.closest(".flash");
      if (flash) flash.remove();
      return;
    }

    // [data-copy="#id"] copies that element's value or text.
    var copy = t.closest("[data-copy]");
    if (copy) {
      var src = document.querySelector(copy.getAttribute("data-copy"));
      if (!src) return;
      var text = "value" in src ? src.value : src.textContent;
      var done = function () {
        var label = copy.getAttribute("data-copied-label");
        if (!label) return;
        var before = copy.textContent;
        copy.textContent = label;
        window.setTimeout(function () { copy.textContent = before; }, 1500);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text.trim()).then(done, function () {});
      } else {
        var range = document.createRange();
        range.selectNodeContents(src);
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        try { document.execCommand("copy"); done(); } catch (e) { /* selection stays for Ctrl-C */ }
      }
      return;
    }

    // An open <details class="menu"> closes when the click lands outside it.
    document.querySelectorAll("details.menu[open]").forEach(function (d) {
      if (!d.contains(t)) d.removeAttribute("open");
    });
  });

  // Escape closes open menus.
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") return;
    document.querySelectorAll("details.menu[open]").forEach(function (d) {
      d.removeAttribute("open");
      var s = d.querySelector("summary");
      if (s) s.focus();
    });
  });
})();

// The inbox: keyboard navigation, live updates over server-sent events, and presence.
(function () {
  "use strict";
  var inbox = document.querySelector("[data-inbox]");
  if (!inbox) return;

  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  // j/k move, Enter opens, e resolves (and goes on; Shift+e stays), a assigns to me, r replies, n writes a note, / searches.
  var rows = Array.prototype.slice.call(document.querySelectorAll("[data-row]"));
  var focus = rows.findIndex(function (r) { return r.classList.contains("row-active"); });
  function setFocus(i) {
    if (!rows.length) return;
    focus = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach(function (r, j) { r.classList.toggle("row-focus", j === focus); });
    rows[focus].scrollIntoView({ block: "nearest" });
  }
  function post(url, fields) {
    var f = document.createElement("form");
    f.method = "post";
    f.action = url;
    Object.keys(fields).forEach(function (k) {
      var i = document.createElement("input");
      i.type = "hidden"; i.name = k; i.value = fields[k];
      f.appendChild(i);
    });
    document.body.appendChild(f);
    f.submit();
  }
  var pane = document.querySelector("[data-ticket]");
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target)) return;
    var body = document.querySelector("[data-composer] textarea");
    switch (ev.key) {
      case "j": setFocus(focus + 1); break;
      case "k": setFocus(focus - 1); break;
      case "Enter":
        if (focus >= 0 && rows[focus]) { rows[focus].querySelector("[data-row-link]").click(); }
        break;
      case "?":
        var help = document.querySelector("[data-shortcuts]");
        if (help) help.open = !help.open;
        break;
      case "/":
        var q = document.getElementById("q");
        if (q) { ev.preventDefault(); q.focus(); }
        break;
      case "e":
      case "E":
        // e resolves and opens the next ticket of this list; Shift+e resolves and stays.
        if (pane) post(pane.getAttribute("data-presence-url").replace(/\/presence(\?|$)/, "/status$1"),
          ev.key === "e" ? { status: "resolved", next: "1" } : { status: "resolved" });
        break;
      case "a":
        if (pane) post(pane.getAttribute("data-presence-url").replace(/\/presence(\?|$)/, "/assign$1"), { assignee: "me" });
        break;
      case "r":
      case "n":
        if (body) {
          ev.preventDefault();
          var mode = document.querySelector('[data-composer] input[name=mode][value="' + (ev.key === "n" ? "note" : "reply") + '"]');
          if (mode) mode.checked = true;
          body.focus();
        }
        break;
      default: return;
    }
  });

  // Live updates: a change to the open ticket refreshes its thread in place; other changes show
  // a "new activity" link instead of moving the list under the cursor.
  var eventsURL = inbox.getAttribute("data-events");
  var threadURL = inbox.getAttribute("data-thread");
  var ticketID = pane ? null : null;
  var threadBox = document.getElementById("thread");
  var banner = document.querySelector("[data-live-banner]");
  var reloadLink = document.querySelector("[data-live-reload]");
  if (reloadLink) reloadLink.setAttribute("href", window.location.pathname + window.location.search);
  var presenceBox = document.querySelector("[data-presence]");
  

  function refreshThread() {
    if (!threadURL || !threadBox) return;
    fetch(threadURL, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) return;
        threadBox.innerHTML = html;
      });
  }
  function showPresence(data) {
    if (!presenceBox) return;
    presenceBox.textContent = "";
    var viewing = presenceBox.getAttribute("data-viewing-label");
    var typingLabel = presenceBox.getAttribute("data-typing-label");
    Object.keys(data).sort().forEach(function (name) {
      var s = document.createElement("span");
      s.className = data[name] === "typing" ? "presence-typing" : "presence-viewing";
      s.textContent = name + " " + (data[name] === "typing" ? typingLabel : viewing);
      presenceBox.appendChild(s);
    });
  }
  if (window.EventSource && eventsURL) {
    var es = new EventSource(eventsURL);
    es.addEventListener("ticket", function (ev) {
      // Other page parts (the properties block) listen for their ticket's changes too.
      document.dispatchEvent(new CustomEvent("shopdesk:ticket", { detail: ev.data }));
      if (threadBox) refreshThread();
      if (banner) banner.hidden = false;
    });
    es.addEventListener("presence", function (ev) {
      try { showPresence(JSON.parse(ev.data)); } catch (e) { /* ignore a bad frame */ }
    });
    // The bell (notify.js) shares this stream rather than opening a second one.
    es.addEventListener("notification", function (ev) {
      document.dispatchEvent(new CustomEvent("shopdesk:notification", { detail: ev.data }));
    });
  }

  // Presence heartbeats: viewing every 10 s, typing while the composer changes, left on exit.
  if (pane) {
    var presenceURL = pane.getAttribute("data-presence-url");
    var state = "viewing";
    var lastTyping = 0;
    function beat(s) {
      var body = new URLSearchParams({ state: s });
      fetch(presenceURL, { method: "POST", body: body, credentials: "same-origin", keepalive: s === "left" });
    }
    beat("viewing");
    window.setInterval(function () {
      if (state === "typing" && Date.now() - lastTyping > 8000) state = "viewing";
      beat(state);
    }, 10000);
    var ta = document.querySelector("[data-composer] textarea");
    if (ta) ta.addEventListener("input", function () {
      var now = Date.now();
      if (state !== "typing" || now - lastTyping > 5000) { state = "typing"; beat("typing"); }
      lastTyping = now;
    });
    window.addEventListener("pagehide", function () { beat("left"); });
  }
})();
