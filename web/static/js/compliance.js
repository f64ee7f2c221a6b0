// Marketplace compliance in the composer: as the agent types a reply on an Amazon, eBay or
// Walmart ticket, the draft (and the names of the files picked) is checked by the server and the
// box under the text shows the eBay counter and every finding with its reason. The send is
// checked again on the server; this is the early warning. No inline script (CSP script-src 'self').
(function () {
  "use strict";

  var box = document.querySelector("[data-compliance]");
  var form = box && box.closest("form");
  var body = form && form.querySelector("textarea[name=body]");
  if (!box || !body) return;
  var url = box.getAttribute("data-url");
  var timer = null;
  var seq = 0;

  function noteMode() {
    var r = form.querySelector("input[name=mode][value=note]");
    return !!(r && r.checked);
  }

  function check() {
    timer = null;
    var data = new URLSearchParams();
    data.set("body", body.value);
    data.set("mode", noteMode() ? "note" : "reply");
    var files = form.querySelector("input[type=file][name=attachments]");
    if (files && files.files) {
      for (var i = 0; i < files.files.length; i++) {
        data.append("file_name", files.files[i].name);
        data.append("file_size", String(files.files[i].size));
      }
    }
    var mine = ++seq;
    fetch(url, { method: "POST", body: data, credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (res) { return res.ok ? res.text() : null; })
      .then(function (html) {
        // An older answer arriving after a newer one is dropped.
        if (html === null || mine !== seq) return;
        box.innerHTML = html;
        var found = box.querySelector("[data-level=block]");
        body.toggleAttribute("aria-invalid", !!found);
      })
      .catch(function () { /* offline: the send is still checked on the server */ });
  }

  function later() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(check, 350);
  }

  body.addEventListener("input", later);
  form.addEventListener("change", function (ev) {
    if (ev.target && (ev.target.name === "mode" || ev.target.name === "attachments")) later();
  });
  // A draft sent back for another reason (the customer wrote again) is checked once the page is
  // there; a send refused by these rules already shows its findings, kept until the next edit.
  if (body.value !== "" && !box.querySelector("[data-testid=compliance-refused]")) later();
})();
