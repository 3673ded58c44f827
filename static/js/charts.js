/*
 * Charts without inline script: a page puts its data in a JSON element (Django's json_script)
 * and a canvas that names it:
 *
 *   <canvas data-chart="line" data-chart-source="trend-data"></canvas>
 *   {{ chart|json_script:"trend-data" }}
 *
 * The JSON holds {labels: [...], suffix: "%", max: 100, notes: [...], datasets: [{label,
 * data, dashed}]}; null values are gaps, a null max lets the scale follow the data, and the
 * optional notes (one per label) close the tooltip of their label. Numbers follow the page's
 * language (1.234,5 in Vietnamese).
 */
(function () {
  "use strict";

  var COLOURS = ["#0b4f8a", "#6c757d", "#c8102e", "#198754", "#fd7e14"];

  function number(value, locale, suffix) {
    if (value === null || value === undefined) {
      return "—";
    }
    return value.toLocaleString(locale, { maximumFractionDigits: 1 }) + (suffix || "");
  }

  function dataset(spec, index) {
    var colour = COLOURS[index % COLOURS.length];
    return {
      label: spec.label,
      data: spec.data,
      borderColor: colour,
      backgroundColor: colour,
      borderDash: spec.dashed ? [6, 4] : [],
      pointRadius: spec.dashed ? 2 : 4,
      pointStyle: spec.dashed ? "line" : "circle",
      tension: 0,
      spanGaps: false,
    };
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chartSource);
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var locale = document.documentElement.lang || undefined;
    var suffix = spec.suffix || "";
    return new window.Chart(canvas, {
      type: canvas.dataset.chart || "line",
      data: { labels: spec.labels, datasets: spec.datasets.map(dataset) },
      options: {
        locale: locale,
        responsive: true,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { position: "bottom", labels: { usePointStyle: true } },
          tooltip: {
            callbacks: {
              label: function (item) {
                return item.dataset.label + ": " + number(item.parsed.y, locale, suffix);
              },
              footer: function (items) {
                var notes = spec.notes || [];
                return items.length ? notes[items[0].dataIndex] || "" : "";
              },
            },
          },
        },
        scales: {
          y: {
            grace: "10%",
            max: typeof spec.max === "number" ? spec.max : undefined,
            ticks: {
              callback: function (value) {
                return number(value, locale, suffix);
              },
            },
          },
        },
      },
    });
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
