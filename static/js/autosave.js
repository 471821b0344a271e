// Autosave: each question is saved shortly after the learner changes it.
// Without JavaScript the page's own buttons save; this only adds.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var timers = {};

  function fieldsOf(section) {
    var slot = section.getAttribute("data-slot");
    var data = new FormData();
    data.append("slots", slot);
    var all = new FormData(form);
    all.forEach(function (value, name) {
      if (name === "csrf_token" || name === "seq-" + slot || name === "q" + slot || name.indexOf("q" + slot + "-") === 0) {
        data.append(name, value);
      }
    });
    return data;
  }

  function save(section) {
    if (form.hasAttribute("data-locked")) { return; }
    var slot = section.getAttribute("data-slot");
    var status = section.querySelector(".save-status");
    status.textContent = form.dataset.saving;
    fetch(form.dataset.autosave, {
      method: "POST", body: fieldsOf(section), credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (result.ok) {
        section.querySelector("[name='seq-" + slot + "']").value = result.body.saved[slot];
        status.textContent = form.dataset.saved;
        status.classList.remove("error");
        var refused = section.querySelector(".question-error");  // the server's, now fixed
        if (refused) { refused.remove(); }
      } else {
        status.textContent = result.body.message || form.dataset.failed;
        status.classList.add("error");
      }
    }).catch(function () {
      status.textContent = form.dataset.failed;
      status.classList.add("error");
    });
  }

  function schedule(event) {
    // a page locked at its deadline posts nothing more: its disabled inputs would
    // otherwise be sent as blank answers
    if (form.hasAttribute("data-locked")) { return; }
    var section = event.target.closest("section.question");
    if (!section) { return; }
    var slot = section.getAttribute("data-slot");
    clearTimeout(timers[slot]);
    timers[slot] = setTimeout(function () { save(section); }, event.type === "input" ? 800 : 150);
  }

  form.addEventListener("change", schedule);
  form.addEventListener("input", schedule);
})();
