// The ticket's properties block (web/pages/ticket_properties.templ): each control saves on change
// through htmx; this file adds what htmx does not: Enter in a text property saves instead of
// reloading the page, focus stays on the control its answer replaced, the "Saved" note and the
// status undo go away after their time, and a change made by someone else refreshes the block
// from the server without touching the control the viewer is using.
(function () {
  "use strict";

  function block() { return document.querySelector("[data-props]"); }
  if (!block()) return;

  // Property forms with a request in flight, by id, with when it started. The answer replaces the
  // form, so the request's last events may fire on a detached element: a start older than the
  // request timeout no longer counts.
  var busy = {};
  var timers = {};
  function isBusy(id) { return !!busy[id] && Date.now() - busy[id] < 8000; }

  function propForm(el) { return el && el.closest ? el.closest("[data-prop-form]") : null; }

  // Enter in a text property: the change event saves it; the form must not post the page too.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!window.htmx || !form.matches || !form.matches("[data-prop-form]")) return;
    ev.preventDefault();
    var control = form.querySelector("input:not([type=hidden]), select");
    if (control && !isBusy(form.id) && control.value !== control.getAttribute("data-stored")) {
      control.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });

  var focusedID = null;
  document.addEventListener("htmx:before:request", function (ev) {
    var form = propForm(ev.target);
    if (form) busy[form.id] = Date.now();
  });
  document.addEventListener("htmx:before:swap", function () {
    var a = document.activeElement;
    focusedID = a && propForm(a) ? a.id : null;
  });
  document.addEventListener("htmx:finally:request", function (ev) {
    var form = propForm(ev.target);
    if (form) delete busy[form.id];
  });
  document.addEventListener("htmx:after:swap", function (ev) {
    var form = propForm(ev.target);
    if (form) delete busy[form.id];
    if (focusedID) {
      var el = document.getElementById(focusedID);
      if (el && document.activeElement !== el) el.focus();
      focusedID = null;
    }
    fadeNotes();
  });

  // A note goes quietly after a while: "Saved" after 4 s, the undo after its window.
  function fadeNotes() {
    document.querySelectorAll("[data-props] .prop-note").forEach(function (note) {
      if (note.querySelector(".field-error")) {
        // A refusal stays until the next answer; an earlier "Saved" must not take it away.
        window.clearTimeout(timers[note.id]);
        note.removeAttribute("data-fading");
        return;
      }
      if (!note.firstElementChild || note.getAttribute("data-fading") === note.innerHTML) return;
      var undo = note.querySelector("[data-undo-for]");
      var secs = undo ? parseInt(undo.getAttribute("data-undo-for"), 10) || 10 : 4;
      note.setAttribute("data-fading", note.innerHTML);
      window.clearTimeout(timers[note.id]);
      timers[note.id] = window.setTimeout(function () {
        if (note.contains(document.activeElement)) {
          // The undo button is going: focus goes back to its control, not to the page.
          var control = document.querySelector("#prop-" + note.id.replace(/-note$/, "") + " [data-stored]");
          if (control) control.focus();
        }
        note.textContent = "";
        note.removeAttribute("data-fading");
      }, secs * 1000);
    });
  }

  // Live refresh: app.js passes on the page's change notices; a change of this ticket refetches
  // the block. A control being used (focused, or its change on its way) keeps what the viewer
  // has; it catches up when they leave it. Unchanged controls are left alone, so a refusal shown
  // at a field stays until the viewer moves on.
  var pending = null;
  var stale = false;
  function refresh() {
    var b = block();
    if (!b) return;
    var url = b.getAttribute("data-props-url");
    fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) return;
        var tpl = document.createElement("template");
        tpl.innerHTML = html;
        stale = false;
        tpl.content.querySelectorAll("[data-prop-form]").forEach(function (fresh) {
          var cur = document.getElementById(fresh.id);
          if (!cur) return;
          var curControl = cur.querySelector("[data-stored]");
          var freshControl = fresh.querySelector("[data-stored]");
          if (curControl && freshControl && curControl.getAttribute("data-stored") === freshControl.getAttribute("data-stored")) return;
          if (cur.contains(document.activeElement) || isBusy(cur.id)) { stale = true; return; }
          cur.replaceWith(fresh);
          if (window.htmx) window.htmx.process(fresh);
        });
        var sla = tpl.content.getElementById("ticket-sla");
        var curSLA = document.getElementById("ticket-sla");
        if (sla && curSLA) curSLA.replaceWith(sla);
        var meta = tpl.content.getElementById("ticket-meta");
        var curMeta = document.getElementById("ticket-meta");
        if (meta && curMeta) curMeta.replaceWith(meta);
      });
  }
  function schedule() {
    window.clearTimeout(pending);
    pending = window.setTimeout(refresh, 250);
  }
  document.addEventListener("shopdesk:ticket", function (ev) {
    var b = block();
    if (b && String(ev.detail) === b.getAttribute("data-ticket-id")) schedule();
  });
  document.addEventListener("focusout", function (ev) {
    if (stale && propForm(ev.target)) schedule();
  });
})();
