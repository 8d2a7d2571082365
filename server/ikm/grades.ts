/**
 * Grade (mutu) tables and performance labels (kinerja unit pelayanan).
 *
 * The published bands leave gaps between them (88,30 | 88,31). The rule used here (issue 3;
 * reference 2.6, "Classification rule"): round the converted score (25–100) half-up to two
 * decimals, then take the first band whose lower bound it reaches. So the printed score and its
 * grade always agree: 88,305 prints as 88,31 and is A.
 */
import { compare, fromDecimalString, fromInt, fromNumber, mul, roundTo, toNumber, type Rational } from './rational';
import type { LocalizedText } from './templates';

/** The grade tables available. */
export type GradeTableId = 'permenpanrb-14-2017' | 'kepmenpan-25-2004';

/** Service quality (mutu pelayanan). */
export type Grade = 'A' | 'B' | 'C' | 'D';

/** Performance of the service unit (kinerja unit pelayanan). */
export type Performance = 'sangat-baik' | 'baik' | 'kurang-baik' | 'tidak-baik';

/** One band: scores (25–100, rounded to 2 decimals) at or above `min` get `grade`. */
export interface GradeBand {
  readonly grade: Grade;
  /** Lower bound on the 25–100 scale as an exact decimal string, e.g. "88.31". */
  readonly min: string;
  readonly performance: Performance;
}

/** A grade table: bands from best to worst; the last band has min "25.00". */
export interface GradeTable {
  readonly id: GradeTableId;
  readonly name: LocalizedText;
  readonly bands: readonly GradeBand[];
}

/** Labels for the performance categories (reference 2.6, last column). */
export const PERFORMANCE_LABELS: Readonly<Record<Performance, LocalizedText>> = {
  'sangat-baik': { id: 'Sangat Baik', en: 'Very Good' },
  baik: { id: 'Baik', en: 'Good' },
  'kurang-baik': { id: 'Kurang Baik', en: 'Poor' },
  'tidak-baik': { id: 'Tidak Baik', en: 'Very Poor' },
};

const BANDS = (a: string, b: string, c: string): readonly GradeBand[] => [
  { grade: 'A', min: a, performance: 'sangat-baik' },
  { grade: 'B', min: b, performance: 'baik' },
  { grade: 'C', min: c, performance: 'kurang-baik' },
  { grade: 'D', min: '25.00', performance: 'tidak-baik' },
];

const TABLES: Readonly<Record<GradeTableId, GradeTable>> = {
  // Reference 2.6: D 25,00–64,99 · C 65,00–76,60 · B 76,61–88,30 · A 88,31–100,00.
  'permenpanrb-14-2017': {
    id: 'permenpanrb-14-2017',
    name: { id: 'PermenPANRB 14/2017', en: 'PermenPANRB 14/2017' },
    bands: BANDS('88.31', '76.61', '65.00'),
  },
  // Reference 3.3: D 25,00–43,75 · C 43,76–62,50 · B 62,51–81,25 · A 81,26–100,00.
  'kepmenpan-25-2004': {
    id: 'kepmenpan-25-2004',
    name: { id: 'KEP/25/M.PAN/2/2004', en: 'KEP/25/M.PAN/2/2004' },
    bands: BANDS('81.26', '62.51', '43.76'),
  },
};

/** A grade table by id. */
export function getGradeTable(id: GradeTableId): GradeTable {
  return TABLES[id];
}

/** The result of grading a score. */
export interface Classification {
  readonly grade: Grade;
  readonly performance: Performance;
  /** The score rounded half-up to 2 decimals, the value the grade was read from. */
  readonly rounded: number;
}

/** Grades an exact score (internal: used by compute with its exact rational). */
export function classifyExact(score: Rational, tableId: GradeTableId): Classification {
  const rounded = roundTo(score, 2, 'half-up');
  const bands = TABLES[tableId].bands;
  const band = bands.find((b) => compare(rounded, fromDecimalString(b.min)) >= 0) ?? bands[bands.length - 1]!;
  return { grade: band.grade, performance: band.performance, rounded: toNumber(rounded) };
}

/**
 * Grades a converted score (25–100) with a table: the score is rounded half-up to two
 * decimals first, so 88.30 → B, 88.305 → A, 88.31 → A, 64.99 → D, 65.00 → C (14/2017).
 * Scores below the lowest bound (invalid for the method) fall in the last band.
 */
export function classifyScore(score: number, tableId: GradeTableId): Classification {
  return classifyExact(fromNumber(score), tableId);
}

/** The grade of a score on the 1–4 scale (converted ×25 first, reference 2.6). */
export function classifyIkm(ikm: number, tableId: GradeTableId): Classification {
  return classifyExact(mul(fromNumber(ikm), fromInt(25)), tableId);
}

/** The label of a performance category in a language. */
export function performanceLabel(performance: Performance, lang: 'id' | 'en'): string {
  return PERFORMANCE_LABELS[performance][lang];
}
