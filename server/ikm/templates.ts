/**
 * Element sets (templates): the survey elements (unsur), their questions and answer labels.
 *
 * Every element has a stable key, because sources disagree on the order of the last two
 * elements of PermenPANRB 14/2017 (reference 2.2, "Order discrepancy"); nothing in the method
 * depends on an element's position. The array order is the questionnaire order, which gives
 * the column codes U1…Uk (reference 2.3).
 */
import type { GradeTableId } from './grades';

/** Supported display languages; Bahasa Indonesia is the source. */
export type Lang = 'id' | 'en';

/** A text in Bahasa Indonesia and English. */
export interface LocalizedText {
  readonly id: string;
  readonly en: string;
}

/** The four answer labels for scores 1 (worst) … 4 (best), in that order (reference 2.3). */
export type AnswerLabels = readonly [LocalizedText, LocalizedText, LocalizedText, LocalizedText];

/** One survey element (unsur). */
export interface ElementDefinition {
  /** Stable identifier, e.g. `persyaratan`; lower-case letters, digits and hyphens. */
  readonly key: string;
  readonly name: LocalizedText;
  readonly question: LocalizedText;
  readonly labels: AnswerLabels;
}

/** The built-in templates. */
export type TemplateId = 'permenpanrb-14-2017' | 'kepmenpan-25-2004' | 'stakeholder';

/** An ordered set of k ≥ 1 equally weighted elements, graded with one grade table. */
export interface ElementSet {
  readonly id: TemplateId | 'custom';
  readonly name: LocalizedText;
  readonly gradeTable: GradeTableId;
  readonly elements: readonly ElementDefinition[];
}

const t = (id: string, en: string): LocalizedText => ({ id, en });

function labels(...pairs: [string, string][]): AnswerLabels {
  if (pairs.length !== 4) throw new Error('an element needs exactly four answer labels');
  const [a, b, c, d] = pairs.map(([id, en]) => t(id, en)) as [LocalizedText, LocalizedText, LocalizedText, LocalizedText];
  return [a, b, c, d];
}

function el(key: string, name: LocalizedText, question: LocalizedText, answerLabels: AnswerLabels): ElementDefinition {
  return { key, name, question, labels: answerLabels };
}

const q = (topicId: string, topicEn: string): LocalizedText => t(`Bagaimana pendapat Saudara tentang ${topicId}?`, `What is your opinion of ${topicEn}?`);

