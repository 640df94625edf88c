// The casualty chart of the claims ledger (Chart.js): one bar per claim, one colour per claimant,
// logarithmic scale. The table under it holds the same figures (for screen readers and print).
/* global Chart */
(function () {
  "use strict";
  var PALETTE = ["#b03a2e", "#1f618d", "#1e8449", "#9c640c", "#6c3483", "#117a65", "#873600", "#2e4053"];
  var canvas = document.getElementById("casualty-chart");
  if (!canvas) return;
  var data = JSON.parse(document.getElementById(canvas.dataset.source).textContent);
  if (!data.bars.length) { canvas.parentNode.classList.add("empty"); return; }
  var claimants = [];
  data.bars.forEach(function (b) { if (claimants.indexOf(b.claimant) < 0) claimants.push(b.claimant); });
  var labels = data.bars.map(function (b) { return b.label; });
  var datasets = claimants.map(function (c, i) {
    return { label: c + " says", backgroundColor: PALETTE[i % PALETTE.length], skipNull: true,
             data: data.bars.map(function (b) { return b.claimant === c ? b.value : null; }) };
  });
  canvas.parentNode.style.height = Math.max(220, 28 * labels.length + 80) + "px";
  new Chart(canvas, {
    type: "bar",
    data: { labels: labels, datasets: datasets },
    options: { indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
               datasets: { bar: { grouped: false, barThickness: 16 } },
               scales: { x: { type: "logarithmic", min: 1, title: { display: true, text: "people (log scale)" },
                              ticks: { callback: function (v) {
                                var p = Math.log10(v);
                                return Math.abs(p - Math.round(p)) < 1e-9 ? Number(v).toLocaleString("en") : "";
                              } } } },
               plugins: { legend: { position: "top" } } },
  });
  canvas.dataset.bars = String(data.bars.length);
})();
