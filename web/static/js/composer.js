// The ticket composer and ticket flow: note/reply mode, @ suggestions of teammates in a note,
// and the merge target search. No inline script (CSP script-src 'self').
(function () {
  "use strict";

  var form = document.querySelector("[data-composer]");
  if (form) composer(form);
  var merge = document.querySelector("[data-merge-form]");
  if (merge) mergeSearch(merge);

  function composer(form) {
    var body = form.querySelector("textarea[name=body]");
    if (!body) return;

    // Mode: the stylesheet switches on the checked radio; the class and the description keep
    // browsers without :has() and screen readers in step.
    function noteMode() {
      var r = form.querySelector("input[name=mode][value=note]");
      return !!(r && r.checked);
    }
    function syncMode() {
      var note = noteMode();
      form.classList.toggle("composer-is-note", note);
      var ids = (body.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) { return id && id !== "note-label"; });
      if (note) ids.unshift("note-label");
      if (ids.length) body.setAttribute("aria-describedby", ids.join(" "));
      else body.removeAttribute("aria-describedby");
      if (!note) close();
    }
    form.addEventListener("change", function (ev) {
      if (ev.target && ev.target.name === "mode") syncMode();
    });
    // The `n` and `r` shortcuts check a radio without a change event.
    body.addEventListener("focus", syncMode);

    // @ suggestions.
    var members = [];
    try { members = JSON.parse(form.getAttribute("data-mentions") || "[]"); } catch (e) { members = []; }
    var list = document.getElementById("mention-list");
    var status = form.querySelector("[data-mention-status]");
    if (!list || !members.length) return;
    var shown = [];
    var active = -1;
    var token = null; // {start, end} of "@query" in the text

    // What is being typed after an @ at the caret (letters, digits, . _ -, as the parser reads).
    var tokenRe = /(^|[^\p{L}\p{N}._@-])@([\p{L}\p{N}._-]*)$/u;
    function currentToken() {
      if (body.selectionStart !== body.selectionEnd) return null;
      var before = body.value.slice(0, body.selectionStart);
      var m = tokenRe.exec(before);
      if (!m) return null;
      return { start: before.length - m[2].length - 1, end: body.selectionStart, query: m[2].toLowerCase() };
    }
    function matches(q) {
      var starts = [], contains = [];
      members.forEach(function (m) {
        var name = m.name.toLowerCase(), handle = m.handle.toLowerCase();
        var words = name.split(/\s+/);
        if (!q || handle.indexOf(q) === 0 || words.some(function (w) { return w.indexOf(q) === 0; })) starts.push(m);
        else if (name.indexOf(q) >= 0 || handle.indexOf(q) >= 0) contains.push(m);
      });
      return starts.concat(contains).slice(0, 8);
    }
    function say(text) { if (status) status.textContent = text; }
    function close() {
      if (list.hidden && active < 0) return;
      list.hidden = true;
      list.textContent = "";
      shown = [];
      active = -1;
      token = null;
      body.removeAttribute("aria-activedescendant");
    }
    function setActive(i) {
      if (!shown.length) return;
      active = (i + shown.length) % shown.length;
      Array.prototype.forEach.call(list.children, function (li, j) {
        li.setAttribute("aria-selected", j === active ? "true" : "false");
        li.classList.toggle("mention-active", j === active);
      });
      body.setAttribute("aria-activedescendant", "mention-opt-" + active);
      list.children[active].scrollIntoView({ block: "nearest" });
    }
    function open(t) {
      var found = matches(t.query);
      token = t;
      list.textContent = "";
      shown = found;
      if (!found.length) {
        list.hidden = true;
        active = -1;
        body.removeAttribute("aria-activedescendant");
        say(form.getAttribute("data-mention-none"));
        return;
      }
      found.forEach(function (m, i) {
        var li = document.createElement("li");
        li.id = "mention-opt-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("data-testid", "mention-option");
        li.setAttribute("data-handle", m.handle);
        var name = document.createElement("span");
        name.textContent = m.name;
        var handle = document.createElement("span");
        handle.className = "muted small";
        handle.textContent = "@" + m.handle;
        li.appendChild(name);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(handle);
        // mousedown, not click: the text area keeps the focus and the caret.
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); insert(i); });
        list.appendChild(li);
      });
      var wasHidden = list.hidden;
      list.hidden = false;
      setActive(0);
      if (wasHidden) say(form.getAttribute("data-mention-hint"));
    }
    function insert(i) {
      var m = shown[i];
      if (!m || !token) return;
      var text = "@" + m.handle + " ";
      body.setRangeText(text, token.start, token.end, "end");
      close();
      body.dispatchEvent(new Event("input", { bubbles: true }));
      body.focus();
    }
    function update() {
      if (!noteMode()) { close(); return; }
      var t = currentToken();
      if (!t) { close(); return; }
      open(t);
    }
    body.addEventListener("input", update);
    body.addEventListener("click", update);
    body.addEventListener("blur", function () { window.setTimeout(close, 0); });
    body.addEventListener("keydown", function (ev) {
      if (list.hidden || !shown.length) return;
      switch (ev.key) {
        case "ArrowDown": setActive(active + 1); break;
        case "ArrowUp": setActive(active - 1); break;
        case "Enter":
        case "Tab":
          if (ev.shiftKey || ev.ctrlKey || ev.metaKey || ev.altKey) return;
          insert(active);
          break;
        case "Escape": close(); break;
        default: return;
      }
      ev.preventDefault();
      ev.stopPropagation();
    });
    body.addEventListener("keyup", function (ev) {
      if (ev.key === "ArrowLeft" || ev.key === "ArrowRight" || ev.key === "Home" || ev.key === "End") update();
    });
  }

  // Merge target search: typed text lists matching tickets; choosing one fills the number.
  function mergeSearch(form) {
    var input = form.querySelector("[data-merge-search]");
    var results = form.querySelector("[data-merge-results]");
    var target = form.querySelector("input[name=target]");
    if (!input || !results || !target) return;
    var url = input.getAttribute("data-merge-search");
    var timer = 0, seq = 0;
    function run() {
      var q = input.value.trim();
      var mine = ++seq;
      if (!q) { results.textContent = ""; return; }
      var u = url + (url.indexOf("?") >= 0 ? "&" : "?") + "q=" + encodeURIComponent(q);
      fetch(u, { credentials: "same-origin", headers: { "HX-Request": "true" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null || mine !== seq) return;
          results.innerHTML = html;
        });
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(run, 200);
    });
    // Enter in the search box searches; it never submits the merge.
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") { ev.preventDefault(); window.clearTimeout(timer); run(); }
    });
    results.addEventListener("click", function (ev) {
      var b = ev.target instanceof Element ? ev.target.closest("[data-merge-pick]") : null;
      if (!b) return;
      target.value = b.getAttribute("data-merge-pick");
      Array.prototype.forEach.call(results.querySelectorAll("[data-merge-pick]"), function (o) {
        o.setAttribute("aria-pressed", o === b ? "true" : "false");
      });
      var submit = form.querySelector("[type=submit]");
      if (submit) submit.focus();
    });
  }
})();
