// Draws the figures page's two charts from the JSON the page carries (the console allows no inline script).
(function () {
  var source = document.getElementById('figures-data');
  if (!source || typeof Chart === 'undefined') return;
  var data = JSON.parse(source.textContent);
  var colours = ['#8fb3dd', '#0b5cad', '#2e8b57', '#c77700'];
  var common = { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } };

  var bars = data.areas.series.map(function (s, i) { return { type: 'bar', label: s.label, data: s.data, backgroundColor: colours[i] }; });
  if (data.areas.target) {
    bars.push({ type: 'line', label: data.areas.target.label, data: data.areas.target.data, borderColor: '#a61b1b', borderDash: [6, 4], pointRadius: 0, spanGaps: true, stepped: 'middle' });
  }
  var areas = new Chart(document.getElementById('chart-areas'), { data: { labels: data.areas.labels, datasets: bars }, options: common });

  var lines = data.months.series.map(function (s, i) { return { type: 'line', label: s.label, data: s.data, borderColor: colours[i + 1], backgroundColor: colours[i + 1], tension: 0.2 }; });
  var months = new Chart(document.getElementById('chart-months'), { data: { labels: data.months.labels, datasets: lines }, options: common });

  // For tests and assistive tools: the charts are drawn, with how many points.
  document.body.dataset.charts = [areas.data.labels.length, months.data.labels.length].join(',');
})();
