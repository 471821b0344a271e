// The time limit: the deadline in the learner's own time zone, a live clock, warnings
// at 5 and 1 minutes, and the page locked when time is up. The server decides: it
// sent the seconds left by its own clock, and refuses answers after the deadline.
(function () {
  "use strict";
  var box = document.querySelector("[data-countdown]");
  if (!box) { return; }
  var end = Date.now() + parseInt(box.getAttribute("data-countdown"), 10) * 1000;
  var clock = box.querySelector("[data-clock]");
  var alertBox = document.querySelector("[data-countdown-alert]");
  var time = box.querySelector("time[data-local-time]");
  var warned = {};

  if (time && window.Intl) {  // "10:45 UTC" becomes "18:45 GMT+8" (in the page's language)
    time.textContent = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      hour: "2-digit", minute: "2-digit", timeZoneName: "short"
    }).format(new Date(time.getAttribute("datetime")));
  }
  box.querySelector(".countdown-static").hidden = true;
  box.querySelector(".countdown-live").hidden = false;

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function shown(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds / 60) % 60, s = seconds % 60;
    return (h ? h + ":" + two(m) : m) + ":" + two(s);
  }

  function warn(minutes, text) {
    if (warned[minutes]) { return; }
    warned[minutes] = true;
    alertBox.textContent = text;
    box.classList.add("countdown-warning");
  }

  function lock() {
    // No more answers: the inputs and the page buttons are disabled, and the list of
    // questions too, so a late submit cannot post (and so blank) any answer.
    var form = document.getElementById("attempt-form");
    if (form) {
      form.setAttribute("data-locked", "");
      form.querySelectorAll("input, select, textarea, button").forEach(function (control) {
        if (!control.hasAttribute("data-keep") && control.name !== "csrf_token") {
          control.disabled = true;
        }
      });
    }
    var dialog = document.querySelector("dialog.submit-confirm");
    if (dialog && dialog.open) { dialog.close(); }
    var timeUp = document.querySelector("[data-time-up-box]");
    if (timeUp) { timeUp.hidden = false; }
    alertBox.textContent = box.getAttribute("data-time-up");
    box.classList.add("countdown-over");
  }

  function tick() {
    var left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
    clock.textContent = shown(left);
    if (left === 0) { lock(); return; }
    if (left <= 60) { warn(1, box.getAttribute("data-warn-1")); }
    else if (left <= 300) { warn(5, box.getAttribute("data-warn-5")); }
    setTimeout(tick, 500);
  }
  tick();
})();