const SESUAI = labels(
  ['Tidak sesuai', 'Not appropriate'],
  ['Kurang sesuai', 'Less appropriate'],
  ['Sesuai', 'Appropriate'],
  ['Sangat sesuai', 'Very appropriate'],
);
const MUDAH = labels(['Tidak mudah', 'Not easy'], ['Kurang mudah', 'Less easy'], ['Mudah', 'Easy'], ['Sangat mudah', 'Very easy']);
const CEPAT = labels(['Tidak cepat', 'Not fast'], ['Kurang cepat', 'Less fast'], ['Cepat', 'Fast'], ['Sangat cepat', 'Very fast']);
const BIAYA = labels(['Sangat mahal', 'Very expensive'], ['Cukup mahal', 'Fairly expensive'], ['Murah', 'Cheap'], ['Gratis', 'Free']);
const KOMPETEN = labels(
  ['Tidak kompeten', 'Not competent'],
  ['Kurang kompeten', 'Less competent'],
  ['Kompeten', 'Competent'],
  ['Sangat kompeten', 'Very competent'],
);
const SOPAN = labels(
  ['Tidak sopan dan ramah', 'Not polite and friendly'],
  ['Kurang sopan dan ramah', 'Less polite and friendly'],
  ['Sopan dan ramah', 'Polite and friendly'],
  ['Sangat sopan dan ramah', 'Very polite and friendly'],
);
const SARPRAS = labels(['Buruk', 'Poor'], ['Cukup', 'Fair'], ['Baik', 'Good'], ['Sangat Baik', 'Very good']);
const PENGADUAN = labels(
  ['Tidak ada', 'Not available'],
  ['Ada tetapi tidak berfungsi', 'Available but not working'],
  ['Berfungsi kurang maksimal', 'Working, not at its best'],
  ['Dikelola dengan baik', 'Well managed'],
);
const BAIK = labels(['Tidak baik', 'Not good'], ['Kurang baik', 'Less good'], ['Baik', 'Good'], ['Sangat baik', 'Very good']);
const JELAS = labels(['Tidak jelas', 'Not clear'], ['Kurang jelas', 'Less clear'], ['Jelas', 'Clear'], ['Sangat jelas', 'Very clear']);
const DISIPLIN = labels(
  ['Tidak disiplin', 'Not disciplined'],
  ['Kurang disiplin', 'Less disciplined'],
  ['Disiplin', 'Disciplined'],
  ['Sangat disiplin', 'Very disciplined'],
);
const BERTANGGUNG = labels(
  ['Tidak bertanggung jawab', 'Not responsible'],
  ['Kurang bertanggung jawab', 'Less responsible'],
  ['Bertanggung jawab', 'Responsible'],
  ['Sangat bertanggung jawab', 'Very responsible'],
);
const MAMPU = labels(['Tidak mampu', 'Not capable'], ['Kurang mampu', 'Less capable'], ['Mampu', 'Capable'], ['Sangat mampu', 'Very capable']);
const ADIL = labels(['Tidak adil', 'Not fair'], ['Kurang adil', 'Less fair'], ['Adil', 'Fair'], ['Sangat adil', 'Very fair']);
const WAJAR = labels(['Tidak wajar', 'Not reasonable'], ['Kurang wajar', 'Less reasonable'], ['Wajar', 'Reasonable'], ['Sangat wajar', 'Very reasonable']);
const PASTI = labels(['Tidak pasti', 'Not certain'], ['Kurang pasti', 'Less certain'], ['Pasti', 'Certain'], ['Sangat pasti', 'Very certain']);
const NYAMAN = labels(
  ['Tidak nyaman', 'Not comfortable'],
  ['Kurang nyaman', 'Less comfortable'],
  ['Nyaman', 'Comfortable'],
  ['Sangat nyaman', 'Very comfortable'],
);
const AMAN = labels(['Tidak aman', 'Not safe'], ['Kurang aman', 'Less safe'], ['Aman', 'Safe'], ['Sangat aman', 'Very safe']);
const BEBAS = labels(
  ['Selalu ada pungutan', 'Levies always asked'],
  ['Sering ada pungutan', 'Levies often asked'],
  ['Jarang ada pungutan', 'Levies rarely asked'],
  ['Bebas pungutan', 'Free of levies'],
);

/** PermenPANRB 14/2017, questionnaire order U1…U9 (reference 2.2 and 2.3). */
const PERMENPANRB_14_2017: ElementSet = {
  id: 'permenpanrb-14-2017',
  name: t('PermenPANRB No. 14 Tahun 2017', 'PermenPANRB No. 14 of 2017'),
  gradeTable: 'permenpanrb-14-2017',
  elements: [
    el(
      'persyaratan',
      t('Persyaratan', 'Requirements'),
      q('kesesuaian persyaratan pelayanan dengan jenis pelayanannya', 'how well the service requirements fit the type of service'),
      SESUAI,
    ),
    el(
      'prosedur',
      t('Sistem, Mekanisme, dan Prosedur', 'Systems, mechanisms and procedures'),
      q('kemudahan prosedur pelayanan di unit ini', 'how easy the service procedure at this unit is'),
      MUDAH,
    ),
    el('waktu', t('Waktu Penyelesaian', 'Completion time'), q('kecepatan waktu dalam memberikan pelayanan', 'how fast the service is delivered'), CEPAT),
    el('biaya', t('Biaya/Tarif', 'Cost/fee'), q('kewajaran biaya/tarif dalam pelayanan', 'how reasonable the cost/fee of the service is'), BIAYA),
    el(
      'produk',
      t('Produk Spesifikasi Jenis Pelayanan', 'Product specification of the service type'),
      q(
        'kesesuaian produk pelayanan antara yang tercantum dalam standar pelayanan dengan hasil yang diberikan',
        'whether the product listed in the service standard matches what was delivered',
      ),
      SESUAI,
    ),
    el(
      'kompetensi',
      t('Kompetensi Pelaksana', 'Staff competence'),
      q('kompetensi/kemampuan petugas dalam pelayanan', 'the competence/ability of the staff'),
      KOMPETEN,
    ),
    el(
      'perilaku',
      t('Perilaku Pelaksana', 'Staff conduct'),
      q('perilaku petugas dalam pelayanan terkait kesopanan dan keramahan', 'the staff’s courtesy and friendliness'),
      SOPAN,
    ),
    el(
      'sarpras',
      t('Sarana dan Prasarana', 'Facilities and infrastructure'),
      q('kualitas sarana dan prasarana', 'the quality of the facilities and infrastructure'),
      SARPRAS,
    ),
    el(
      'pengaduan',
      t('Penanganan Pengaduan, Saran dan Masukan', 'Handling of complaints, suggestions and feedback'),
      q('penanganan pengaduan pengguna layanan', 'how complaints from service users are handled'),
      PENGADUAN,
    ),
  ],
};

