// Taking a quiz, with JavaScript: "Review and submit" first shows how many questions
// are answered, partly answered, unanswered or refused (not valid), in a dialog in the
// page; without JavaScript the same button opens the summary page.
(function () {
  "use strict";
  // A page restored from the back-forward cache could show a form for an attempt that
  // is closed by now: ask the server again (attempt pages are sent no-store).
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.reload(); }
  });

  var form = document.getElementById("attempt-form");
  var dialog = form && form.querySelector("dialog.submit-confirm");
  var trigger = form && form.querySelector("[data-confirm-submit]");
  if (!dialog || !trigger || typeof dialog.showModal !== "function") { return; }

  // The same rule as the server's summary (quizzes/flow.py), read from the inputs.
  function stateOf(section) {
    var status = section.querySelector(".save-status");
    if ((status && status.classList.contains("error")) || section.querySelector(".question-error")) {
      return "invalid";
    }
    var prefix = "q" + section.getAttribute("data-slot");
    var filled = {};
    section.querySelectorAll("input, select, textarea").forEach(function (control) {
      var name = control.name;
      if (name !== prefix && name.indexOf(prefix + "-") !== 0) { return; }
      var on = (control.type === "radio" || control.type === "checkbox")
        ? control.checked : control.value.trim() !== "";
      filled[name] = filled[name] || on;
    });
    var names = Object.keys(filled);
    var done = names.filter(function (name) { return filled[name]; }).length;
    if (done === 0) { return "unanswered"; }
    return done === names.length ? "answered" : "incomplete";
  }

  trigger.addEventListener("click", function (event) {
    event.preventDefault();
    var states = (form.getAttribute("data-states") || "").split(",");
    form.querySelectorAll("section.question").forEach(function (section) {
      states[parseInt(section.getAttribute("data-slot"), 10)] = stateOf(section);
    });
    var counts = { answered: 0, incomplete: 0, unanswered: 0, invalid: 0 };
    states.forEach(function (state) { if (state in counts) { counts[state] += 1; } });
    Object.keys(counts).forEach(function (state) {
      dialog.querySelector("[data-count='" + state + "']").textContent = counts[state];
    });
    dialog.querySelector("[data-invalid-row]").hidden = counts.invalid === 0;
    dialog.showModal();
  });
  dialog.querySelector("[data-close]").addEventListener("click", function () {
    dialog.close();
    trigger.focus();
  });
})();
