/* Move focus to the error summary when a form comes back with errors (GOV.UK pattern), so
   keyboard and screen reader users hear the problem first. The page works without it. */
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.querySelector("#main .error-summary");
    if (!summary) {
      return;
    }
    if (!summary.hasAttribute("tabindex")) {
      summary.setAttribute("tabindex", "-1");
    }
    summary.focus();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();
