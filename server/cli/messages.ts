/**
 * Every text the `skm` command prints, in Bahasa Indonesia (the source) and English. One table
 * per language with the same keys, so the compiler checks that both are complete.
 */
import type { Lang } from '../ikm';

/** Where in the input a problem is: a 1-based row (the header is row 1) and a column name. */
export interface Place {
  readonly row?: number;
  readonly column?: string;
}

function at(lang: Lang, p: Place): string {
  const parts: string[] = [];
  if (p.row !== undefined) parts.push(`${lang === 'id' ? 'Baris' : 'Row'} ${p.row}`);
  if (p.column !== undefined) parts.push(`${lang === 'id' ? 'kolom' : 'column'} ${p.column}`);
  const text = parts.join(', ');
  return text === '' ? '' : `${text.charAt(0).toUpperCase()}${text.slice(1)}: `;
}

const ID = {
  usage: () =>
    [
      'Pemakaian:',
      '  skm ikm --input jawaban.csv|jawaban.xlsx [--template permenpanrb-14-2017|kepmenpan-25-2004|stakeholder]',
      '          [--target 90] [--cap none|100|120] [--polarity higher|lower]',
      '          [--achievement-decimals N] [--achievement-rounding round|truncate]',
      '          [--weight-decimals N] [--nrr-decimals N] [--weighted-decimals N]',
      '          [--population N] [--json] [--lang id|en]',
      '  skm sample --population 1200 [--respondents N] [--json] [--lang id|en]',
      '',
      'Berkas: baris pertama judul kolom; kolom U1…Uk berisi nilai 1–4 (kosong = tidak dijawab);',
      'kolom lain diabaikan. CSV dengan pemisah , atau ; (UTF-8, boleh dengan BOM) atau XLSX.',
    ].join('\n'),
  unknownCommand: (cmd: string) => `Perintah tidak dikenal: "${cmd}". Gunakan "skm ikm" atau "skm sample" (lihat skm --help).`,
  unknownOption: (opt: string) => `Opsi tidak dikenal: ${opt} (lihat skm --help).`,
  missingValue: (opt: string) => `Opsi ${opt} memerlukan nilai.`,
  missingOption: (opt: string) => `Opsi ${opt} wajib diisi.`,
  badInteger: (opt: string, v: string, lo: number, hi: number) => `Opsi ${opt}: "${v}" harus bilangan bulat ${lo}–${hi}.`,
  badNumber: (opt: string, v: string) => `Opsi ${opt}: "${v}" bukan angka positif.`,
  badChoice: (opt: string, v: string, choices: string) => `Opsi ${opt}: "${v}" tidak dikenal; pilihan: ${choices}.`,
  fileNotFound: (path: string) => `Berkas tidak ditemukan: ${path}`,
  fileUnreadable: (path: string, reason: string) => `Berkas tidak dapat dibaca: ${path} (${reason})`,
  emptyFile: () => 'Berkas kosong: tidak ada baris judul maupun jawaban.',
  noDataRows: () => 'Berkas hanya berisi baris judul; tidak ada jawaban responden.',
  onlyBlanks: (cols: string) => `Semua sel ${cols} kosong: tidak ada jawaban untuk dihitung.`,
  utf16: () => 'Berkas tersimpan sebagai UTF-16. Simpan ulang sebagai "CSV UTF-8" (di Excel: Simpan Sebagai → CSV UTF-8).',
  invalidUtf8: (p: Place) => `${at('id', p)}berkas bukan teks UTF-8 yang sah. Simpan ulang sebagai "CSV UTF-8".`,
  oldXls: () => 'Format .xls lama tidak didukung. Simpan ulang sebagai .xlsx atau CSV UTF-8.',
  xlsxUnreadable: (reason: string) => `Berkas XLSX tidak dapat dibaca: ${reason}`,
  wrongDelimiter: (p: Place) => `${at('id', p)}pemisah kolom tidak dikenali. Gunakan koma (,) atau titik koma (;).`,
  noUColumns: (p: Place) => `${at('id', p)}tidak ada kolom U1, U2, … untuk nilai unsur.`,
  duplicateColumn: (p: Place) => `${at('id', p)}nama kolom muncul dua kali.`,
  missingColumn: (p: Place, need: string) => `${at('id', p)}kolom tidak ada; ${need}.`,
  extraColumn: (p: Place, need: string) => `${at('id', p)}kolom ini tidak termasuk templat; ${need}.`,
  templateNeeds: (template: string, k: number) => `templat ${template} memerlukan kolom U1–U${k}`,
  customNeeds: (k: number) => `kolom unsur harus berurutan U1–U${k}`,
  fieldCount: (p: Place, got: number, want: number) => `${at('id', p)}ada ${got} kolom, padahal baris judul ${want} kolom. Periksa pemisah dan tanda kutip.`,
  outOfRange: (p: Place, v: string) => `${at('id', p)}nilai "${v}" di luar rentang 1–4.`,
  notInteger: (p: Place, v: string) => `${at('id', p)}nilai "${v}" bukan bilangan bulat 1–4.`,
  notANumber: (p: Place, v: string) => `${at('id', p)}"${v}" bukan angka; isi 1–4 atau biarkan kosong.`,
  elementUnanswered: (p: Place) => `${at('id', p)}tidak ada satu pun jawaban untuk unsur ini, sehingga NRR-nya tidak terdefinisi.`,
  badOption: (detail: string) => `Opsi tidak sah: ${detail}`,
  internal: (detail: string) => `Kesalahan tak terduga: ${detail}`,
  // Report texts.
  title: () => 'Indeks Kepuasan Masyarakat (IKM)',
  template: () => 'Templat',
  file: () => 'Berkas',
  respondents: () => 'Responden',
  completeNote: (n: string) => `mengisi semua unsur: ${n}`,
  blankRowsNote: (n: string) => `baris tanpa jawaban dilewati: ${n}`,
  colCode: () => 'Kode',
  colName: () => 'Unsur',
  colAnswered: () => 'Dijawab',
  colTotal: () => 'Jumlah',
  colNrr: () => 'NRR',
  colWeighted: () => 'NRR tertimbang',
  colScore: () => 'Nilai',
  colGrade: () => 'Mutu',
  ikm: () => 'IKM (skala 1–4)',
  score: () => 'Nilai IKM (25–100)',
  grade: () => 'Mutu pelayanan',
  performance: () => 'Kinerja unit pelayanan',
  highest: () => 'Unsur tertinggi',
  lowest: () => 'Unsur terendah',
  target: () => 'Target',
  achievement: () => 'Capaian',
  capped: (cap: number) => `dibatasi ${cap}%`,
  sampleLine: () => 'Sampel minimum (Krejcie & Morgan)',
  population: () => 'Populasi',
  adequate: () => 'tercukupi',
  notAdequate: (n: string) => `belum tercukupi, kurang ${n} responden`,
  legacyNote: (parts: string) => `Catatan: dihitung dengan pembulatan cara lama (${parts}); perhitungan baku memakai presisi penuh.`,
  legacyWeight: (d: number, w: string) => `bobot dibulatkan ${d} desimal = ${w}`,
  legacyNrr: (d: number) => `NRR dibulatkan ${d} desimal`,
  legacyWeighted: (d: number) => `NRR tertimbang dibulatkan ${d} desimal`,
  exactNote: () => 'Bobot tiap unsur 1/k tepat; angka dibulatkan hanya untuk tampilan.',
  sampleFormula: () => 'rumus Krejcie & Morgan: λ² = 3,841; P = Q = 0,5; d = 0,05; dibulatkan ke bilangan bulat terdekat',
};

