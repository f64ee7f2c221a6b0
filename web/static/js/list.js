// The inbox list: the bulk bar's selection count, the views column narrowed to a rail (kept in a
// cookie so the server renders it as the person left it), and the views menu on phones.
(function () {
  "use strict";
  var inbox = document.querySelector("[data-inbox]");
  if (!inbox) return;

  // Bulk bar: CSS shows it once a row is ticked and shows only the chosen action's control; the
  // script adds the count and, after an action is chosen, moves focus to its control.
  var bulk = document.querySelector("[data-bulk]");
  if (bulk) {
    var countLabel = bulk.querySelector("[data-bulk-count-label]");
    var count = bulk.querySelector("[data-bulk-count]");
    var update = function () {
      var n = bulk.querySelectorAll('input[name="ticket"]:checked').length;
      if (count) count.textContent = String(n);
      if (countLabel) countLabel.hidden = n === 0;
      bulk.classList.toggle("bulk-selected", n > 0);
    };
    bulk.addEventListener("change", function (ev) {
      var t = ev.target;
      if (t && t.name === "ticket") update();
      if (t && t.hasAttribute("data-bulk-action")) {
        var control = bulk.querySelector('[data-bulk-control="' + t.value + '"] :is(input, select)') || bulk.querySelector('[data-bulk-control="apply"]');
        if (control && t.value) control.focus();
      }
    });
    update();
  }

  // The views rail.
  var toggle = document.querySelector("[data-rail-toggle]");
  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var rail = !inbox.classList.contains("inbox-rail");
      inbox.classList.toggle("inbox-rail", rail);
      toggle.setAttribute("aria-pressed", String(rail));
      document.cookie = "sd_views_rail=" + (rail ? "1" : "0") + "; path=/; max-age=31536000; SameSite=Lax";
    });
  }

  // Phones: the views open from a button over the list.
  var menu = document.querySelector("[data-views-menu]");
  var views = document.getElementById("inbox-views");
  if (menu && views) {
    var setOpen = function (open) {
      inbox.classList.toggle("views-open", open);
      menu.setAttribute("aria-expanded", String(open));
      if (open) {
        var first = views.querySelector('a[aria-current="page"]') || views.querySelector("a, input");
        if (first) first.focus();
      }
    };
    menu.addEventListener("click", function (ev) {
      // Without the script the link opens the views through :target; with it, a toggle.
      ev.preventDefault();
      setOpen(!inbox.classList.contains("views-open"));
    });
    menu.addEventListener("keydown", function (ev) {
      if (ev.key === " ") { ev.preventDefault(); menu.click(); }
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && inbox.classList.contains("views-open")) {
        setOpen(false);
        menu.focus();
      }
    });
    document.addEventListener("click", function (ev) {
      if (!inbox.classList.contains("views-open")) return;
      var t = ev.target instanceof Element ? ev.target : null;
      if (t && !views.contains(t) && !menu.contains(t)) setOpen(false);
    });
  }
})();
