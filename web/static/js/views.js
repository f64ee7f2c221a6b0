// Saved views and the tag input: suggestions as one types (input[data-tag-input] with its
// <datalist>), and reordering the sidebar's saved views by dragging (the up and down buttons
// do the same without a mouse). No inline script: the CSP allows only files served by the app.
(function () {
  "use strict";

  // --- Tag input: ask the workspace's catalogue for names containing the part being typed.
  var timers = new WeakMap();
  var lastAsked = new WeakMap();

  function currentPart(input) {
    if (!input.hasAttribute("data-multi")) return { head: "", part: input.value };
    var v = input.value;
    var i = v.lastIndexOf(",");
    if (i < 0) return { head: "", part: v };
    return { head: v.slice(0, i + 1) + " ", part: v.slice(i + 1) };
  }

  function suggest(input) {
    var list = input.list;
    if (!list) return;
    var cur = currentPart(input);
    var part = cur.part.trim();
    if (lastAsked.get(input) === part) return;
    lastAsked.set(input, part);
    var url = input.getAttribute("data-suggest") + "&q=" + encodeURIComponent(part);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (names) {
        if (lastAsked.get(input) !== part) return; // a later keystroke asked again
        var taken = input.hasAttribute("data-multi") ? input.value.split(",").map(function (s) { return s.trim(); }) : [];
        list.replaceChildren();
        (names || []).forEach(function (name) {
          if (taken.indexOf(name) >= 0 && name !== part) return;
          var o = document.createElement("option");
          o.value = cur.head + name;
          o.textContent = name;
          list.appendChild(o);
        });
      })
      .catch(function () { /* suggestions are a help; typing still works */ });
  }

  document.addEventListener("input", function (ev) {
    var input = ev.target;
    if (!(input instanceof HTMLInputElement) || !input.hasAttribute("data-tag-input")) return;
    window.clearTimeout(timers.get(input));
    timers.set(input, window.setTimeout(function () { suggest(input); }, 120));
  });

  document.addEventListener("focusin", function (ev) {
    var input = ev.target;
    if (input instanceof HTMLInputElement && input.hasAttribute("data-tag-input") && !lastAsked.has(input)) suggest(input);
  });

  // --- Saved views: drag to reorder; the new order is saved for this person.
  var dragged = null;

  function items(list) { return Array.prototype.slice.call(list.querySelectorAll("[data-view-id]")); }

  function clearMarks(list) {
    items(list).forEach(function (li) { li.classList.remove("drop-before", "drop-after"); });
  }

  document.addEventListener("dragstart", function (ev) {
    var li = ev.target instanceof Element ? ev.target.closest("[data-saved-views] [data-view-id]") : null;
    if (!li) return;
    dragged = li;
    li.classList.add("dragging");
    ev.dataTransfer.effectAllowed = "move";
    ev.dataTransfer.setData("text/plain", li.getAttribute("data-view-id"));
  });

  document.addEventListener("dragover", function (ev) {
    if (!dragged) return;
    var li = ev.target instanceof Element ? ev.target.closest("[data-view-id]") : null;
    if (!li || li === dragged || li.parentNode !== dragged.parentNode) return;
    ev.preventDefault();
    clearMarks(li.parentNode);
    var r = li.getBoundingClientRect();
    li.classList.add(ev.clientY < r.top + r.height / 2 ? "drop-before" : "drop-after");
  });

  document.addEventListener("drop", function (ev) {
    if (!dragged) return;
    var li = ev.target instanceof Element ? ev.target.closest("[data-view-id]") : null;
    var list = dragged.parentNode;
    if (!li || li === dragged || li.parentNode !== list) return;
    ev.preventDefault();
    var before = li.classList.contains("drop-before");
    clearMarks(list);
    list.insertBefore(dragged, before ? li : li.nextSibling);
    var body = new URLSearchParams();
    items(list).forEach(function (x) { body.append("view", x.getAttribute("data-view-id")); });
    fetch(list.getAttribute("data-order-url"), {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    }).then(function (r) {
      // The move buttons' ends (first cannot go up, last cannot go down) follow on the next page.
      if (!r.ok) window.location.reload();
    }).catch(function () { window.location.reload(); });
  });

  document.addEventListener("dragend", function () {
    if (!dragged) return;
    dragged.classList.remove("dragging");
    clearMarks(dragged.parentNode);
    dragged = null;
  });
})();
