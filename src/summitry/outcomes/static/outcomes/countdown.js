// The silence procedure's countdown: the time left until the deadline (an instant, given in
// the page as ISO 8601 with its offset), counted on the reader's clock. The page says without
// this script whether the deadline has passed; the script only keeps the figure current.
(function () {
  "use strict";

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function describe(left) {
    if (left <= 0) {
      return gettext("The deadline has passed.");
    }
    var seconds = Math.floor(left / 1000);
    var days = Math.floor(seconds / 86400);
    var time = pad(Math.floor((seconds % 86400) / 3600)) + ":" +
      pad(Math.floor((seconds % 3600) / 60)) + ":" + pad(seconds % 60);
    if (days > 0) {
      return interpolate(
        ngettext("%(days)s day and %(time)s left until the deadline.",
          "%(days)s days and %(time)s left until the deadline.", days),
        { days: days.toLocaleString(document.documentElement.lang), time: time }, true);
    }
    return interpolate(gettext("%(time)s left until the deadline."), { time: time }, true);
  }

  function start(element) {
    var deadline = Date.parse(element.getAttribute("data-deadline"));
    if (isNaN(deadline)) {
      return;
    }
    function tick() {
      var left = deadline - Date.now();
      element.textContent = describe(left);
      element.setAttribute("data-passed", left <= 0 ? "true" : "false");
      if (left > 0) {
        window.setTimeout(tick, 1000 - (Date.now() % 1000) + 5);
      }
    }
    tick();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var elements = document.querySelectorAll(".countdown[data-deadline]");
    for (var i = 0; i < elements.length; i++) {
      start(elements[i]);
    }
  });
})();