/** KepmenPAN KEP/25/M.PAN/2/2004, the older 14 elements in the decree's order (reference 3.1). */
const KEPMENPAN_25_2004: ElementSet = {
  id: 'kepmenpan-25-2004',
  name: t('KepmenPAN KEP/25/M.PAN/2/2004', 'KepmenPAN KEP/25/M.PAN/2/2004'),
  gradeTable: 'kepmenpan-25-2004',
  elements: [
    el('prosedur', t('Prosedur pelayanan', 'Service procedure'), q('kemudahan prosedur pelayanan', 'how easy the service procedure is'), MUDAH),
    el(
      'persyaratan',
      t('Persyaratan pelayanan', 'Service requirements'),
      q('kesesuaian persyaratan pelayanan dengan jenis pelayanannya', 'how well the requirements fit the type of service'),
      SESUAI,
    ),
    el(
      'kejelasan-petugas',
      t('Kejelasan petugas pelayanan', 'Clarity of the service officer'),
      q('kejelasan dan kepastian petugas yang melayani', 'how clearly identified the serving officer is'),
      JELAS,
    ),
    el(
      'kedisiplinan',
      t('Kedisiplinan petugas pelayanan', 'Discipline of the service officers'),
      q('kedisiplinan petugas dalam memberikan pelayanan', 'the officers’ discipline in delivering the service'),
      DISIPLIN,
    ),
    el(
      'tanggung-jawab',
      t('Tanggung jawab petugas pelayanan', 'Responsibility of the service officers'),
      q('tanggung jawab petugas dalam memberikan pelayanan', 'the officers’ responsibility in delivering the service'),
      BERTANGGUNG,
    ),
    el(
      'kemampuan',
      t('Kemampuan petugas pelayanan', 'Ability of the service officers'),
      q('kemampuan petugas dalam memberikan pelayanan', 'the officers’ ability to deliver the service'),
      MAMPU,
    ),
    el('kecepatan', t('Kecepatan pelayanan', 'Speed of service'), q('kecepatan pelayanan di unit ini', 'the speed of service at this unit'), CEPAT),
    el(
      'keadilan',
      t('Keadilan mendapatkan pelayanan', 'Fairness in obtaining service'),
      q('keadilan untuk mendapatkan pelayanan di unit ini', 'fairness in obtaining service at this unit'),
      ADIL,
    ),
    el(
      'kesopanan',
      t('Kesopanan dan keramahan petugas', 'Courtesy and friendliness of the officers'),
      q('kesopanan dan keramahan petugas dalam memberikan pelayanan', 'the officers’ courtesy and friendliness'),
      SOPAN,
    ),
    el(
      'kewajaran-biaya',
      t('Kewajaran biaya pelayanan', 'Reasonableness of the service cost'),
      q('kewajaran biaya untuk mendapatkan pelayanan', 'how reasonable the cost of the service is'),
      WAJAR,
    ),
    el(
      'kepastian-biaya',
      t('Kepastian biaya pelayanan', 'Certainty of the service cost'),
      q('kesesuaian antara biaya yang dibayarkan dengan biaya yang telah ditetapkan', 'whether the cost paid matches the cost set'),
      PASTI,
    ),
    el(
      'kepastian-jadwal',
      t('Kepastian jadwal pelayanan', 'Certainty of the service schedule'),
      q('ketepatan pelaksanaan terhadap jadwal waktu pelayanan', 'whether the service keeps to its schedule'),
      PASTI,
    ),
    el(
      'kenyamanan',
      t('Kenyamanan lingkungan', 'Comfort of the surroundings'),
      q('kenyamanan di lingkungan unit pelayanan', 'the comfort of the service unit’s surroundings'),
      NYAMAN,
    ),
    el('keamanan', t('Keamanan pelayanan', 'Security of the service'), q('keamanan pelayanan di unit ini', 'the security of the service at this unit'), AMAN),
  ],
};

