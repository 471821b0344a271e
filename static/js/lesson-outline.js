// The course outline beside a lesson starts folded on a phone, so the lesson comes
// first; without JavaScript it is simply open (a <details> the learner can fold).
(function () {
  "use strict";
  var outline = document.querySelector("details[data-collapse-on-phones]");
  if (outline && window.matchMedia && window.matchMedia("(max-width: 640px)").matches) {
    outline.open = false;
  }
})();
