/* The SCORM player page, on the site's origin. It frames the launch frame (on the package's
   own origin, sandboxed), answers its "ready" with the learner's data, and sends every
   Initialize, Commit and Terminate it reports to the runtime endpoint with the learner's
   session and CSRF token, one after another, so they are stored in order. Messages are taken
   only from the framed window, and only from the package origin. */
(function () {
  "use strict";
  var root = document.querySelector("[data-scorm-player]");
  var frame = document.getElementById("scorm-frame");
  var stateElement = document.getElementById("scorm-player-state");
  if (!root || !frame || !stateElement) {
    return;
  }
  var contentOrigin = root.getAttribute("data-content-origin");
  var runtimeUrl = root.getAttribute("data-runtime-url");
  var launchBase = root.getAttribute("data-launch-base");
  var csrfToken = root.getAttribute("data-csrf-token");
  var state = JSON.parse(stateElement.textContent);
  var statusLine = document.getElementById("scorm-status");
  var errorLine = document.getElementById("scorm-error");
  var done = document.getElementById("scorm-done");
  var queue = Promise.resolve();

  function stepFor(identifier) {
    for (var i = 0; i < state.steps.length; i += 1) {
      if (state.steps[i].identifier === identifier) {
        return state.steps[i];
      }
    }
    return null;
  }

  function showError(message) {
    errorLine.textContent = message;
  }

  function markStep(step, result) {
    var tag = document.querySelector('[data-sco-status="' + step.number + '"]');
    if (result.cmi) {
      step.cmi = result.cmi;
    }
    if (tag && result.sco_completed) {
      tag.textContent = result.success_status === "passed" ? "Passed" : "Completed";
      tag.className = "tag tag--completed";
    } else if (tag && tag.textContent === "Not started") {
      tag.textContent = "In progress";
    }
    if (result.module_completed && done && done.hidden) {
      done.hidden = false;
      statusLine.textContent = "You have completed this module.";
    }
  }

  function send(payload, step) {
    if (!runtimeUrl) {
      return;
    }
    var body = JSON.stringify(payload);
    queue = queue.then(function () {
      return fetch(runtimeUrl, {
        method: "POST",
        credentials: "same-origin",
        keepalive: body.length < 60000,
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken, Accept: "application/json" },
        body: body
      })
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (result) {
            if (!response.ok) {
              showError("Your progress was not saved: " + (result.error || "the server answered " + response.status) + ".");
              return;
            }
            showError("");
            if (payload.action === "commit") {
              var time = new Date().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
              if (!result.module_completed || !done || !done.hidden) {
                statusLine.textContent = "Progress saved at " + time + ".";
              }
            }
            markStep(step, result);
          });
        })
        .catch(function () {
          showError("Your progress was not saved: the site could not be reached. Check your connection, then carry on: it is sent again at the next save.");
        });
    });
  }

  function currentNumber() {
    var link = document.querySelector('[data-sco-number][aria-current="step"]');
    return link ? Number(link.getAttribute("data-sco-number")) : state.current;
  }

  function openStep(number, announce) {
    var step = state.steps[number];
    if (!step || !launchBase) {
      return;
    }
    var links = document.querySelectorAll("[data-sco-number]");
    for (var i = 0; i < links.length; i += 1) {
      if (Number(links[i].getAttribute("data-sco-number")) === number) {
        links[i].setAttribute("aria-current", "step");
      } else {
        links[i].removeAttribute("aria-current");
      }
    }
    frame.title = step.title + ": the module's content";
    frame.src = launchBase + number + "/";
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "?sco=" + number);
    }
    if (announce) {
      statusLine.textContent = "Opened “" + step.title + "”.";
    }
  }

  // SCORM 2004 navigation requests a SCO makes as it ends: the next or previous part, or one
  // it names. (The rest of IMS Simple Sequencing is not followed.)
  function navigate(request) {
    var number = currentNumber();
    var choice = /^\{target=([^}]+)\}(choice|jump)$/.exec(request || "");
    if (request === "continue") {
      number += 1;
    } else if (request === "previous") {
      number -= 1;
    } else if (choice) {
      var target = stepFor(choice[1]);
      number = target ? target.number : -1;
    } else {
      return;
    }
    if (number >= 0 && number < state.steps.length) {
      queue.then(function () { openStep(number, true); });
    }
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== contentOrigin || event.source !== frame.contentWindow || !event.data) {
      return;
    }
    var data = event.data;
    var step = stepFor(data.sco);
    if (!step) {
      return;
    }
    if (data.type === "ready") {
      queue.then(function () {
        frame.contentWindow.postMessage({ type: "init", cmi: step.cmi }, contentOrigin);
      });
    } else if (data.type === "initialize") {
      send({ action: "initialize", sco: data.sco }, step);
    } else if (data.type === "commit") {
      send({ action: "commit", sco: data.sco, cmi: data.cmi, terminate: data.terminate === true }, step);
      if (data.terminate === true && typeof data.nav === "string") {
        navigate(data.nav);
      }
    }
  });

  // Moving to another part keeps this page (and its link to the server) while the part that
  // closes saves what it had.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-sco-number]") : null;
    if (!link || !launchBase) {
      return;
    }
    event.preventDefault();
    openStep(Number(link.getAttribute("data-sco-number")), true);
  });
})();
