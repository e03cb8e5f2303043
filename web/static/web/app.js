/* HomeGym page behaviour: charts from json_script data, one-tap fill from the recommendation,
   and htmx showing validation errors (422) in place. No user data is ever evaluated as code. */
(function () {
  "use strict";

  // The same styles as web/svg_chart.py. Logged weights are discrete steps: every line is
  // stepped "after" (a value holds until the next session), never smoothed. Where series
  // coincide each stays visible: the actual line widest and lowest, the model dashed over it,
  // the baseline's thin dots on top, and each with its own point marker.
  var STYLES = {
    top: { color: "#1a5fb4", width: 3.5, dash: [], point: "circle", order: 2 },
    actual: { color: "#1a5fb4", width: 4, dash: [], point: "circle", order: 2 },
    bodyweight: { color: "#1a5fb4", width: 3, dash: [], point: "circle", order: 2 },
    e1rm: { color: "#26a269", width: 2, dash: [6, 4], point: "rect", order: 1 },
    model: { color: "#e66100", width: 2.5, dash: [9, 4], point: "triangle", order: 1 },
    baseline: { color: "#3d3846", width: 1.5, dash: [2, 3], point: "rect", order: 0 }
  };
  var DEFAULT_STYLE = { color: "#444", width: 2, dash: [], point: "circle", order: 1 };

  function chartConfig(spec) {
    var points = spec.labels.length > 60 ? 0 : 3;
    return {
      type: "line",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (ds) {
          var style = STYLES[ds.key] || DEFAULT_STYLE;
          return {
            label: ds.label,
            data: ds.data,
            borderColor: style.color,
            backgroundColor: style.color,
            borderDash: style.dash,
            borderWidth: style.width,
            order: style.order,
            pointStyle: style.point,
            pointRadius: points,
            spanGaps: false,
            stepped: "after",
            tension: 0
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
            labels: {
              usePointStyle: true, boxWidth: 28,
              sort: function (a, b) { return a.datasetIndex - b.datasetIndex; }
            }
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
