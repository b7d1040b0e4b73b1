// Draws each dashboard chart from the JSON beside its canvas. The table under each chart
// holds the same figures, so the page works (and is accessible) without this script.
const palette = ["#1d70b8", "#f47738", "#00703c", "#912b88", "#d4351c", "#28a197", "#6f72af", "#b58840", "#505a5f"];

for (const canvas of document.querySelectorAll("canvas[data-chart]")) {
  const data = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
  new window.Chart(canvas, {
    type: data.type,
    data: {
      labels: data.labels,
      datasets: data.series.map((series, index) => ({
        label: series.label,
        data: series.data,
        borderColor: palette[index % palette.length],
        backgroundColor: palette[index % palette.length],
      })),
    },
    options: {
      animation: false,
      responsive: true,
      scales: { x: { stacked: data.stacked }, y: { stacked: data.stacked, beginAtZero: true } },
    },
  });
  canvas.dataset.rendered = "true";
}
