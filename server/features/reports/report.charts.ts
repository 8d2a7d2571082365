/**
 * The report's charts drawn on the server: chart.js on @napi-rs/canvas (prebuilt binaries from
 * the npm registry; no node-gyp, no browser). The spec is the dashboard's chart data shape
 * (public/js/charts.js), with the same colours: highest element green, lowest red, the target a
 * dashed line. Fonts are pdfmake's bundled Roboto, registered once, so PNGs look the same on
 * every machine. Charts are PNG bytes, used by the PDF, the DOCX and the public page.
 */
import path from 'node:path';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { Chart, registerables, type ChartConfiguration } from 'chart.js';
import type { ChartSpec } from './report.model';

Chart.register(...registerables);

const PALETTE = ['#0b5394', '#c27c0e', '#1d6b2f', '#a4161a', '#5b3c88', '#1b7f8c', '#7a4b1f', '#4a5466', '#b5367a', '#2e6f40'];
const SCORES = ['#a4161a', '#e08a2c', '#7fb0e0', '#0b5394'];
const HIGH = '#1d6b2f';
const LOW = '#a4161a';

let fontsReady = false;
function registerFonts(): void {
  if (fontsReady) return;
  const dir = path.join(path.dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto');
  GlobalFonts.registerFromPath(path.join(dir, 'Roboto-Regular.ttf'), 'Roboto');
  Chart.defaults.font.family = 'Roboto';
  Chart.defaults.font.size = 13;
  Chart.defaults.color = '#1a1f2b';
  fontsReady = true;
}

/** chart.js configuration for a spec (no animation, fixed size: a server has no screen). */
export function chartConfig(spec: ChartSpec): ChartConfiguration {
  const valueAxis = spec.horizontal ? 'x' : 'y';
  const labelAxis = spec.horizontal ? 'y' : 'x';
  const datasets: Record<string, unknown>[] = spec.datasets.map((ds, i) => {
    const base = spec.stacked && spec.datasets.length === 4 ? SCORES[i]! : PALETTE[i % PALETTE.length]!;
    return {
      type: spec.type,
      label: ds.label,
      data: ds.data,
      backgroundColor: spec.type === 'line' ? base : ds.data.map((_, j) => (ds.high?.includes(j) ? HIGH : ds.low?.includes(j) ? LOW : base)),
      borderColor: base,
      borderWidth: spec.type === 'line' ? 2 : 0,
      spanGaps: true,
      ...(spec.stacked ? { stack: 's' } : {}),
    };
  });
  if (typeof spec.target === 'number') {
    datasets.push({
      type: 'line',
      label: spec.targetLabel ?? 'Target',
      data: spec.labels.map(() => spec.target),
      borderColor: '#1a1f2b',
      borderDash: [6, 4],
      borderWidth: 2,
      pointRadius: 0,
      fill: false,
      ...(spec.horizontal ? { indexAxis: 'y' } : {}),
    });
  }
  return {
    type: spec.type,
    data: { labels: spec.labels, datasets: datasets as never },
    options: {
      indexAxis: spec.horizontal ? 'y' : 'x',
      responsive: false,
      animation: false,
      devicePixelRatio: 2,
      plugins: { legend: { display: spec.datasets.length > 1 || typeof spec.target === 'number', position: 'bottom' } },
      scales: {
        [valueAxis]: { min: spec.min, max: spec.max, stacked: !!spec.stacked, beginAtZero: spec.min === undefined },
        [labelAxis]: { stacked: !!spec.stacked, ticks: { autoSkip: false } },
      },
    } as never,
  };
}

/** Width and height in CSS pixels (the PNG is twice that, for print). */
export function chartSize(spec: ChartSpec): { width: number; height: number } {
  const width = 760;
  const height = spec.horizontal ? Math.max(220, 30 * spec.labels.length + 90) : 340;
  return { width, height };
}

/** Paints the background white before chart.js draws (a PNG is transparent otherwise). */
const whiteBackground = {
  id: 'whiteBackground',
  beforeDraw(chart: Chart) {
    const ctx = chart.ctx;
    ctx.save();
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

/** The chart as PNG bytes (twice the CSS size, for print), on a white background. */
export function renderChartPng(spec: ChartSpec): Buffer {
  registerFonts();
  const { width, height } = chartSize(spec);
  const canvas = createCanvas(width, height);
  const config = chartConfig(spec);
  config.plugins = [whiteBackground];
  const chart = new Chart(canvas as never, config);
  try {
    return canvas.toBuffer('image/png');
  } finally {
    chart.destroy();
  }
}