/**
 * Nine elements phrased for a directorate's stakeholders. It keeps the 9-element shape of
 * 14/2017 but replaces Biaya/Tarif with freedom from levies and gratuities and Perilaku with
 * courtesy and friendliness (reference 8.5). Graded with the 14/2017 table; it is a separate
 * template and never feeds the official 9-element IKM (reference 8.5, implementation advice).
 */
const STAKEHOLDER: ElementSet = {
  id: 'stakeholder',
  name: t('Survei Kepuasan Pemangku Kepentingan', 'Stakeholder satisfaction survey'),
  gradeTable: 'permenpanrb-14-2017',
  elements: [
    el(
      'persyaratan',
      t('Persyaratan layanan', 'Service requirements'),
      q('kejelasan dan kesesuaian persyaratan layanan direktorat', 'how clear and fitting the directorate’s service requirements are'),
      SESUAI,
    ),
    el(
      'prosedur',
      t('Sistem, mekanisme, dan prosedur', 'Systems, mechanisms and procedures'),
      q('kemudahan alur dan prosedur layanan direktorat', 'how easy the directorate’s service flow and procedure are'),
      MUDAH,
    ),
    el(
      'waktu',
      t('Ketepatan waktu layanan', 'Timeliness of the service'),
      q('kecepatan dan ketepatan waktu penyelesaian layanan', 'how fast and timely the service is completed'),
      CEPAT,
    ),
    el(
      'bebas-pungutan',
      t('Bebas pungutan dan gratifikasi', 'Free of levies and gratuities'),
      q('ada tidaknya pungutan, imbalan, atau gratifikasi di luar ketentuan', 'whether any levy, reward or gratuity outside the rules was asked'),
      BEBAS,
    ),
    el(
      'produk',
      t('Kualitas hasil layanan', 'Quality of the service output'),
      q('kesesuaian hasil layanan dengan kebutuhan Saudara', 'whether the service output met your needs'),
      SESUAI,
    ),
    el(
      'kompetensi',
      t('Kompetensi petugas', 'Staff competence'),
      q('kompetensi petugas dalam memahami dan menyelesaikan kebutuhan Saudara', 'the staff’s competence in understanding and meeting your needs'),
      KOMPETEN,
    ),
    el(
      'keramahan',
      t('Keramahan dan kesopanan petugas', 'Courtesy and friendliness of staff'),
      q('keramahan dan kesopanan petugas', 'the staff’s courtesy and friendliness'),
      SOPAN,
    ),
    el(
      'sarpras',
      t('Sarana dan prasarana', 'Facilities and infrastructure'),
      q('kualitas sarana dan prasarana layanan, termasuk layanan daring', 'the quality of the facilities, including online services'),
      SARPRAS,
    ),
    el(
      'pengaduan',
      t('Penanganan pengaduan, saran, dan masukan', 'Handling of complaints, suggestions and feedback'),
      q('penanganan pengaduan, saran, dan masukan oleh direktorat', 'how the directorate handles complaints, suggestions and feedback'),
      PENGADUAN,
    ),
  ],
};

