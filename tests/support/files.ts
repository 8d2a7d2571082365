/**
 * Reading the files SKM exports with real clients: poppler's pdftotext/pdftoppm for PDF,
 * the DOCX's own XML (word/document.xml) for its text, exceljs for XLSX, csv-parse for CSV,
 * and LibreOffice headless for conversions. Nothing here is faked.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { parse } from 'csv-parse/sync';
import type { Response } from 'supertest';

export function tmpDir(prefix = 'skm-files-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** supertest parser that keeps the body as bytes. */
export function binary(res: NodeJS.ReadableStream & { setEncoding: (e: string) => void }, cb: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
  res.on('error', (e: Error) => cb(e, Buffer.alloc(0)));
}

export function bodyOf(res: Response): Buffer {
  return res.body as Buffer;
}

/** The PDF's text, page by page (pdftotext -layout; pages split on form feed). */
export function pdfPages(pdf: Buffer): string[] {
  const dir = tmpDir();
  const file = path.join(dir, 'r.pdf');
  fs.writeFileSync(file, pdf);
  const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  return text.split('\f');
}

/** Number of pages (pdfinfo). */
export function pdfPageCount(pdf: Buffer): number {
  const dir = tmpDir();
  const file = path.join(dir, 'r.pdf');
  fs.writeFileSync(file, pdf);
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  return Number(/Pages:\s+(\d+)/.exec(info)?.[1] ?? 0);
}

/** The DOCX's document XML and its paragraph texts. */
export async function docxContent(docx: Buffer): Promise<{ xml: string; paragraphs: string[]; text: string }> {
  const zip = await JSZip.loadAsync(docx);
  const xml = await zip.file('word/document.xml')!.async('string');
  const paragraphs = [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) =>
    [...m[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((x) => decodeXml(x[1]!)).join(''),
  );
  return { xml, paragraphs, text: paragraphs.join('\n') };
}

function decodeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

export async function readXlsx(xlsx: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx as never);
  return wb;
}

export function csvRows(csv: Buffer): string[][] {
  return parse(csv.toString('utf8'), { bom: true, relax_column_count: false }) as string[][];
}

/** LibreOffice headless conversion; returns the converted file's bytes. */
export function libreOfficeConvert(input: Buffer, inputName: string, to: string): Buffer {
  const dir = tmpDir('skm-lo-');
  const file = path.join(dir, inputName);
  fs.writeFileSync(file, input);
  execFileSync('soffice', [`-env:UserInstallation=file://${dir}/profile`, '--headless', '--convert-to', to, '--outdir', dir, file], {
    stdio: 'pipe',
    timeout: 120_000,
  });
  const outName = `${path.basename(inputName, path.extname(inputName))}.${to.split(':')[0]}`;
  const out = fs.readFileSync(path.join(dir, outName));
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}
