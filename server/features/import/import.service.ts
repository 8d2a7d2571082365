/**
 * Importing answers collected elsewhere, as a use case:
 *   upload  → the file is kept with a suggested column mapping (nothing imported)
 *   preview → every row checked (a dry run): row-level errors, unknown answer texts
 *   mapping → the admin corrects the mapping and decides on unknown texts
 *   commit  → only when every row is valid, or the admin explicitly skips the invalid ones:
 *             the valid rows go through the response pipeline (server/responses: stored and
 *             counted exactly once, source "import"); rows already imported from an earlier
 *             download are left out; the audit log records it.
 */
import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { bytesOf } from '../../lib/binary';
import { sweepExpired } from '../../db/sweep';
import { ImportBatch, ImportFile, type ImportBatchDoc } from '../../../models/import-batch';
import type { SurveyDoc } from '../../../models/survey';
import { AppError, BadRequest, Conflict, Invalid, NotFound } from '../../errors';
import type { CurrentUser } from '../../access';
import { TableReadError } from '../../lib/read-table';
import { periodOfMonth, storeResponses, type NewResponse, type StoreOutcome } from '../../responses';
import { recordAudit } from '../audit';
import { manageableSurvey } from '../../access';
import { formProfileQuestions, profileQuestionsFor } from '../survey-form';
import {
  checkRows,
  decisionKey,
  detectLayout,
  instantOf,
  MAX_CELL_CHARS,
  MAX_COLUMNS,
  MAX_ROWS,
  readTable,
  rowFingerprints,
  suggestMapping,
  type CheckResult,
  type DateOrder,
  type Decisions,
  type MappableSurvey,
  type PrefixRule,
  type Table,
  type Target,
} from './import.mapping';

export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** The survey as the import needs it: elements, services, the profile questions the form asks. */
export function mappableSurvey(survey: SurveyDoc): MappableSurvey {
  return {
    elements: survey.elements.map((e) => ({
      key: e.key,
      code: e.code,
      name: e.name ?? { id: e.key, en: e.key },
      question: e.question ?? { id: '', en: '' },
      labels: { id: e.labels?.id ?? [], en: e.labels?.en ?? [] },
    })),
    services: survey.services.map((s) => ({ key: s.key, name: s.name ?? null })),
    profile: profileQuestionsFor(formProfileQuestions(survey.profileQuestions ?? [])),
    period: survey.period,
  };
}

/** The first day of the survey's period, as the date of rows without a timestamp. */
function periodStart(p: SurveyDoc['period']): string {
  const month = p.month ?? (p.quarter ? (p.quarter - 1) * 3 + 1 : p.semester === 2 ? 7 : 1);
  return `${p.year}-${String(month).padStart(2, '0')}-01`;
}

type UploadErrorKey =
  | 'imp.err.noFile'
  | 'imp.err.tooLarge'
  | 'imp.err.unreadable'
  | 'imp.err.empty'
  | 'imp.err.tooManyRows'
  | 'imp.err.tooManyColumns'
  | 'imp.err.cellTooLong'
  | 'imp.err.tooLargeUnpacked';

/** An error of the upload form, shown beside the file field (422). */
export class UploadInvalid extends Invalid {
  constructor(key: UploadErrorKey, params: Record<string, string | number> = {}) {
    super({ file: { key, params } });
  }
}

async function tableOf(data: Buffer): Promise<Table> {
  try {
    return await readTable(data);
  } catch (e) {
    if (!(e instanceof TableReadError)) throw e;
    const row = e.row ?? 1;
    switch (e.code) {
      case 'empty':
        throw new UploadInvalid('imp.err.empty');
      case 'tooManyRows':
        throw new UploadInvalid('imp.err.tooManyRows', { max: MAX_ROWS });
      case 'tooManyColumns':
        throw new UploadInvalid('imp.err.tooManyColumns', { max: MAX_COLUMNS, row });
      case 'cellTooLong':
        throw new UploadInvalid('imp.err.cellTooLong', { max: MAX_CELL_CHARS, row });
      case 'tooLargeUnpacked':
        throw new UploadInvalid('imp.err.tooLargeUnpacked');
      default:
        throw new UploadInvalid('imp.err.unreadable', { reason: e.message.slice(0, 200) });
    }
  }
}

/** How long an upload that was never imported is kept. */
export const BATCH_TTL_MS = 24 * 3600 * 1000;
/** An import attempt that has not finished after this long may be resumed by another. */
export const IMPORT_LEASE_MS = 10 * 60 * 1000;
const SWEEP_EVERY_MS = 10 * 60 * 1000;
const SWEEP_BATCH = 20;
let lastSweep = 0;

/**
 * Removes uploads left as drafts for more than a day after their last change, at most 20 per call (small batches: the
 * embedded engine has no TTL index), with their files. Returns how many were removed.
 */
