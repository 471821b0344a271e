// At sign-in, tell Relay the browser's time zone (an IANA name such as "Asia/Shanghai"):
// someone who has not chosen a zone then reads times and report days in their own.
// Without JavaScript the field stays empty and the school's zone applies.
(function () {
  "use strict";
  var field = document.querySelector("input[data-browser-time-zone]");
  if (!field || !window.Intl || !Intl.DateTimeFormat) {
    return;
  }
  try {
    field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    field.value = "";  // a browser without zone support: the school's zone applies
  }
})();
