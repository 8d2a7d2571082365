/**
 * The demo story's responses, generated deterministically (a seeded PRNG, no clock, no
 * Math.random): the same database every time.
 *
 * How the 2022 index comes out at exactly 92,26: every one of the 1,250 respondents answers
 * all 9 elements, so IKM = 25 × (Σ all scores) ÷ (9 × 1,250). The per-element score totals
 * below add up to 41,517, and 25 × 41,517 ÷ 11,250 = 92,26 exactly. Each element's total is
 * turned into counts of 1s, 2s, 3s and 4s (`countsForTotal`), and each element's scores are
 * shuffled over the respondents. The figures themselves are computed by server/ikm from the
 * stored responses (a test asserts 92,26 / A / capaian 102,51%), never written anywhere.
 *
 * The two highest elements are courtesy of staff (keramahan, 4,800 → NRR 3,84) and freedom
 * from levies and gratuities (bebas-pungutan, 4,850 → 3,88); the lowest is complaint
 * handling (pengaduan, 4,450 → 3,56), which is where the directorate's improvement plan starts.
 */
import { prng } from '../../lib/prng';

export interface DemoPeriod {
  year: number;
  respondents: number;
  /** Σ scores per element key (stakeholder template order). */
  totals: Record<string, number>;
  seed: number;
}

export const DEMO_2022: DemoPeriod = {
  year: 2022,
  respondents: 1250,
  totals: {
    persyaratan: 4600,
    prosedur: 4550,
    waktu: 4475,
    'bebas-pungutan': 4850,
    produk: 4575,
    kompetensi: 4650,
    keramahan: 4800,
    sarpras: 4567,
    pengaduan: 4450,
  },
  seed: 20221,
};

/** 2021, for the trend: Σ 32,004 over 1,000 respondents → 88,90 (A). */
export const DEMO_2021: DemoPeriod = {
  year: 2021,
  respondents: 1000,
  totals: {
    persyaratan: 3560,
    prosedur: 3500,
    waktu: 3420,
    'bebas-pungutan': 3760,
    produk: 3540,
    kompetensi: 3600,
    keramahan: 3720,
    sarpras: 3480,
    pengaduan: 3424,
  },
  seed: 20211,
};

/**
 * Counts [n1, n2, n3, n4] of n answers summing to `total`: the points missing from all-4s
 * (5 % of them as 1s, 15 % as 2s, the rest as 3s).
 */
export function countsForTotal(total: number, n: number): [number, number, number, number] {
  const deficit = 4 * n - total;
  if (deficit < 0 || total < n) throw new Error(`total ${total} impossible for ${n} answers`);
  const c1 = Math.floor((deficit * 0.05) / 3);
  const c2 = Math.floor((deficit * 0.15) / 2);
  const c3 = deficit - 3 * c1 - 2 * c2;
  const c4 = n - c1 - c2 - c3;
  if (c3 < 0 || c4 < 0) throw new Error(`total ${total} cannot be spread over ${n} answers`);
  return [c1, c2, c3, c4];
}

function shuffle<T>(xs: T[], rnd: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/** Picks from weighted choices. */
function weighted<T extends string>(rnd: () => number, choices: readonly (readonly [T, number])[]): T {
  const sum = choices.reduce((s, [, w]) => s + w, 0);
  let x = rnd() * sum;
  for (const [v, w] of choices) {
    x -= w;
    if (x < 0) return v;
  }
  return choices[choices.length - 1]![0];
}

const SERVICES = [
  ['konsultasi', 40],
  ['data', 36],
  ['bimtek', 24],
] as const;
const GENDER = [
  ['l', 54],
  ['p', 46],
] as const;
const AGE = [
  ['u20', 2],
  ['20-29', 18],
  ['30-39', 34],
  ['40-49', 28],
  ['50-59', 15],
  ['60plus', 3],
] as const;
const EDUCATION = [
  ['sma', 10],
  ['diploma', 9],
  ['s1', 51],
  ['s2', 26],
  ['s3', 4],
] as const;
const OCCUPATION = [
  ['pns', 46],
  ['swasta', 18],
  ['wirausaha', 6],
  ['pelajar', 4],
  ['lainnya', 26],
] as const;

export const DEMO_SUGGESTIONS: readonly string[] = [
  'Mohon persyaratan layanan diumumkan lebih awal di situs web direktorat.',
  'Waktu tanggapan permintaan data bisa dipercepat, terutama menjelang akhir tahun.',
  'Petugas sangat ramah dan membantu. Terima kasih.',
  'Perlu kanal pengaduan daring yang menampilkan status tindak lanjutnya.',
  'Bimbingan teknis sebaiknya juga tersedia secara daring untuk daerah yang jauh.',
  'Alur permohonan data perlu disederhanakan; formulirnya terlalu panjang.',
  'Pelayanan sudah baik dan tidak ada pungutan apa pun. Pertahankan.',
  'Jadwal konsultasi teknis sebaiknya bisa dipesan lewat aplikasi.',
  'Materi bimtek agar dibagikan sebelum kegiatan dimulai.',
  'Mohon hasil pengaduan diinformasikan kembali kepada pelapor.',
];

/** One generated response (the seed adds keys; the pipeline files it under its month in WIB). */
export interface DemoResponse {
  service: string;
  answers: { k: string; v: number }[];
  profile: Record<string, string>;
  suggestion: string;
  submittedAt: Date;
}

/** The responses of one demo period, elements in `keys` order. */
export function demoResponses(period: DemoPeriod, keys: readonly string[]): DemoResponse[] {
  const rnd = prng(period.seed);
  const n = period.respondents;
  const columns = keys.map((k) => {
    const total = period.totals[k];
    if (total === undefined) throw new Error(`no demo total for element ${k}`);
    const [c1, c2, c3, c4] = countsForTotal(total, n);
    const scores = [...Array<number>(c1).fill(1), ...Array<number>(c2).fill(2), ...Array<number>(c3).fill(3), ...Array<number>(c4).fill(4)];
    return shuffle(scores, rnd);
  });
  const out: DemoResponse[] = [];
  for (let i = 0; i < n; i++) {
    // Responses spread over the year, a little busier in the second half (year-end reporting).
    const month = Math.min(12, 1 + Math.floor(Math.sqrt(rnd()) * 12));
    const day = 1 + Math.floor(rnd() * 28);
    const hour = 8 + Math.floor(rnd() * 8); // 08.00–16.00 WIB
    const profile: Record<string, string> = {
      gender: weighted(rnd, GENDER),
      age: weighted(rnd, AGE),
      education: weighted(rnd, EDUCATION),
      occupation: weighted(rnd, OCCUPATION),
    };
    const suggestion = rnd() < 0.12 ? DEMO_SUGGESTIONS[Math.floor(rnd() * DEMO_SUGGESTIONS.length)]! : '';
    out.push({
      service: weighted(rnd, SERVICES),
      answers: keys.map((k, j) => ({ k, v: columns[j]![i]! })),
      profile,
      suggestion,
      submittedAt: new Date(Date.UTC(period.year, month - 1, day, hour - 7, Math.floor(rnd() * 60))),
    });
  }
  return out;
}
