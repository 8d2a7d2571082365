/**
 * The report's charts drawn on the server: chart.js on @napi-rs/canvas (prebuilt binaries from
 * the npm registry; no node-gyp, no browser). The spec is the dashboard's chart data shape
 * (public/js/charts.js), with the same colours: highest element green, lowest red, the target a
 * dashed line. Fonts are pdfmake's bundled Roboto, registered once, so PNGs look the same on
 * every machine. Charts are PNG bytes, used by the PDF, the DOCX and the public page.
 */
import path from 'node:path';
import { createCanvas, GlobalFonts, type Canvas } from '@napi-rs/canvas';
import { Chart, registerables, type ChartConfiguration, type ChartDataset, type ChartItem } from 'chart.js';
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

/** The chart kinds a spec draws, and the data chart.js gets (a gap is null). */
type Kind = 'bar' | 'line';
type Data = (number | null)[];
type Dataset = ChartDataset<Kind, Data>;

/** chart.js configuration for a spec (no animation, fixed size: a server has no screen). */
export function chartConfig(spec: ChartSpec): ChartConfiguration<Kind, Data, string> {
  const valueAxis = spec.horizontal ? 'x' : 'y';
  const labelAxis = spec.horizontal ? 'y' : 'x';
  const datasets: Dataset[] = spec.datasets.map((ds, i): Dataset => {
    const base = spec.stacked && spec.datasets.length === 4 ? SCORES[i]! : PALETTE[i % PALETTE.length]!;
    const common = { label: ds.label, data: ds.data, borderColor: base, ...(spec.stacked ? { stack: 's' } : {}) };
    if (spec.type === 'line') return { type: 'line', ...common, backgroundColor: base, borderWidth: 2, spanGaps: true };
    const colours = ds.data.map((_, j) => (ds.high?.includes(j) ? HIGH : ds.low?.includes(j) ? LOW : base));
    return { type: 'bar', ...common, backgroundColor: colours, borderWidth: 0 };
  });
  if (typeof spec.target === 'number') {
    const target = spec.target;
    datasets.push({
      type: 'line',
      label: spec.targetLabel ?? 'Target',
      data: spec.labels.map(() => target),
      borderColor: '#1a1f2b',
      borderDash: [6, 4],
      borderWidth: 2,
      pointRadius: 0,
      fill: false,
      ...(spec.horizontal ? { indexAxis: 'y' as const } : {}),
    });
  }
  return {
    type: spec.type,
    data: { labels: spec.labels, datasets },
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
    },
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

/**
 * chart.js types its target as a DOM canvas. Off the browser it runs on its basic platform,
 * which only calls the target's `getContext('2d')`: that is what this checks of a
 * @napi-rs/canvas canvas.
 */
function isChartItem(canvas: Canvas): canvas is Canvas & ChartItem {
  return typeof canvas.getContext === 'function';
}

/** The chart as PNG bytes (twice the CSS size, for print), on a white background. */
export function renderChartPng(spec: ChartSpec): Buffer {
  registerFonts();
  const { width, height } = chartSize(spec);
  const canvas = createCanvas(width, height);
  const config = chartConfig(spec);
  config.plugins = [whiteBackground];
  if (!isChartItem(canvas)) throw new Error('@napi-rs/canvas: no getContext');
  const chart = new Chart(canvas, config);
  try {
    return canvas.toBuffer('image/png');
  } finally {
    chart.destroy();
  }
}
