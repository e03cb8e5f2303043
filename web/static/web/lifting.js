/* HomeGym while lifting: the rest timer after every saved set, and the plate calculator for
   the weight being typed. Progressive enhancement: without JavaScript the page logs sets and
   links to the plate calculator page; nothing here is needed to save a set.

   The timer keeps its end as a timestamp (localStorage), never as a running count: a phone
   that locks the screen or throttles the tab shows the right time again on return. */
(function () {
  "use strict";

  var KEY = "homegym-rest";
  var BEEP_GRACE_MS = 30000; // on return after a lock, beep only if the rest just ended
  var audio = null;
  var state = null;
  var tickTimer = null;
  var endTimer = null;
  var pending = new WeakMap();

  function bar() { return document.getElementById("rest-bar"); }

  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY)); } catch (e) { return null; }
  }

  function save() {
    try {
      if (state) { window.localStorage.setItem(KEY, JSON.stringify(state)); }
      else { window.localStorage.removeItem(KEY); }
    } catch (e) { /* private mode: the timer still runs for this page */ }
  }

  // Browsers only let a page make sound after a user gesture: open the audio context on the
  // tap or key press that saves the set, play the beep later.
  function unlockAudio() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { return; }
    try {
      if (!audio) { audio = new Context(); }
      if (audio.state === "suspended") { audio.resume(); }
    } catch (e) { audio = null; }
  }

  function beep() {
    if (!audio) { return; }
    try {
      var now = audio.currentTime;
      [0, 0.3, 0.6].forEach(function (offset) {
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        osc.frequency.value = 880;
        gain.gain.setValueAtTime(0.0001, now + offset);
        gain.gain.exponentialRampToValueAtTime(0.4, now + offset + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, now + offset + 0.2);
        osc.connect(gain).connect(audio.destination);
        osc.start(now + offset);
        osc.stop(now + offset + 0.22);
      });
    } catch (e) { /* no sound is no error */ }
  }

  function notify(text) {
    if (!("Notification" in window) || window.Notification.permission !== "granted") { return; }
    if (!document.hidden) { return; }
    try { new window.Notification(text, { tag: "homegym-rest" }); } catch (e) {
      // Android Chrome allows notifications only through a service worker: skipped there.
    }
  }

  function format(seconds) {
    var s = Math.max(0, seconds);
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function render() {
    var node = bar();
    if (!node) { return; }
    if (!state || String(state.workout) !== node.getAttribute("data-workout")) {
      node.hidden = true;
      return;
    }
    node.hidden = false;
    var remaining = Math.ceil((state.end - Date.now()) / 1000);
    var time = document.getElementById("rest-time");
    var label = document.getElementById("rest-exercise");
    label.textContent = state.label || "";
    node.classList.toggle("rest-done", remaining <= 0);
    time.textContent = remaining > 0 ? format(remaining) : node.getAttribute("data-done-text");
    var notifyButton = node.querySelector("[data-rest-notify]");
    if (notifyButton) {
      notifyButton.hidden = !("Notification" in window) || window.Notification.permission !== "default";
    }
  }

  function finish() {
    if (!state || state.done) { return; }
    state.done = true;
    save();
    if (Date.now() - state.end < BEEP_GRACE_MS) {
      beep();
      if (navigator.vibrate) { navigator.vibrate([300, 150, 300]); }
      notify(bar() ? bar().getAttribute("data-notify-text") : "");
    }
    render();
  }

  function schedule() {
    window.clearTimeout(tickTimer);
    window.clearTimeout(endTimer);
    if (!state) { render(); return; }
    var left = state.end - Date.now();
    if (left <= 0) { finish(); render(); return; }
    render();
    // Wake at the next whole second of the countdown; and once more exactly at the end.
    tickTimer = window.setTimeout(schedule, (left % 1000) || 1000);
    endTimer = window.setTimeout(finish, left);
  }

  function start(seconds, label) {
    var node = bar();
    if (!node || !(seconds > 0)) { return; }
    state = {
      workout: node.getAttribute("data-workout"),
      end: Date.now() + seconds * 1000,
      total: seconds,
      label: label,
      done: false
    };
    save();
    schedule();
  }

  function adjust(delta) {
    if (!state) { return; }
    state.end = Math.max(Date.now(), state.end) + delta * 1000;
    if (delta < 0) { state.end = Math.max(Date.now(), state.end); }
    state.done = state.end <= Date.now();
    save();
    schedule();
  }

  function stop() {
    state = null;
    save();
    schedule();
  }

  // Forms that save a set: the set row, and a planned set's one-tap ✓.
  var SAVES_A_SET = "form.set-form, form.planned-form";

  // A set form is about to be sent: unlock sound while the tap still counts as a gesture.
  document.addEventListener("submit", function (event) {
    if (event.target.matches && event.target.matches(SAVES_A_SET)) { unlockAudio(); }
  }, true);

  // A set form is being sent: remember its exercise by request. The form itself is swapped
  // out before the request ends (htmx then reports the event on its parent), so the answer
  // is matched to the request through its XMLHttpRequest.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (!form.matches || !form.matches(SAVES_A_SET)) { return; }
    unlockAudio();
    var block = form.closest(".exercise");
    var extras = block && block.querySelector(".lift-extras");
    var title = block && block.querySelector(".ex-title");
    pending.set(event.detail.xhr, {
      seconds: extras ? parseInt(extras.getAttribute("data-rest-seconds"), 10) : 0,
      label: title ? title.textContent.trim() : ""
    });
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    var set = xhr && pending.get(xhr);
    if (!set) { return; }
    pending.delete(xhr);
    // 200: the set is stored (422/409 answer with the form and its errors).
    if (xhr.status === 200) { start(set.seconds, set.label); }
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-rest-add], [data-rest-stop], [data-rest-notify]");
    if (!target) { return; }
    unlockAudio();
    if (target.hasAttribute("data-rest-add")) { adjust(parseInt(target.getAttribute("data-rest-add"), 10)); }
    if (target.hasAttribute("data-rest-stop")) { stop(); }
    if (target.hasAttribute("data-rest-notify") && "Notification" in window) {
      window.Notification.requestPermission().then(render, render);
    }
  });

  document.addEventListener("visibilitychange", function () { if (!document.hidden) { schedule(); } });
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) { state = load(); schedule(); }
  });

  // --- plate calculator for the typed weight -------------------------------------------------
  var plateTimers = {};

  function updatePlates(input) {
    var block = input.closest(".exercise");
    var extras = block && block.querySelector(".lift-extras[data-plates-url]");
    if (!extras || !window.htmx) { return; }
    var id = block.getAttribute("data-uebung");
    var target = document.getElementById("plates-typed-" + id);
    window.clearTimeout(plateTimers[id]);
    plateTimers[id] = window.setTimeout(function () {
      var value = input.value.trim();
      if (!value) { target.innerHTML = ""; return; }
      var url = extras.getAttribute("data-plates-url") + "?gewicht=" + encodeURIComponent(value);
      window.htmx.ajax("GET", url, { target: target, swap: "innerHTML" });
    }, 300);
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches(".set-form input[name=gewicht]")) {
      updatePlates(event.target);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    state = load();
    schedule();
  });
})();