export async function sweepAbandonedBatches(now: Date = new Date()): Promise<number> {
  lastSweep = now.getTime();
  return sweepExpired(
    ImportBatch.collection,
    { status: 'draft', expiresAt: { $lt: now } },
    { batch: SWEEP_BATCH, maxBatches: 1, onBatch: async (ids) => void (await ImportFile.collection.deleteMany({ _id: { $in: ids } })) },
  );
}

/** Stores an uploaded file with a suggested mapping. Nothing is imported. */
export async function createBatch(
  user: CurrentUser,
  surveyId: string,
  file: { buffer: Buffer; originalname: string } | undefined,
  now: Date = new Date(),
): Promise<ImportBatchDoc> {
  const survey = await manageableSurvey(user, surveyId);
  if (!file || file.buffer.length === 0) throw new UploadInvalid('imp.err.noFile');
  if (file.buffer.length > MAX_FILE_BYTES) throw new UploadInvalid('imp.err.tooLarge');
  if (now.getTime() - lastSweep >= SWEEP_EVERY_MS) await sweepAbandonedBatches(now);
  const table = await tableOf(file.buffer);
  const ms = mappableSurvey(survey);
  const layout = detectLayout(table.header, ms.elements.length);
  const mapping = suggestMapping(table.header, ms);
  const ts = mapping.indexOf('timestamp');
  // Google Forms in English and Microsoft Forms write month/day; "Cap waktu" (Indonesian) day/month.
  const tsHeader = ts >= 0 ? table.header[ts]!.toLowerCase() : '';
  const dateOrder: DateOrder = /timestamp|completion time|start time/.test(tsHeader) ? 'mdy' : 'dmy';
  const batch = new ImportBatch({
    surveyId: survey._id,
    createdBy: new Types.ObjectId(user.id),
    fileName: file.originalname.slice(0, 255),
    fileHash: crypto.createHash('sha256').update(file.buffer).digest('base64url'),
    layout,
    mapping,
    decisions: {},
    dateOrder,
    defaultDate: ts >= 0 ? '' : periodStart(survey.period),
    defaultService: '',
    expiresAt: new Date(now.getTime() + BATCH_TTL_MS),
  });
  await ImportFile.create({ _id: batch._id, data: file.buffer });
  await batch.save();
  return batch.toObject() as ImportBatchDoc;
}

export interface Preview {
  survey: SurveyDoc;
  batch: ImportBatchDoc;
  table: Table;
  mappable: MappableSurvey;
  check: CheckResult;
  /** Mapping problems that block the import (message keys with params). */
  problems: { key: 'imp.err.noElements' | 'imp.err.duplicateTarget'; params?: Record<string, string> }[];
}

async function loadBatch(user: CurrentUser, surveyId: string, batchId: string): Promise<{ survey: SurveyDoc; batch: ImportBatchDoc }> {
  const survey = await manageableSurvey(user, surveyId);
  if (!/^[A-Za-z0-9_-]{22}$/.test(batchId)) throw new NotFound('imp.expired');
  // By _id alone (the embedded engine reads only _id lookups directly), then checked.
  const batch = await ImportBatch.findById(batchId, { fingerprints: 0 }).lean<ImportBatchDoc>();
  if (!batch || !batch.surveyId.equals(survey._id)) throw new NotFound('imp.expired');
  return { survey, batch };
}

/**
 * The fingerprints of rows already imported into the survey, from its earlier batches (a small
 * collection: files live elsewhere).
 */
async function importedFingerprints(surveyId: Types.ObjectId, exceptBatch: string): Promise<Set<string>> {
  const done = await ImportBatch.find({ surveyId, status: 'imported' }, { fingerprints: 1 }).lean();
  const out = new Set<string>();
  for (const b of done) if (b._id !== exceptBatch) for (const f of b.fingerprints ?? []) out.add(f);
  return out;
}

/** Row fingerprints; a row without a timestamp is recognised only in the very same file. */
async function fingerprintsOf(table: Table, mapping: readonly Target[], survey: SurveyDoc, batch: ImportBatchDoc): Promise<string[]> {
  return (await rowFingerprints(table, mapping, String(survey._id))).map((f, i) => f ?? `file:${batch.fileHash}:${table.rows[i]!.row}`);
}

function mappingProblems(header: readonly string[], mapping: readonly Target[]): Preview['problems'] {
  const problems: Preview['problems'] = [];
  if (!mapping.some((t) => t.startsWith('el:'))) problems.push({ key: 'imp.err.noElements' });
  const seen = new Map<Target, number>();
  mapping.forEach((t, i) => {
    if (t === 'ignore') return;
    const first = seen.get(t);
    if (first !== undefined) problems.push({ key: 'imp.err.duplicateTarget', params: { a: header[first] ?? '', b: header[i] ?? '' } });
    else seen.set(t, i);
  });
  return problems;
}

