/**
 * The report's chart images: opaque 8-bit RGB PNGs (colour type 2), so a PDF takes their
 * compressed data as it is instead of decoding every pixel to split off an alpha channel.
 * Skia (@napi-rs/canvas's own decoder) reads the bytes back to the pixels that were encoded.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { Chart, type ChartItem } from 'chart.js';
import { chartConfig, chartPngs, opaquePng, renderChartPng } from '../../server/features/reports/report.charts';
import { reportOf } from '../support/report';
import { renderPdf } from '../../server/features/reports/report.pdf';
import { pdfPageCount, tmpDir } from '../support/files';
import type { ChartSpec, Report } from '../../server/features/reports/report.model';

const SPEC: ChartSpec = {
  type: 'bar',
  horizontal: true,
  min: 1,
  max: 4,
  labels: ['Persyaratan', 'Prosedur', 'Waktu'],
  datasets: [{ label: 'NRR', data: [3.2, 2.9, 3.6], high: [2], low: [1] }],
};

/** The RGBA pixels a PNG decodes to (Skia). */
async function decode(png: Buffer): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  const img = await loadImage(png);
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  return { width: img.width, height: img.height, data: ctx.getImageData(0, 0, img.width, img.height).data };
}

test('opaquePng: RGB, no alpha; decoded by Skia to exactly the pixels given', async () => {
  const width = 37;
  const height = 23;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([(i * 7) % 256, (i * 13) % 256, (255 - i) & 0xff, 255], i * 4);

  const png = opaquePng(rgba, width, height);

  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  expect(png[24]).toBe(8); // bit depth
  expect(png[25]).toBe(2); // colour type: RGB, no alpha
  const back = await decode(png);
  expect([back.width, back.height]).toEqual([width, height]);
  expect(Buffer.from(back.data)).toEqual(Buffer.from(rgba));
});

test('a chart is an RGB PNG at twice its size whose pixels are the drawn chart (not blank, white background)', async () => {
  const png = renderChartPng(SPEC);

  expect(png[25]).toBe(2);
  const { width, height, data } = await decode(png);
  expect(width).toBeGreaterThan(400);
  expect(height).toBeGreaterThan(100);
  expect([...data.subarray(0, 4)]).toEqual([255, 255, 255, 255]);
  const colours = new Set<number>();
  for (let i = 0; i < data.length; i += 4) colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
  // Bars in the highest (green #1d6b2f) and lowest (red #a4161a) colours are drawn.
  expect(colours.has(0x1d6b2f)).toBe(true);
  expect(colours.has(0xa4161a)).toBe(true);
});

test('a chart drawn again (the DOCX after the PDF, a public page) is the one drawn last; other data is drawn anew', () => {
  const first = renderChartPng({ ...SPEC, labels: [...SPEC.labels] });
  // The same spec, built anew (as the next export builds it): the same image, not drawn again.
  expect(renderChartPng({ ...SPEC, labels: [...SPEC.labels] })).toBe(first);
  const other = renderChartPng({ ...SPEC, datasets: [{ ...SPEC.datasets[0]!, data: [3.3, 2.9, 3.6] }] });
  expect(other.equals(first)).toBe(false);
});

test('a PDF embeds the chart as an RGB image without a soft mask; poppler draws it in its colours', async () => {
  const report: Report = {
    lang: 'id',
    title: 'Laporan',
    unitName: 'Balai Uji',
    surveyTitle: 'Survei',
    periodLabel: '2022',
    generatedOn: '1 Januari 2023',
    headline: [{ label: 'IKM', value: '3,23' }],
    chapters: [{ id: 'c', title: 'Bab', blocks: [{ kind: 'chart', id: 'elements', caption: 'Gambar 1', spec: SPEC }] }],
  };

  const pdf = await renderPdf(report);

  expect(pdf.toString('latin1')).toMatch(/\/Subtype \/Image[\s\S]*?\/ColorSpace \/DeviceRGB|\/ColorSpace \/DeviceRGB[\s\S]*?\/Subtype \/Image/);
  expect(pdf.toString('latin1')).not.toContain('/SMask');
  const pages = pdfPageCount(pdf);
  // poppler draws the chart's page with the bars in their colours.
  const dir = tmpDir();
  fs.writeFileSync(path.join(dir, 'r.pdf'), pdf);
  execFileSync('pdftoppm', ['-png', '-r', '60', '-f', String(pages), '-l', String(pages), path.join(dir, 'r.pdf'), path.join(dir, 'p')]);
  const page = await decode(
    fs.readFileSync(
      path.join(
        dir,
        fs.readdirSync(dir).find((f) => f.endsWith('.png'))!,
      ),
    ),
  );
  fs.rmSync(dir, { recursive: true, force: true });
  const near = (rgb: number) => {
    for (let i = 0; i < page.data.length; i += 4) {
      if ([16, 8, 0].every((s, c) => Math.abs(page.data[i + c]! - ((rgb >> s) & 0xff)) <= 3)) return true;
    }
    return false;
  };
  expect(near(0x1d6b2f)).toBe(true);
  expect(near(0xa4161a)).toBe(true);
});

test('chartConfig: axis numbers in the report’s language (1,5 in Indonesian, 1.5 in English)', () => {
  const ticks = (lang: 'id' | 'en') => {
    const canvas = createCanvas(760, 220);
    const chart = new Chart(canvas as unknown as ChartItem, chartConfig({ ...SPEC, lang }));
    const labels = chart.scales.x!.ticks.map((t) => String(t.label));
    chart.destroy();
    return labels;
  };

  expect(ticks('id')).toContain('1,5');
  expect(ticks('id').filter((l) => l.includes('.'))).toEqual([]);
  expect(ticks('en')).toContain('1.5');
});

test('chartPngs: a report of 30 charts is drawn without holding every canvas: RSS grows by well under the 30 × 8 MB of their pixels', async () => {
  const blocks = Array.from({ length: 30 }, (_, i) => ({
    kind: 'chart' as const,
    id: `c${i}`,
    caption: `Gambar ${i}`,
    spec: { ...SPEC, horizontal: false, datasets: [{ label: 'NRR', data: [3.2, 2.9, 1 + (i % 30) / 10] }] },
  }));
  const report = reportOf('Banyak grafik', blocks);
  await chartPngs(reportOf('Pemanasan', blocks.slice(0, 2))); // fonts, chart.js, the canvas library loaded
  const before = process.memoryUsage().rss;

  const pngs = await chartPngs(report);

  const grownMb = (process.memoryUsage().rss - before) / 1048576;
  expect(pngs.size).toBe(30);
  // Each canvas holds 1520 × 680 × 4 bytes (≈ 4 MB) and its pixels read back as much again.
  expect(grownMb).toBeLessThan(100);
});
