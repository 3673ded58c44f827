// Award statistics: draws a bar chart in every <canvas data-source="…"> from the JSON the page
// writes with Django's json_script (the portal has no inline script).
(function () {
  "use strict";

  var COLOURS = ["#9ec5e8", "#0b4f8a"];

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.source);
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    data.datasets.forEach(function (dataset, index) {
      dataset.backgroundColor = COLOURS[index % COLOURS.length];
      dataset.borderRadius = 3;
    });
    var horizontal = Boolean(canvas.dataset.horizontal);
    var counts = { beginAtZero: true, ticks: { precision: 0 } };
    new window.Chart(canvas, {
      type: "bar",
      data: data,
      options: {
        indexAxis: horizontal ? "y" : "x",
        locale: document.documentElement.lang || "vi",
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { position: "bottom" } },
        scales: horizontal ? { x: counts } : { y: counts },
      },
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-source]").forEach(draw);
  });
})();
