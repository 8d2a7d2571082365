/**
 * The report's charts drawn on the server: chart.js on @napi-rs/canvas (prebuilt binaries from
 * the npm registry; no node-gyp, no browser). The spec is the dashboard's chart data shape
 * (public/js/charts.js), with the same colours: highest element green, lowest red, the target a
 * dashed line. Fonts are pdfmake's bundled Roboto, registered once, so PNGs look the same on
 * every machine. Charts are PNG bytes, used by the PDF, the DOCX and the public page.
 */
import path from 'node:path';
import zlib from 'node:zlib';
import { createCanvas, GlobalFonts, type Canvas } from '@napi-rs/canvas';
import { Chart, registerables, type ChartConfiguration, type ChartDataset, type ChartItem } from 'chart.js';
import { LRUCache } from 'lru-cache';
import type { ChartSpec, Report } from './report.model';

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
      // Axis numbers in the report's language: 1,5 in Indonesian (the dashboard's charts do the same).
      locale: spec.lang === 'en' ? 'en-GB' : 'id-ID',
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

/**
 * The charts drawn last, by their spec (a chart is a function of its spec): staff who download a
 * report as PDF and then as DOCX, or the visitors of a public results page, get each chart drawn
 * once. Up to 4 MB of PNGs (a chart is 10–60 KB), the least recently used leaving first.
 */
const drawn = new LRUCache<string, Buffer>({ maxSize: 4 * 1024 * 1024, sizeCalculation: (png) => png.length });

/** The chart as PNG bytes (twice the CSS size, for print), on a white background. */
export function renderChartPng(spec: ChartSpec): Buffer {
  const key = JSON.stringify(spec);
  let png = drawn.get(key);
  if (!png) drawn.set(key, (png = drawChartPng(spec)));
  return png;
}

function drawChartPng(spec: ChartSpec): Buffer {
  registerFonts();
  const { width, height } = chartSize(spec);
  const canvas = createCanvas(width, height);
  const config = chartConfig(spec);
  config.plugins = [whiteBackground];
  if (!isChartItem(canvas)) throw new Error('@napi-rs/canvas: no getContext');
  const chart = new Chart(canvas, config);
  try {
    // chart.js has resized the canvas to devicePixelRatio × the CSS size.
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    return opaquePng(pixels.data, canvas.width, canvas.height);
  } finally {
    chart.destroy();
  }
}

/**
 * PNG bytes of an opaque image as 8-bit RGB (colour type 2), from its RGBA pixels. The canvas
 * encodes RGBA only; a PDF cannot hold an alpha channel inline, so pdfkit decoded every pixel of
 * every RGBA chart to split it off (two thirds of a report's PDF time). An RGB PNG's compressed
 * data goes into the PDF as it is. Each row is filtered with Up (2), which suits flat charts.
 */
export function opaquePng(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number): Buffer {
  const stride = width * 3 + 1;
  const raw = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    raw[row] = 2;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) raw[row + 1 + x * 3 + c] = (rgba[i + c]! - (y > 0 ? rgba[i + c - width * 4]! : 0)) & 0xff;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // bit depth 8, RGB, deflate, adaptive filtering, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', zlib.deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

let crcTable: Uint32Array | undefined;
function crc32(bytes: Uint8Array): number {
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const b of bytes) crc = crcTable[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * The PNG of every chart of a report, by its spec: drawn one at a time, with a turn of the event
 * loop between two. A canvas's pixels are native memory that @napi-rs/canvas frees only after
 * the turn its canvas was collected in; drawn in one go, a report's charts held about 8 MB each
 * until the end (measured: 24 charts drawn without a turn grew RSS by 200 MB; with turns, flat).
 */
export async function chartPngs(report: Report): Promise<Map<ChartSpec, Buffer>> {
  const out = new Map<ChartSpec, Buffer>();
  for (const ch of report.chapters)
    for (const b of ch.blocks) {
      if (b.kind !== 'chart' || out.has(b.spec)) continue;
      out.set(b.spec, renderChartPng(b.spec));
      await new Promise((resolve) => setImmediate(resolve));
    }
  return out;
}
