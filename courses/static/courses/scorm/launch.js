/* The launch frame, on the package origin: it holds the SCORM API (scorm-again) where a SCO
   looks for it (window.API for SCORM 1.2, window.API_1484_11 for SCORM 2004, in a parent frame
   of its own origin), starts it from the data the player page sends, and hands every Commit and
   Terminate to the player page, which alone talks to the site. Messages go to, and are taken
   from, the site's origin and the parent window only. */
(function () {
  "use strict";
  var root = document.documentElement;
  var site = root.getAttribute("data-site-origin");
  var version = root.getAttribute("data-version");
  var sco = root.getAttribute("data-sco");
  var scoUrl = root.getAttribute("data-sco-url");
  var api = null;
  var terminated = false;
  var navRequest = "";

  function tell(message) {
    message.sco = sco;
    window.parent.postMessage(message, site);
  }

  var bridge = {
    processHttpRequest: function (url, params, immediate, apiLog, processListeners, metadata) {
      var body = typeof params === "string" ? JSON.parse(params) : params;
      var terminate = !!(metadata && metadata.isTerminateCommit);
      if (terminate) {
        terminated = true;
      }
      tell({ type: "commit", cmi: (body && body.cmi) || body, terminate: terminate, nav: terminate ? navRequest : "" });
      return { result: "true", errorCode: 0 };
    },
    updateSettings: function () {}
  };

  function start(cmi) {
    var settings = {
      lmsCommitUrl: "postmessage:player",
      httpService: bridge,
      autocommit: false,
      sendFullCommit: true,
      logLevel: 5
    };
    if (version === "1.2") {
      api = new window.Scorm12API(settings, bridge);
      api.loadFromJSON(cmi, "");
      window.API = api;
      api.on("LMSInitialize", function () { tell({ type: "initialize" }); });
    } else {
      api = new window.Scorm2004API(settings, bridge);
      api.loadFromJSON(cmi, "");
      window.API_1484_11 = api;
      api.on("Initialize", function () { tell({ type: "initialize" }); });
      // A SCO may ask for the next or previous part, or a named one, when it ends.
      api.on("SetValue.adl.nav.request", function (element, value) { navRequest = String(value || ""); });
    }
    var frame = document.getElementById("sco");
    if (root.getAttribute("data-scorm-type") !== "sco") {
      // An asset calls no API: opening it is what completes it.
      frame.addEventListener("load", function () { tell({ type: "initialize" }); }, { once: true });
    }
    frame.src = scoUrl;
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== site || event.source !== window.parent || !event.data) {
      return;
    }
    if (event.data.type === "init" && api === null) {
      start(event.data.cmi || {});
    }
  });

  // A SCO closed without Terminate (the learner chose another part, or left): end its session
  // so what it set is kept, as most players do.
  window.addEventListener("pagehide", function () {
    if (api === null || terminated || !api.isInitialized()) {
      return;
    }
    if (version === "1.2") {
      api.LMSFinish("");
    } else {
      api.Terminate("");
    }
  });

  tell({ type: "ready" });
})();
