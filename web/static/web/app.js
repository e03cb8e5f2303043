/* HomeGym page behaviour: charts from json_script data, one-tap fill from the recommendation,
   and htmx showing validation errors (422) in place. No user data is ever evaluated as code. */
(function () {
  "use strict";

  var COLORS = {
    top: "#1a5fb4", e1rm: "#26a269", actual: "#1a5fb4", model: "#e66100", baseline: "#77767b",
    bodyweight: "#1a5fb4"
  };
  var DASHED = { e1rm: [6, 4], baseline: [5, 5] };
  // Lower order is drawn on top: the coach's line over the actual one over the baseline.
  var ORDER = { model: 0, top: 1, actual: 1, e1rm: 2, baseline: 2 };
  var WIDTH = { actual: 3, top: 3 };

  function chartConfig(spec) {
    return {
      type: "line",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (ds) {
          return {
            label: ds.label,
            data: ds.data,
            borderColor: COLORS[ds.key] || "#444",
            backgroundColor: COLORS[ds.key] || "#444",
            borderDash: DASHED[ds.key] || [],
            order: ORDER[ds.key] || 0,
            pointRadius: spec.labels.length > 60 ? 0 : 2,
            borderWidth: WIDTH[ds.key] || 2,
            spanGaps: true,
            stepped: spec.stepped ? "before" : false,
            tension: spec.stepped ? 0 : 0.15
          };
        })
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { ticks: { maxTicksLimit: 6, autoSkip: true } },
          y: { title: { display: true, text: spec.unit } }
        },
        plugins: {
          legend: {
            position: "bottom",
            labels: { boxWidth: 14, sort: function (a, b) { return a.datasetIndex - b.datasetIndex; } }
          }
        }
      }
    };
  }

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function drawCharts(root) {
    if (typeof window.Chart === "undefined") { return; }
    var canvases = (root || document).querySelectorAll("canvas[data-chart-json]");
    var cache = {};
    canvases.forEach(function (canvas) {
      if (window.Chart.getChart(canvas)) { return; }
      var source = canvas.getAttribute("data-chart-json");
      if (!(source in cache)) { cache[source] = readJson(source); }
      var data = cache[source];
      var spec = Array.isArray(data)
        ? data.find(function (c) { return c.id === canvas.id; })
        : data;
      if (!spec) { return; }
      // The server's SVG stays until Chart.js has a chart to show in its place.
      var box = canvas.closest(".chart-box");
      if (box) { box.classList.add("drawn"); }
      new window.Chart(canvas, chartConfig(spec));
    });
  }

  // One tap on the recommendation fills the set form of the same exercise.
  document.addEventListener("click", function (event) {
    var summary = event.target.closest(".rec-summary[data-fill-weight]");
    if (!summary) { return; }
    var block = summary.closest(".exercise");
    if (!block) { return; }
    var weight = block.querySelector(".set-form input[name=gewicht]");
    var reps = block.querySelector(".set-form input[name=wiederholungen]");
    if (weight) {
      weight.value = summary.getAttribute("data-fill-weight");
      weight.dispatchEvent(new Event("input", { bubbles: true }));
    }
    if (reps) { reps.value = summary.getAttribute("data-fill-reps"); }
    // The recommendation is for the next working set: a form left on "warm-up" switches back.
    var kind = block.querySelector(".set-form select[name=set_type]");
    if (kind && kind.value === "warmup") { kind.value = "normal"; }
    [weight, reps].forEach(function (input) {
      if (!input) { return; }
      input.classList.remove("rec-filled");
      void input.offsetWidth;
      input.classList.add("rec-filled");
    });
  });

  // htmx 2 does not swap 4xx by default; our 409/422 answers carry the form with its errors.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 422 || status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:load", function (event) { drawCharts(event.target); });
})();
