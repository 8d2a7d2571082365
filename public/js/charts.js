/*
 * Progressive enhancement for the dashboard: every <div class="chart" data-chart="ID"> holds a
 * hidden <canvas> and a <script type="application/json" id="data-ID"> block (data, never
 * executed). With chart.js loaded (served from /static/vendor), the canvas is shown and drawn;
 * without JavaScript the data table that follows each chart is the chart.
 *
 * Data shape: { type: 'bar'|'line', horizontal?, stacked?, percent?, min?, max?, target?,
 *   targetLabel?, labels: [], datasets: [{ label, data: [], display?: [], high?: [], low?: [], hidden? }] }
 * `display` holds the server-formatted values (92,26), used in tooltips: the browser never rounds.
 */
(function () {
  'use strict';
  if (typeof window.Chart !== 'function') return;
  var PALETTE = ['#0b5394', '#c27c0e', '#1d6b2f', '#a4161a', '#5b3c88', '#1b7f8c', '#7a4b1f', '#4a5466', '#b5367a', '#2e6f40'];
  var SCORES = ['#a4161a', '#e08a2c', '#7fb0e0', '#0b5394'];
  var HIGH = '#1d6b2f';
  var LOW = '#a4161a';

  function datasetsOf(spec) {
    var out = spec.datasets.map(function (ds, i) {
      var base = spec.stacked && spec.datasets.length === 4 ? SCORES[i] : PALETTE[i % PALETTE.length];
      var colors = ds.data.map(function (_, j) {
        if (ds.high && ds.high.indexOf(j) >= 0) return HIGH;
        if (ds.low && ds.low.indexOf(j) >= 0) return LOW;
        return base;
      });
      return {
        type: spec.type,
        label: ds.label,
        data: ds.data,
        display: ds.display,
        hidden: !!ds.hidden,
        backgroundColor: spec.type === 'line' ? base : colors,
        borderColor: base,
        borderWidth: spec.type === 'line' ? 2 : 0,
        spanGaps: true,
        stack: spec.stacked ? 's' : undefined,
      };
    });
    if (typeof spec.target === 'number') {
      out.push({
        type: 'line',
        label: spec.targetLabel || 'Target',
        data: spec.labels.map(function () {
          return spec.target;
        }),
        display: spec.labels.map(function () {
          return spec.targetLabel || String(spec.target);
        }),
        borderColor: '#1a1f2b',
        borderDash: [6, 4],
        borderWidth: 2,
        pointRadius: 0,
        fill: false,
      });
    }
    return out;
  }

  function draw(box) {
    var id = box.getAttribute('data-chart');
    var json = document.getElementById('data-' + id);
    var canvas = document.getElementById('canvas-' + id);
    if (!json || !canvas) return;
    var spec;
    try {
      spec = JSON.parse(json.textContent || '{}');
    } catch (e) {
      return;
    }
    var valueAxis = spec.horizontal ? 'x' : 'y';
    var labelAxis = spec.horizontal ? 'y' : 'x';
    var scales = {};
    scales[valueAxis] = { min: spec.min, max: spec.max, stacked: !!spec.stacked, beginAtZero: spec.min === undefined };
    scales[labelAxis] = { stacked: !!spec.stacked, ticks: { autoSkip: false } };
    canvas.hidden = false;
    if (spec.horizontal) canvas.height = Math.max(160, 28 * spec.labels.length + 60);
    // A horizontal bar chart with a target draws the target as a vertical line: swap its axes.
    var datasets = datasetsOf(spec).map(function (ds) {
      if (spec.horizontal && ds.type === 'line') {
        ds.indexAxis = 'y';
      }
      return ds;
    });
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: spec.horizontal ? 'y' : 'x',
        responsive: true,
        maintainAspectRatio: !spec.horizontal,
        animation: false,
        scales: scales,
        plugins: {
          legend: { display: datasets.length > 1 },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                var shown = ctx.dataset.display ? ctx.dataset.display[ctx.dataIndex] : ctx.formattedValue;
                return ctx.dataset.label + ': ' + shown;
              },
            },
          },
        },
      },
    });
  }

  var boxes = document.querySelectorAll('.chart[data-chart]');
  for (var i = 0; i < boxes.length; i++) draw(boxes[i]);
})();
