// Business hours: add and remove a day's intervals and the holiday rows in place. Without
// JavaScript the form still works: every list ends with an empty row and clearing a row removes
// it; here the empty rows go and "Add …" / "Remove" buttons appear instead.
(function () {
  "use strict";

  function setEmpty(box) {
    var list = box.querySelector("[data-bh-list]");
    box.classList.toggle("bh-empty", !list || !list.querySelector("[data-bh-row]"));
  }

  function nextIndex(box) {
    var n = Number(box.getAttribute("data-next") || "0");
    box.setAttribute("data-next", String(n + 1));
    return n;
  }

  function enhance(form) {
    if (form.__bh) return;
    form.__bh = true;
    // Leave the spare rows a browser without JavaScript needs; the Add buttons replace them.
    form.querySelectorAll("[data-bh-list] > [data-bh-blank]").forEach(function (row) { row.remove(); });
    form.querySelectorAll("[data-bh-rows]").forEach(setEmpty);
    form.classList.add("bh-ready");
  }

  document.addEventListener("click", function (ev) {
    var t = ev.target instanceof Element ? ev.target : null;
    if (!t) return;
    var add = t.closest("[data-bh-add]");
    if (add) {
      var box = document.getElementById(add.getAttribute("data-bh-add"));
      var tpl = box && box.querySelector("template[data-bh-template]");
      var list = box && box.querySelector("[data-bh-list]");
      if (!tpl || !list) return;
      ev.preventDefault();
      var holder = document.createElement("ul");
      holder.innerHTML = tpl.innerHTML.replace(/__N__/g, String(nextIndex(box)));
      var row = holder.querySelector("[data-bh-row]");
      if (!row) return;
      list.appendChild(row);
      setEmpty(box);
      var first = row.querySelector("input");
      if (first) first.focus();
      return;
    }
    var rm = t.closest("[data-bh-remove]");
    if (rm) {
      var r = rm.closest("[data-bh-row]");
      if (!r) return;
      ev.preventDefault();
      var container = r.closest("[data-bh-rows]");
      // Focus goes to the next row's remove button, else to the list's Add button, so a keyboard
      // user removing several rows stays in place.
      var next = r.nextElementSibling && r.nextElementSibling.querySelector("[data-bh-remove]");
      var addBtn = container ? container.querySelector("[data-bh-add]") : null;
      r.remove();
      if (container) setEmpty(container);
      if (next) next.focus();
      else if (addBtn) addBtn.focus();
    }
  });

  function ready() { document.querySelectorAll("form[data-bh-form]").forEach(enhance); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
