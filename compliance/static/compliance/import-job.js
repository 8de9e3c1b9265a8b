/* While an import runs, ask for its status every few seconds and say it in the page's status
   line (read out by screen readers); once it has finished, load the page with its report. The
   page works without it: it offers a link to refresh. */
(function () {
  "use strict";
  var box = document.querySelector("[data-import-status]");
  if (!box) {
    return;
  }
  var line = box.querySelector("[role=status]");
  function ask() {
    fetch(box.getAttribute("data-import-status"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (job) {
        if (!job) {
          return;
        }
        if (job.status === "done" || job.status === "failed") {
          window.location.reload();
          return;
        }
        var text = job.message;
        if (job.progress) {
          text += " " + job.progress.done + " of " + job.progress.total + " rows.";
        }
        if (line.textContent !== text) {
          line.textContent = text;
        }
        window.setTimeout(ask, 3000);
      })
      .catch(function () {
        window.setTimeout(ask, 10000);
      });
  }
  window.setTimeout(ask, 2000);
})();