/** The dry run: every row checked with the batch's mapping and decisions. Stores nothing. */
export async function previewBatch(user: CurrentUser, surveyId: string, batchId: string): Promise<Preview> {
  const { survey, batch } = await loadBatch(user, surveyId, batchId);
  const file = await ImportFile.findById(batch._id).lean();
  if (!file) {
    if (batch.status === 'imported') throw new Conflict('imp.alreadyImported');
    throw new NotFound('imp.expired');
  }
  const table = await tableOf(bytesOf(file.data));
  const mappable = mappableSurvey(survey);
  const mapping = table.header.map((_, i) => batch.mapping[i] ?? 'ignore');
  const fingerprints = await fingerprintsOf(table, mapping, survey, batch);
  const check = await checkRows(
    table,
    mapping,
    (batch.decisions ?? {}) as Decisions,
    mappable,
    {
      dateOrder: batch.dateOrder as DateOrder,
      defaultDate: batch.defaultDate,
      defaultService: batch.defaultService,
      prefixRule: (batch.prefixRule ?? 'ask') as PrefixRule,
      imported: await importedFingerprints(survey._id, batch._id),
      includeImported: batch.includeImported ?? false,
    },
    fingerprints,
  );
  return { survey, batch: { ...batch, mapping }, table, mappable, check, problems: mappingProblems(table.header, mapping) };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Saves the mapping, the decisions on unknown texts and the options from the preview form. */
export async function saveMapping(user: CurrentUser, surveyId: string, batchId: string, body: Record<string, unknown>, now: Date = new Date()): Promise<void> {
  const { survey, batch } = await loadBatch(user, surveyId, batchId);
  if (batch.status !== 'draft') throw new Conflict('imp.alreadyImported');
  const ms = mappableSurvey(survey);
  const allowed = new Set<Target>([
    'ignore',
    'timestamp',
    'suggestion',
    ...(ms.services.length ? ['service'] : []),
    ...ms.elements.map((e) => `el:${e.key}`),
    ...ms.profile.map((p) => `pf:${p.key}`),
  ]);
  const width = batch.mapping.length;
  const mapping: Target[] = [];
  for (let i = 0; i < width; i++) {
    const v = body[`col_${i}`];
    mapping.push(typeof v === 'string' && allowed.has(v) ? v : (batch.mapping[i] ?? 'ignore'));
  }
  // Decisions: fields d_<columns>_<hex of the normalized text> = "1".."4" | "blank" | option key | "",
  // where <columns> lists the columns sharing the text ("3.7.9": elements with the same labels);
  // s_<columns>_<hex> = "all" (default) applies it to all of them, or one column number to that one.
  const decisions: Decisions = { ...((batch.decisions ?? {}) as Decisions) };
  for (const [name, value] of Object.entries(body)) {
    const m = /^d_(\d{1,3}(?:\.\d{1,3}){0,199})_([0-9a-f]{1,400})$/.exec(name);
    if (!m || typeof value !== 'string') continue;
    const text = Buffer.from(m[2]!, 'hex').toString('utf8');
    // A NUL cannot be part of a stored field name (the decision's key): a clear 400, not a driver error.
    if (text.includes('\0')) throw new BadRequest('error.nulByte');
    if (decisionKey(text) !== text && !/^#[0-9a-f]{16}$/.test(text)) continue; // only keys the preview itself wrote
    const listed = m[1]!.split('.').filter((c) => Number(c) < width);
    const scope = body[`s_${m[1]}_${m[2]}`];
    const cols = typeof scope === 'string' && listed.includes(scope) ? [scope] : listed;
    for (const col of cols) {
      const forCol = { ...(decisions[col] ?? {}) };
      if (value === '') delete forCol[text];
      else if (/^([1-4]|blank|[a-z0-9][a-z0-9_-]{0,59})$/.test(value)) forCol[text] = value;
      decisions[col] = forCol;
    }
  }
  const prefixRule = ['ask', 'label', 'number'].includes(String(body.prefixRule)) ? String(body.prefixRule) : (batch.prefixRule ?? 'ask');
  // The checkbox follows a hidden "0" of the same name: checked sends both.
  const inc = body.includeImported;
  const includeImported = inc === undefined ? (batch.includeImported ?? false) : Array.isArray(inc) ? inc.includes('1') : inc === '1';
  const dateOrder = ['dmy', 'mdy', 'ymd'].includes(String(body.dateOrder)) ? String(body.dateOrder) : batch.dateOrder;
  const defaultDate = typeof body.defaultDate === 'string' && (body.defaultDate === '' || DATE.test(body.defaultDate)) ? body.defaultDate : batch.defaultDate;
  const defaultService =
    typeof body.defaultService === 'string' && (body.defaultService === '' || ms.services.some((s) => s.key === body.defaultService))
      ? body.defaultService
      : batch.defaultService;
  await ImportBatch.updateOne(
    { _id: batch._id, status: 'draft' },
    { $set: { mapping, decisions, prefixRule, includeImported, dateOrder, defaultDate, defaultService, expiresAt: new Date(now.getTime() + BATCH_TTL_MS) } },
  );
}

/** The import refused: some rows are invalid and the admin did not choose to skip them. */
export class MustSkip extends AppError {
  constructor(n: number) {
    super(422, 'invalid_rows', 'imp.mustSkip', { n });
  }
}

/**
 * The valid rows of a batch as the response pipeline takes them. The key of a row is its
 * fingerprint (scope "import"), so a retried or resumed commit, or a later download of the same
 * export, maps each row to the same response and never stores it twice; a row imported again on
 * purpose ("include rows already imported") gets a key of this batch instead.
 */
export function importResponses(batch: string, rows: CheckResult['valid']): NewResponse[] {
  return rows.map((r) => ({
    key: r.fingerprint === null || r.alreadyImported ? `${batch}:${r.row}` : r.fingerprint,
    submittedAt: instantOf(r.time),
    period: periodOfMonth(r.time.year, r.time.month),
    service: r.service,
    answers: r.answers,
    profile: r.profile,
    suggestion: r.suggestion,
    source: 'import',
  }));
}

/**
 * Imports the valid rows (all rows must be valid unless `skipInvalid`) through the one response
 * pipeline (server/responses: stored and counted exactly once), resumably (issue 10):
 *   1. the batch is claimed (`importing`, with the time): a second click gets 409 while it runs;
 *   2. every row is stored under its key (see importResponses);
 *   3. if storing fails (the database went away), the batch returns to draft and the next commit
 *      completes it: what was stored stays stored, counted once, and is not stored again. An
 *      attempt that died before it could return the batch is taken over after the lease.
 */
export async function commitBatch(
  user: CurrentUser,
  surveyId: string,
  batchId: string,
  skipInvalid: boolean,
  now: Date = new Date(),
): Promise<{ imported: number; skipped: number }> {
  const p = await previewBatch(user, surveyId, batchId);
  const status = p.batch.status;
  if (status === 'imported') throw new Conflict('imp.alreadyImported');
  const since = p.batch.importingSince ? new Date(p.batch.importingSince).getTime() : null;
  if (status !== 'draft' && since !== null && now.getTime() - since < IMPORT_LEASE_MS) throw new Conflict('imp.inProgress');
  if (p.problems.length > 0) throw new AppError(422, 'invalid_mapping', p.problems[0]!.key, p.problems[0]!.params ?? {});
  if (status === 'draft' && p.check.invalidRows > 0 && !skipInvalid) throw new MustSkip(p.check.invalidRows);
  if (p.check.valid.length === 0) throw new AppError(422, 'nothing_valid', 'imp.nothingValid');
  // One import per batch, even when the button is pressed twice.
  const claimed = await ImportBatch.updateOne(
    { _id: p.batch._id, status, importingSince: p.batch.importingSince ?? null },
    { $set: { status: 'importing', importingSince: now } },
  );
  if (claimed.modifiedCount !== 1) throw new Conflict('imp.inProgress');

  const survey = p.survey;
  const batch = String(p.batch._id);
  let outcomes: StoreOutcome[];
  try {
    outcomes = await storeResponses(survey, 'import', importResponses(batch, p.check.valid));
  } catch (e) {
    await ImportBatch.updateOne({ _id: batch, status: 'importing' }, { $set: { status: 'draft', importingSince: null } }).catch(() => undefined);
    throw e;
  }
  // "already-stored": stored by an earlier attempt of this batch. "key-reused": the same row came
  // with other answers in an earlier import (decided differently): left as it was.
  const imported = outcomes.filter((o) => o !== 'key-reused').length;
  const skipped = p.check.invalidRows + (outcomes.length - imported);
  const alreadyImported = p.check.alreadyImported.length;
  await ImportBatch.updateOne(
    { _id: batch },
    {
      $set: {
        status: 'imported',
        imported,
        skipped,
        alreadyImported,
        fingerprints: p.check.valid.map((r) => r.fingerprint).filter((f): f is string => f !== null),
      },
    },
  );
  await ImportFile.deleteOne({ _id: batch });
  await recordAudit({
    actor: { id: user.id, email: user.email, name: user.name },
    action: 'survey.import',
    target: { kind: 'survey', id: survey._id, label: survey.title },
    after: { file: p.batch.fileName, layout: p.batch.layout, imported, skipped, alreadyImported },
  });
  return { imported, skipped };
}
