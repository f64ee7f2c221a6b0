// The notification bell: its unread count follows the workspace's event stream (shared with
// app.js on inbox pages, its own elsewhere), and its panel is fetched each time it opens.
(function () {
  "use strict";
  var bell = document.querySelector("[data-bell]");
  if (!bell) return;
  var countEl = bell.querySelector("[data-bell-count]");
  var panel = bell.querySelector("[data-bell-panel]");
  var panelURL = bell.getAttribute("data-panel-url");

  function setCount(n) {
    n = parseInt(n, 10) || 0;
    countEl.textContent = n > 99 ? "99+" : String(n);
    countEl.hidden = n === 0;
    bell.setAttribute("data-unread", String(n));
  }

  function show(html) {
    if (html !== null) panel.innerHTML = html;
  }

  function loadPanel() {
    fetch(panelURL, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(show);
  }

  bell.addEventListener("toggle", function () {
    if (bell.open) loadPanel();
  });

  // "Mark all read" in the panel stays in the panel.
  panel.addEventListener("submit", function (ev) {
    var form = ev.target.closest("[data-mark-all]");
    if (!form) return;
    ev.preventDefault();
    fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) {
          form.submit(); // let the full page say what went wrong
          return;
        }
        show(html);
        setCount(0);
      });
  });

  // Close on Escape and on a click elsewhere, as the other menus of the top bar.
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && bell.open) {
      bell.open = false;
      bell.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", function (ev) {
    if (bell.open && !bell.contains(ev.target)) bell.open = false;
  });

  function onCount(n) {
    setCount(n);
    if (bell.open) loadPanel();
  }
  document.addEventListener("shopdesk:notification", function (ev) { onCount(ev.detail); });
  if (!document.querySelector("[data-inbox][data-events]") && window.EventSource) {
    var es = new EventSource(bell.getAttribute("data-events-url"));
    es.addEventListener("notification", function (ev) { onCount(ev.data); });
  }
})();
