// Contest lobby: tick the countdown every second and reload at the start.
// Without JavaScript the page's Refresh header reloads it instead.
(function () {
  "use strict";
  var node = document.querySelector("[data-countdown]");
  if (!node) { return; }
  var end = Date.now() + Number(node.getAttribute("data-countdown")) * 1000;
  var format = node.getAttribute("data-format");  // translated by the page
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    node.textContent = format.replace("{m}", Math.floor(left / 60)).replace("{s}", left % 60);
    if (left <= 0) { window.location.reload(); return; }
    window.setTimeout(tick, 1000);
  }
  tick();
})();