const TEMPLATES: Readonly<Record<TemplateId, ElementSet>> = {
  'permenpanrb-14-2017': PERMENPANRB_14_2017,
  'kepmenpan-25-2004': KEPMENPAN_25_2004,
  stakeholder: STAKEHOLDER,
};

/** The ids of the built-in templates. */
export const TEMPLATE_IDS: readonly TemplateId[] = Object.keys(TEMPLATES) as TemplateId[];

/** True when `id` names a built-in template. */
export function isTemplateId(id: string): id is TemplateId {
  return Object.prototype.hasOwnProperty.call(TEMPLATES, id);
}

/** A built-in template by id. */
export function getTemplate(id: TemplateId): ElementSet {
  return TEMPLATES[id];
}

/** Generic answer labels for custom elements (1 Tidak baik … 4 Sangat baik; reference 2.3 notes). */
export const GENERIC_LABELS: AnswerLabels = BAIK;

/** Input for one element of a custom set; question and labels default to generic text. */
export interface CustomElementInput {
  readonly key: string;
  readonly name: LocalizedText;
  readonly question?: LocalizedText;
  readonly labels?: readonly LocalizedText[];
}

/** Thrown when a custom element set is not valid; `problems` lists every issue found. */
export class ElementSetError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid element set: ${problems.join('; ')}`);
    this.name = 'ElementSetError';
  }
}

const KEY_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

function nonEmpty(text: LocalizedText | undefined): boolean {
  return text !== undefined && text.id.trim() !== '' && text.en.trim() !== '';
}

/**
 * Builds and validates a custom element set: k ≥ 1 elements, unique keys matching
 * `[a-z0-9-]`, non-empty names in both languages and exactly four labels when given. All
 * elements weigh 1/k (the regulation's equal-weight rule, reference 2.5 and 4). Custom sets
 * are graded with the current 14/2017 table unless another is named.
 *
 * @throws ElementSetError listing every problem at once.
 */
export function customElementSet(elements: readonly CustomElementInput[], options: { name?: LocalizedText; gradeTable?: GradeTableId } = {}): ElementSet {
  const problems: string[] = [];
  if (elements.length < 1) problems.push('at least one element is required');
  const seen = new Set<string>();
  elements.forEach((e, i) => {
    const where = `element ${i + 1}`;
    if (!KEY_PATTERN.test(e.key)) problems.push(`${where}: key "${e.key}" must be lower-case letters, digits and hyphens`);
    else if (seen.has(e.key)) problems.push(`${where}: key "${e.key}" is used twice`);
    seen.add(e.key);
    if (!nonEmpty(e.name)) problems.push(`${where}: name needs text in id and en`);
    if (e.question !== undefined && !nonEmpty(e.question)) problems.push(`${where}: question needs text in id and en`);
    if (e.labels !== undefined && (e.labels.length !== 4 || !e.labels.every(nonEmpty))) {
      problems.push(`${where}: exactly four answer labels with text in id and en are required`);
    }
  });
  if (problems.length > 0) throw new ElementSetError(problems);
  return {
    id: 'custom',
    name: options.name ?? t('Set unsur khusus', 'Custom element set'),
    gradeTable: options.gradeTable ?? 'permenpanrb-14-2017',
    elements: elements.map((e) => ({
      key: e.key,
      name: e.name,
      question: e.question ?? q(e.name.id.toLowerCase(), e.name.en.toLowerCase()),
      labels: e.labels ? labels(...e.labels.map((l): [string, string] => [l.id, l.en])) : GENERIC_LABELS,
    })),
  };
}

/** A custom set of k generic elements `u1`…`uk` named "Unsur 1"… (used when only U-columns are known). */
export function genericElementSet(k: number): ElementSet {
  if (!Number.isInteger(k) || k < 1) throw new ElementSetError([`k must be an integer ≥ 1, got ${k}`]);
  return customElementSet(Array.from({ length: k }, (_, i) => ({ key: `u${i + 1}`, name: t(`Unsur ${i + 1}`, `Element ${i + 1}`) })));
}

/** The column code of the element at zero-based position `index`: U1, U2, … */
export function elementCode(index: number): string {
  return `U${index + 1}`;
}