type Messages = { readonly [K in keyof typeof ID]: (typeof ID)[K] };

const EN: Messages = {
  usage: () =>
    [
      'Usage:',
      '  skm ikm --input answers.csv|answers.xlsx [--template permenpanrb-14-2017|kepmenpan-25-2004|stakeholder]',
      '          [--target 90] [--cap none|100|120] [--polarity higher|lower]',
      '          [--achievement-decimals N] [--achievement-rounding round|truncate]',
      '          [--weight-decimals N] [--nrr-decimals N] [--weighted-decimals N]',
      '          [--population N] [--json] [--lang id|en]',
      '  skm sample --population 1200 [--respondents N] [--json] [--lang id|en]',
      '',
      'File: first row is the header; columns U1…Uk hold scores 1–4 (empty = not answered);',
      'other columns are ignored. CSV separated by , or ; (UTF-8, BOM allowed) or XLSX.',
    ].join('\n'),
  unknownCommand: (cmd) => `Unknown command: "${cmd}". Use "skm ikm" or "skm sample" (see skm --help).`,
  unknownOption: (opt) => `Unknown option: ${opt} (see skm --help).`,
  missingValue: (opt) => `Option ${opt} needs a value.`,
  missingOption: (opt) => `Option ${opt} is required.`,
  badInteger: (opt, v, lo, hi) => `Option ${opt}: "${v}" must be a whole number ${lo}–${hi}.`,
  badNumber: (opt, v) => `Option ${opt}: "${v}" is not a positive number.`,
  badChoice: (opt, v, choices) => `Option ${opt}: "${v}" is not recognised; choose from: ${choices}.`,
  fileNotFound: (path) => `File not found: ${path}`,
  fileUnreadable: (path, reason) => `File cannot be read: ${path} (${reason})`,
  emptyFile: () => 'The file is empty: no header row and no answers.',
  noDataRows: () => 'The file has only a header row; there are no respondent answers.',
  onlyBlanks: (cols) => `Every cell in ${cols} is empty: there are no answers to compute.`,
  utf16: () => 'The file is saved as UTF-16. Save it again as "CSV UTF-8" (in Excel: Save As → CSV UTF-8).',
  invalidUtf8: (p) => `${at('en', p)}the file is not valid UTF-8 text. Save it again as "CSV UTF-8".`,
  oldXls: () => 'The old .xls format is not supported. Save it again as .xlsx or CSV UTF-8.',
  xlsxUnreadable: (reason) => `The XLSX file cannot be read: ${reason}`,
  wrongDelimiter: (p) => `${at('en', p)}column separator not recognised. Use a comma (,) or a semicolon (;).`,
  noUColumns: (p) => `${at('en', p)}there are no columns U1, U2, … for element scores.`,
  duplicateColumn: (p) => `${at('en', p)}this column name appears twice.`,
  missingColumn: (p, need) => `${at('en', p)}column missing; ${need}.`,
  extraColumn: (p, need) => `${at('en', p)}this column is not part of the template; ${need}.`,
  templateNeeds: (template, k) => `template ${template} needs columns U1–U${k}`,
  customNeeds: (k) => `element columns must run U1–U${k} without gaps`,
  fieldCount: (p, got, want) => `${at('en', p)}${got} fields, but the header has ${want}. Check the separator and quotes.`,
  outOfRange: (p, v) => `${at('en', p)}value "${v}" is outside 1–4.`,
  notInteger: (p, v) => `${at('en', p)}value "${v}" is not a whole number 1–4.`,
  notANumber: (p, v) => `${at('en', p)}"${v}" is not a number; enter 1–4 or leave it empty.`,
  elementUnanswered: (p) => `${at('en', p)}nobody answered this element, so its NRR is undefined.`,
  badOption: (detail) => `Invalid option: ${detail}`,
  internal: (detail) => `Unexpected error: ${detail}`,
  title: () => 'Community Satisfaction Index (IKM)',
  template: () => 'Template',
  file: () => 'File',
  respondents: () => 'Respondents',
  completeNote: (n) => `answered every element: ${n}`,
  blankRowsNote: (n) => `rows without answers skipped: ${n}`,
  colCode: () => 'Code',
  colName: () => 'Element',
  colAnswered: () => 'Answered',
  colTotal: () => 'Total',
  colNrr: () => 'NRR',
  colWeighted: () => 'Weighted NRR',
  colScore: () => 'Score',
  colGrade: () => 'Grade',
  ikm: () => 'IKM (1–4 scale)',
  score: () => 'IKM score (25–100)',
  grade: () => 'Service quality',
  performance: () => 'Unit performance',
  highest: () => 'Highest element',
  lowest: () => 'Lowest element',
  target: () => 'Target',
  achievement: () => 'Achievement',
  capped: (cap) => `capped at ${cap}%`,
  sampleLine: () => 'Minimum sample (Krejcie & Morgan)',
  population: () => 'Population',
  adequate: () => 'reached',
  notAdequate: (n) => `not reached, ${n} respondents short`,
  legacyNote: (parts) => `Note: computed with legacy rounding (${parts}); the standard computation uses full precision.`,
  legacyWeight: (d, w) => `weight rounded to ${d} decimals = ${w}`,
  legacyNrr: (d) => `NRR rounded to ${d} decimals`,
  legacyWeighted: (d) => `weighted NRR rounded to ${d} decimals`,
  exactNote: () => 'Each element weighs exactly 1/k; figures are rounded for display only.',
  sampleFormula: () => 'Krejcie & Morgan formula: λ² = 3.841; P = Q = 0.5; d = 0.05; rounded to the nearest whole number',
};

/** The message table for a language. */
export function messages(lang: Lang): Messages {
  return lang === 'en' ? EN : ID;
}

export type { Messages };
