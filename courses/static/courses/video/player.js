/* The video module's player: the browser's own <video> with its controls, captions on by
   default. It tells the server what the browser says was played (video.played), when playing
   starts, every 10 seconds while it plays, on pause, on seeking and at the end; the server
   decides what counts. Reports go one after another, with the session and CSRF token. */
(function () {
  "use strict";
  var root = document.querySelector("[data-video-player]");
  var video = document.getElementById("video");
  if (!root || !video) {
    return;
  }
  var reportUrl = root.getAttribute("data-report-url");
  var csrfToken = root.getAttribute("data-csrf-token");
  var resumeAt = parseFloat(root.getAttribute("data-resume-at") || "0");
  var statusLine = document.getElementById("video-status");
  var errorLine = document.getElementById("video-error");
  var done = document.getElementById("video-done");
  var queue = Promise.resolve();
  var timer = null;
  var lastPercent = -1;
  var retries = 0;

  function showCaptions() {
    for (var i = 0; i < video.textTracks.length; i += 1) {
      if (video.textTracks[i].kind === "captions") {
        video.textTracks[i].mode = "showing";
        return;
      }
    }
  }

  function playedRanges() {
    var ranges = [];
    for (var i = 0; i < video.played.length; i += 1) {
      ranges.push([video.played.start(i), video.played.end(i)]);
    }
    return ranges;
  }

  function report() {
    if (!reportUrl) {
      return;
    }
    var body = JSON.stringify({ ranges: playedRanges(), position: video.currentTime || 0 });
    queue = queue.then(function () {
      return fetch(reportUrl, {
        method: "POST",
        credentials: "same-origin",
        keepalive: true,
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
        body: body,
      })
        .then(function (response) {
          return response.json().then(function (result) {
            if (!response.ok) {
              if (result.retry && retries < 12) {
                // More was played than the server credits yet (a slow answer, a fast playback
                // rate): the same ranges again in a moment, when the time passed covers them.
                retries += 1;
                window.setTimeout(report, 5000);
                return;
              }
              errorLine.textContent = result.error || "What you watched could not be saved.";
              return;
            }
            retries = 0;
            errorLine.textContent = "";
            if (result.module_completed && done && done.hidden) {
              done.hidden = false;
              statusLine.textContent = "You have completed this module.";
            } else if (!result.module_completed && result.watched_percent !== lastPercent && video.paused) {
              statusLine.textContent = "You have watched " + result.watched_percent + "% of this video.";
            }
            lastPercent = result.watched_percent;
          });
        })
        .catch(function () {
          errorLine.textContent = "What you watched could not be saved: check your connection. It is sent again as you carry on.";
        });
    });
  }

  showCaptions();
  video.addEventListener("loadedmetadata", function () {
    showCaptions();
    if (resumeAt > 0 && resumeAt < video.duration - 1) {
      video.currentTime = resumeAt;
    }
  });
  video.addEventListener("play", function () {
    report();
    if (timer === null) {
      timer = window.setInterval(report, 10000);
    }
  });
  function stop() {
    if (timer !== null) {
      window.clearInterval(timer);
      timer = null;
    }
    report();
  }
  video.addEventListener("pause", stop);
  video.addEventListener("ended", stop);
  video.addEventListener("seeking", function () {
    if (!video.paused) {
      report();
    }
  });
  window.addEventListener("pagehide", function () {
    if (reportUrl && video.played.length) {
      report();
    }
  });
})();
