/*
 * Progressive enhancement for the dashboard: every <div class="chart" data-chart="ID"> holds a
 * hidden <canvas> and a <script type="application/json" id="data-ID"> block (data, never
 * executed). With chart.js loaded (served from /static/vendor), the canvas is shown and drawn;
 * without JavaScript the data table that follows each chart is the chart.
 *
 * Data shape: { type: 'bar'|'line', horizontal?, stacked?, percent?, min?, max?, target?,
 *   targetLabel?, labels: [], short?: [], x?: [], ticks?: [{ v, label }],
 *   datasets: [{ label, data: [], display?: [], high?: [], low?: [], hidden? }] }
 * `display` holds the server-formatted values (92,26), used in tooltips: the browser never rounds.
 * Numbers on the axes are written in the page's language (0,5 in Indonesian) through the chart's
 * locale. Long category labels wrap; on a narrow chart `short` (e.g. the element codes) replaces
 * them, the full name staying in the tooltip and the table. `x` places a trend's points on a real
 * time axis (year, or year × 12 + month) so that 2021, 2022 and 2026 are not evenly spaced; `ticks`
 * names the positions, and the target line then spans the whole axis even for a single point.
 */
(function () {
  'use strict';
  if (typeof window.Chart !== 'function') return;
  var PALETTE = ['#0b5394', '#c27c0e', '#1d6b2f', '#a4161a', '#5b3c88', '#1b7f8c', '#7a4b1f', '#4a5466', '#b5367a', '#2e6f40'];
  var SCORES = ['#a4161a', '#e08a2c', '#7fb0e0', '#0b5394'];
  var HIGH = '#1d6b2f';
  var LOW = '#a4161a';
  var LOCALE = (document.documentElement.getAttribute('lang') || 'id').indexOf('en') === 0 ? 'en-GB' : 'id-ID';
  /** Below this width (px) a chart shows the short labels, when it has them. */
  var NARROW = 560;

  /** A label broken into lines of at most `max` characters (at most 3 lines; a cut line ends in …). */
  function wrap(text, max) {
    var words = String(text).split(/\s+/);
    var lines = [];
    var line = '';
    for (var i = 0; i < words.length; i++) {
      var w = words[i];
      if (w.length > max) w = w.slice(0, max - 1) + '…';
      if (line && (line + ' ' + w).length > max) {
        lines.push(line);
        line = w;
      } else {
        line = line ? line + ' ' + w : w;
      }
    }
    if (line) lines.push(line);
    if (lines.length > 3) {
      lines = lines.slice(0, 3);
      lines[2] = lines[2].slice(0, max - 1) + '…';
    }
    return lines.length > 1 ? lines : lines[0] || '';
  }

  /** Points on the time axis: {x, y} pairs. */
  function points(spec, data) {
    return data.map(function (y, j) {
      return { x: spec.x[j], y: y };
    });
  }

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
        data: spec.x ? points(spec, ds.data) : ds.data,
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
      var bounds = spec.x ? axisBounds(spec) : null;
      out.push({
        type: 'line',
        label: spec.targetLabel || 'Target',
        // On a time axis the target spans the axis: a line even under a single month's point.
        data: bounds
          ? [
              { x: bounds.min, y: spec.target },
              { x: bounds.max, y: spec.target },
            ]
          : spec.labels.map(function () {
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
        isTarget: true,
      });
    }
    return out;
  }

  /** The time axis' ends: the first and last named positions, half a step beyond a lone point. */
  function axisBounds(spec) {
    var vs = (spec.ticks || []).map(function (t) {
      return t.v;
    });
    var min = Math.min.apply(null, vs.length ? vs : spec.x);
    var max = Math.max.apply(null, vs.length ? vs : spec.x);
    if (min === max) {
      min -= 0.5;
      max += 0.5;
    }
    return { min: min, max: max };
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
    canvas.hidden = false;
    var narrow = canvas.clientWidth < NARROW;
    if (spec.x) {
      var bounds = axisBounds(spec);
      var named = {};
      (spec.ticks || []).forEach(function (t) {
        named[t.v] = t.label;
      });
      scales.x = {
        type: 'linear',
        min: bounds.min,
        max: bounds.max,
        afterBuildTicks: function (axis) {
          axis.ticks = (spec.ticks || []).map(function (t) {
            return { value: t.v };
          });
        },
        ticks: {
          autoSkip: true,
          maxRotation: 0,
          callback: function (v) {
            return named[v] === undefined ? '' : named[v];
          },
        },
      };
    } else {
      scales[labelAxis] = {
        stacked: !!spec.stacked,
        ticks: {
          autoSkip: false,
          callback: function (v) {
            if (narrow && spec.short) return spec.short[v];
            return wrap(spec.labels[v], narrow ? 16 : 30);
          },
        },
      };
    }
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
        locale: LOCALE,
        responsive: true,
        maintainAspectRatio: !spec.horizontal,
        animation: false,
        scales: scales,
        plugins: {
          legend: { display: datasets.length > 1 },
          tooltip: {
            callbacks: {
              title: function (items) {
                if (!items.length || (spec.x && items[0].dataset.isTarget)) return '';
                return spec.labels[items[0].dataIndex];
              },
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
