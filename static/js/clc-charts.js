/* Community learning centres: charts of the roll-up pages and the live total of the
 * evaluation sheet. Data comes from a json_script element (no inline script: see CSP). */
(function () {
  "use strict";

  var PALETTE = ["#0b4f8a", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#6c757d", "#8ab17d", "#9b5de5"];
  // Rating levels, best first: green to red.
  var RATING_COLOURS = ["#2e7d32", "#7cb342", "#f9a825", "#c62828", "#6c757d", "#455a64"];

  function numberFormat() {
    var lang = document.documentElement.lang || "vi";
    return new Intl.NumberFormat(lang === "vi" ? "vi-VN" : lang);
  }

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas || typeof Chart === "undefined") {
      return;
    }
    config.options = Object.assign(
      { responsive: true, maintainAspectRatio: false, animation: false },
      config.options || {}
    );
    new Chart(canvas, config);
  }

  function charts() {
    var source = document.getElementById("clc-chart-data");
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var fmt = numberFormat();
    var tooltipNumber = {
      callbacks: {
        label: function (ctx) {
          var value = typeof ctx.parsed === "number"
            ? ctx.parsed
            : (ctx.chart.options.indexAxis === "y" ? ctx.parsed.x : ctx.parsed.y);
          return (ctx.dataset.label || ctx.label) + ": " + fmt.format(value);
        }
      }
    };

    draw("chart-topics", {
      type: "bar",
      data: {
        labels: data.topics.labels,
        datasets: [
          { label: data.labels.classes, data: data.topics.classes, backgroundColor: PALETTE[0] },
          { label: data.labels.sessions, data: data.topics.sessions, backgroundColor: PALETTE[1], hidden: true }
        ]
      },
      options: { plugins: { tooltip: tooltipNumber }, scales: { y: { beginAtZero: true } } }
    });

    draw("chart-funding", {
      type: "doughnut",
      data: {
        labels: data.funding.labels,
        datasets: [{ data: data.funding.values, backgroundColor: PALETTE.slice(0, data.funding.values.length) }]
      },
      options: { plugins: { legend: { position: "right" }, tooltip: tooltipNumber } }
    });

    draw("chart-ratings", {
      type: "doughnut",
      data: {
        labels: data.ratings.labels,
        datasets: [{ data: data.ratings.values, backgroundColor: RATING_COLOURS.slice(0, data.ratings.values.length) }]
      },
      options: { plugins: { legend: { position: "right" } } }
    });

    if (data.districts) {
      draw("chart-ratings-districts", {
        type: "bar",
        data: {
          labels: data.districts.labels,
          datasets: data.ratings.labels.map(function (label, i) {
            return { label: label, data: data.districts.ratings[i], backgroundColor: RATING_COLOURS[i % RATING_COLOURS.length] };
          })
        },
        options: {
          indexAxis: "y",
          scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true, ticks: { autoSkip: false } } },
          plugins: { legend: { position: "bottom" } }
        }
      });

      draw("chart-it-districts", {
        type: "bar",
        data: {
          labels: data.districts.labels,
          datasets: [
            { label: data.labels.itShare, data: data.districts.itShare, backgroundColor: PALETTE[0] },
            { label: data.labels.reporting, data: data.districts.reporting, backgroundColor: PALETTE[2] },
            {
              type: "line", label: data.labels.target,
              data: data.districts.labels.map(function () { return data.target; }),
              borderColor: "#c8102e", borderDash: [6, 4], pointRadius: 0, fill: false
            }
          ]
        },
        options: {
          indexAxis: "y",
          scales: { x: { beginAtZero: true, max: 100 }, y: { ticks: { autoSkip: false } } },
          plugins: { legend: { position: "bottom" } }
        }
      });
    }
  }

  function evaluationTotal() {
    var form = document.getElementById("evaluation-form");
    var totalEl = document.getElementById("points-total");
    var ratingEl = document.getElementById("points-rating");
    if (!form || !totalEl) {
      return;
    }
    var inputs = form.querySelectorAll(".points-input");
    var bands = Array.prototype.map.call(
      document.querySelectorAll("#rating-scale tbody tr"),
      function (row) { return { min: parseInt(row.dataset.min, 10), name: row.dataset.name }; }
    );
    function update() {
      var total = 0;
      var complete = true;
      Array.prototype.forEach.call(inputs, function (input) {
        var value = parseInt(input.value, 10);
        if (isNaN(value)) {
          complete = false;
        } else {
          total += Math.max(0, Math.min(value, parseInt(input.dataset.max, 10)));
        }
      });
      totalEl.textContent = String(total);
      var band = bands.find(function (b) { return total >= b.min; });
      ratingEl.textContent = complete && band ? band.name : "";
      ratingEl.hidden = !ratingEl.textContent;
    }
    Array.prototype.forEach.call(inputs, function (input) { input.addEventListener("input", update); });
    update();
  }

  function start() {
    charts();
    evaluationTotal();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
