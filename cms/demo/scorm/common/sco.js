/* A small SCO for the demo, for SCORM 1.2 and SCORM 2004 alike (<html data-scorm="1.2" or
   "2004">). It finds the LMS's API the way the ADL and Rustici samples do, starting from the
   parent frame; shows its pages one at a time, keeping the page (location) and the learner's
   answers (suspend data) so a later session resumes; marks a short quiz itself and reports the
   score, interactions and an objective; and saves and closes on request (in SCORM 2004, asking
   for the next part when <html data-nav-on-finish="continue">). */
(function () {
  "use strict";
  var html = document.documentElement;
  var is12 = html.getAttribute("data-scorm") === "1.2";
  var name = is12 ? "API" : "API_1484_11";

  function scan(win) {
    var tries = 0;
    while (win && win[name] == null && win.parent && win.parent !== win && tries < 10) {
      tries += 1;
      win = win.parent;
    }
    return win ? win[name] : null;
  }
  var api = scan(window.parent !== window ? window.parent : window) || (window.opener ? scan(window.opener) : null);

  var E = is12
    ? { location: "cmi.core.lesson_location", status: "cmi.core.lesson_status", exit: "cmi.core.exit",
        session: "cmi.core.session_time", raw: "cmi.core.score.raw", entry: "cmi.core.entry", name: "cmi.core.student_name" }
    : { location: "cmi.location", status: "cmi.completion_status", exit: "cmi.exit", session: "cmi.session_time",
        raw: "cmi.score.raw", entry: "cmi.entry", name: "cmi.learner_name" };

  function call(method12, method2004, a, b) {
    if (!api) { return ""; }
    var method = is12 ? method12 : method2004;
    return b === undefined ? api[method](a === undefined ? "" : a) : api[method](a, b);
  }
  function get(element) { return String(call("LMSGetValue", "GetValue", element)); }
  function set(element, value) { return call("LMSSetValue", "SetValue", element, String(value)); }
  function commit() { return call("LMSCommit", "Commit"); }
  function finish() { return call("LMSFinish", "Terminate"); }

  var started = Date.now();
  function sessionTime() {
    var seconds = Math.round((Date.now() - started) / 1000);
    if (!is12) { return "PT" + seconds + "S"; }
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(h) + ":" + two(m) + ":" + two(s);
  }

  var pages = Array.prototype.slice.call(document.querySelectorAll("[data-page]"));
  var status = document.getElementById("sco-status");
  var saved = {};
  var closed = false;
  var current = 0;

  function show(index, focus) {
    current = Math.max(0, Math.min(index, pages.length - 1));
    pages.forEach(function (page, i) { page.hidden = i !== current; });
    document.getElementById("previous").hidden = current === 0;
    document.getElementById("next").hidden = current === pages.length - 1;
    document.getElementById("position").textContent = "Page " + (current + 1) + " of " + pages.length;
    set(E.location, String(current + 1));
    if (current === pages.length - 1 && html.getAttribute("data-complete-on") === "last-page") {
      set(E.status, "completed");
      if (!is12) { set("cmi.progress_measure", "1"); }
    } else if (!is12) {
      set("cmi.progress_measure", String(Math.round((current / Math.max(pages.length - 1, 1)) * 100) / 100));
    }
    if (focus) { pages[current].querySelector("h2").focus(); }
  }

  function remember() {
    saved = {};
    Array.prototype.forEach.call(document.querySelectorAll("input[type=radio]:checked"), function (input) {
      saved[input.name] = input.value;
    });
    set("cmi.suspend_data", JSON.stringify(saved));
  }

  function restore() {
    var raw = get("cmi.suspend_data");
    try { saved = raw ? JSON.parse(raw) : {}; } catch (e) { saved = {}; }
    Object.keys(saved).forEach(function (question) {
      var input = document.querySelector('input[name="' + question + '"][value="' + saved[question] + '"]');
      if (input) { input.checked = true; }
    });
  }

  function mark(event) {
    event.preventDefault();
    var form = event.target;
    var questions = Array.prototype.slice.call(form.querySelectorAll("fieldset[data-answer]"));
    var right = 0;
    var missing = questions.filter(function (q) { return !q.querySelector("input:checked"); });
    if (missing.length) {
      status.textContent = "Answer every question before you submit.";
      missing[0].querySelector("input").focus();
      return;
    }
    questions.forEach(function (question, index) {
      var chosen = question.querySelector("input:checked").value;
      var correct = chosen === question.getAttribute("data-answer");
      if (correct) { right += 1; }
      var prefix = "cmi.interactions." + index + ".";
      set(prefix + "id", question.id);
      set(prefix + "type", "choice");
      set(prefix + (is12 ? "student_response" : "learner_response"), chosen);
      set(prefix + "result", correct ? "correct" : (is12 ? "wrong" : "incorrect"));
    });
    var score = Math.round((right / questions.length) * 100);
    set(E.raw, score);
    if (is12) {
      set("cmi.core.score.min", 0);
      set("cmi.core.score.max", 100);
    } else {
      set("cmi.score.min", 0);
      set("cmi.score.max", 100);
      set("cmi.score.scaled", score / 100);
    }
    var passed = score >= 80;
    set("cmi.objectives.0.id", "quiz");
    if (is12) {
      set("cmi.objectives.0.status", passed ? "passed" : "failed");
      set(E.status, passed ? "passed" : "failed");
    } else {
      set("cmi.objectives.0.success_status", passed ? "passed" : "failed");
      set("cmi.success_status", passed ? "passed" : "failed");
      set("cmi.completion_status", "completed");
      set("cmi.progress_measure", "1");
    }
    remember();
    commit();
    status.textContent = "You scored " + score + "%: " + (passed ? "passed. Choose Finish to close this part." : "not passed yet. Change your answers and submit again.");
    document.getElementById("finish").hidden = !passed;
  }

  function close(suspend) {
    if (closed) { return; }
    closed = true;
    remember();
    set(E.exit, suspend ? "suspend" : (is12 ? "" : "normal"));
    set(E.session, sessionTime());
    if (!is12 && !suspend && html.getAttribute("data-nav-on-finish")) {
      set("adl.nav.request", html.getAttribute("data-nav-on-finish"));
    }
    commit();
    finish();
    document.getElementById("sco-main").hidden = true;
    document.getElementById("sco-closed").hidden = false;
    document.getElementById("sco-closed").querySelector("p").focus();
  }

  if (!api) {
    status.textContent = "This content could not find the learning platform: your progress will not be saved.";
  } else {
    call("LMSInitialize", "Initialize");
    var who = get(E.name);
    if (who) { document.getElementById("learner").textContent = "Learner: " + who; }
    restore();
    var location = parseInt(get(E.location), 10);
    if (get(E.entry) === "resume" && location > 1) {
      status.textContent = "Welcome back: you are on the page where you stopped.";
    }
    var state = get(E.status);
    if (state === "not attempted" || state === "unknown" || state === "") {
      set(E.status, "incomplete");
    }
    show(isNaN(location) ? 0 : location - 1, false);
  }

  document.getElementById("previous").addEventListener("click", function () { remember(); show(current - 1, true); });
  document.getElementById("next").addEventListener("click", function () { remember(); show(current + 1, true); });
  document.getElementById("save-exit").addEventListener("click", function () { close(true); });
  document.getElementById("finish").addEventListener("click", function () { close(false); });
  Array.prototype.forEach.call(document.querySelectorAll("form[data-quiz]"), function (form) {
    form.addEventListener("submit", mark);
  });
  document.addEventListener("change", function (event) {
    if (event.target.type === "radio") { remember(); }
  });
  window.addEventListener("pagehide", function () { if (!closed && api) { close(true); } });
})();
