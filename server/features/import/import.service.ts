/**
 * Importing answers collected elsewhere, as a use case:
 *   upload  → the file is kept with a suggested column mapping (nothing imported)
 *   preview → every row checked (a dry run): row-level errors, unknown answer texts
 *   mapping → the admin corrects the mapping and decides on unknown texts
 *   commit  → only when every row is valid, or the admin explicitly skips the invalid ones:
 *             the valid rows are stored as responses (source "import"), then counted into the
 *             dashboard's counters, the survey's response count, and the audit log.
 */
import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { ImportBatch, type ImportBatchDoc } from '../../../models/import-batch';
import { Response } from '../../../models/response';
import { Survey, type SurveyDoc } from '../../../models/survey';
import { AppError, BadRequest, Conflict, Invalid, NotFound } from '../../errors';
import type { CurrentUser } from '../../access';
import { recordAudit } from '../audit/audit.service';
import { manageableSurvey } from '../dashboard/dashboard.service';
import { recordResponsesStats } from '../dashboard/stats.service';
import { profileQuestionsFor } from '../survey-form/profile';
import type { FormProfileQuestion } from '../survey-form/survey-form.types';
import {
  checkRows,
  detectLayout,
  instantOf,
  readTable,
  suggestMapping,
  TableError,
  MAX_ROWS,
  type CheckResult,
  type DateOrder,
  type Decisions,
  type MappableSurvey,
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
    profile: profileQuestionsFor((survey.profileQuestions ?? []) as unknown as FormProfileQuestion[]),
    period: survey.period,
  };
}

/** The first day of the survey's period, as the date of rows without a timestamp. */
function periodStart(p: SurveyDoc['period']): string {
  const month = p.month ?? (p.quarter ? (p.quarter - 1) * 3 + 1 : p.semester === 2 ? 7 : 1);
  return `${p.year}-${String(month).padStart(2, '0')}-01`;
}

/** An error of the upload form, shown beside the file field (422). */
export class UploadInvalid extends Invalid {
  constructor(key: 'imp.err.noFile' | 'imp.err.tooLarge' | 'imp.err.unreadable' | 'imp.err.empty' | 'imp.err.tooManyRows', params: Record<string, string | number> = {}) {
    super({ file: { key, params } });
  }
}

async function tableOf(data: Buffer): Promise<Table> {
  try {
    return await readTable(data);
  } catch (e) {
    if (e instanceof TableError) {
      if (e.reason === 'empty') throw new UploadInvalid('imp.err.empty');
      if (e.reason === 'tooManyRows') throw new UploadInvalid('imp.err.tooManyRows', { max: MAX_ROWS });
      throw new UploadInvalid('imp.err.unreadable', { reason: e.message.slice(0, 200) });
    }
    throw e;
  }
}

/** Stores an uploaded file with a suggested mapping. Nothing is imported. */
export async function createBatch(user: CurrentUser, surveyId: string, file: { buffer: Buffer; originalname: string } | undefined): Promise<ImportBatchDoc> {
  const survey = await manageableSurvey(user, surveyId);
  if (!file || file.buffer.length === 0) throw new UploadInvalid('imp.err.noFile');
  if (file.buffer.length > MAX_FILE_BYTES) throw new UploadInvalid('imp.err.tooLarge');
  const table = await tableOf(file.buffer);
  const ms = mappableSurvey(survey);
  const layout = detectLayout(table.header, ms.elements.length);
  const mapping = suggestMapping(table.header, ms);
  const ts = mapping.indexOf('timestamp');
  // Google Forms in English and Microsoft Forms write month/day; "Cap waktu" (Indonesian) day/month.
  const tsHeader = ts >= 0 ? table.header[ts]!.toLowerCase() : '';
  const dateOrder: DateOrder = /timestamp|completion time|start time/.test(tsHeader) ? 'mdy' : 'dmy';
  const batch = await ImportBatch.create({
    surveyId: survey._id,
    createdBy: new Types.ObjectId(user.id),
    fileName: file.originalname.slice(0, 255),
    data: file.buffer,
    layout,
    mapping,
    decisions: {},
    dateOrder,
    defaultDate: ts >= 0 ? '' : periodStart(survey.period),
    defaultService: '',
  });
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
  if (!Types.ObjectId.isValid(batchId)) throw new NotFound('imp.expired');
  const batch = await ImportBatch.findOne({ _id: batchId, surveyId: survey._id }).lean<ImportBatchDoc>();
  if (!batch) throw new NotFound('imp.expired');
  return { survey, batch };
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
  const table = await tableOf(bytesOf(batch.data));
  const mappable = mappableSurvey(survey);
  const mapping = table.header.map((_, i) => batch.mapping[i] ?? 'ignore');
  const check = checkRows(table, mapping, (batch.decisions ?? {}) as Decisions, mappable, {
    dateOrder: batch.dateOrder as DateOrder,
    defaultDate: batch.defaultDate,
    defaultService: batch.defaultService,
  });
  return { survey, batch: { ...batch, mapping }, table, mappable, check, problems: mappingProblems(table.header, mapping) };
}

/** The stored file as a Buffer (a lean read gives the driver's Binary). */
function bytesOf(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  const inner = (data as { buffer?: Uint8Array }).buffer;
  return inner ? Buffer.from(inner.buffer, inner.byteOffset, inner.byteLength) : Buffer.alloc(0);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Saves the mapping, the decisions on unknown texts and the options from the preview form. */
export async function saveMapping(user: CurrentUser, surveyId: string, batchId: string, body: Record<string, unknown>): Promise<void> {
  const { survey, batch } = await loadBatch(user, surveyId, batchId);
  if (batch.status !== 'draft') throw new Conflict('imp.alreadyImported');
  const ms = mappableSurvey(survey);
  const allowed = new Set<Target>(['ignore', 'timestamp', 'suggestion', ...(ms.services.length ? ['service'] : []), ...ms.elements.map((e) => `el:${e.key}`), ...ms.profile.map((p) => `pf:${p.key}`)]);
  const width = batch.mapping.length;
  const mapping: Target[] = [];
  for (let i = 0; i < width; i++) {
    const v = body[`col_${i}`];
    mapping.push(typeof v === 'string' && allowed.has(v) ? v : (batch.mapping[i] ?? 'ignore'));
  }
  // Decisions: fields d_<column>_<hex of the normalized text> = "1".."4" | "blank" | option key | "".
  const decisions: Decisions = { ...((batch.decisions ?? {}) as Decisions) };
  for (const [name, value] of Object.entries(body)) {
    const m = /^d_(\d{1,3})_([0-9a-f]{1,400})$/.exec(name);
    if (!m || typeof value !== 'string') continue;
    const col = m[1]!;
    const text = Buffer.from(m[2]!, 'hex').toString('utf8');
    // A NUL cannot be part of a stored field name (the decision's key): a clear 400, not a driver error.
    if (text.includes('\0')) throw new BadRequest('error.nulByte');
    const forCol = { ...(decisions[col] ?? {}) };
    if (value === '') delete forCol[text];
    else if (/^([1-4]|blank|[a-z0-9][a-z0-9_-]{0,59})$/.test(value)) forCol[text] = value;
    decisions[col] = forCol;
  }
  const dateOrder = ['dmy', 'mdy', 'ymd'].includes(String(body.dateOrder)) ? String(body.dateOrder) : batch.dateOrder;
  const defaultDate = typeof body.defaultDate === 'string' && (body.defaultDate === '' || DATE.test(body.defaultDate)) ? body.defaultDate : batch.defaultDate;
  const defaultService = typeof body.defaultService === 'string' && (body.defaultService === '' || ms.services.some((s) => s.key === body.defaultService)) ? body.defaultService : batch.defaultService;
  await ImportBatch.updateOne({ _id: batch._id, status: 'draft' }, { $set: { mapping, decisions, dateOrder, defaultDate, defaultService } });
}

/** The import refused: some rows are invalid and the admin did not choose to skip them. */
export class MustSkip extends AppError {
  constructor(n: number) {
    super(422, 'invalid_rows', 'imp.mustSkip', { n });
  }
}

/** Imports the valid rows (all rows must be valid unless `skipInvalid`). */
export async function commitBatch(user: CurrentUser, surveyId: string, batchId: string, skipInvalid: boolean): Promise<{ imported: number; skipped: number }> {
  const p = await previewBatch(user, surveyId, batchId);
  if (p.batch.status !== 'draft') throw new Conflict('imp.alreadyImported');
  if (p.problems.length > 0) throw new AppError(422, 'invalid_mapping', p.problems[0]!.key, p.problems[0]!.params ?? {});
  if (p.check.invalidRows > 0 && !skipInvalid) throw new MustSkip(p.check.invalidRows);
  if (p.check.valid.length === 0) throw new AppError(422, 'nothing_valid', 'imp.nothingValid');
  // One import per batch, even when the button is pressed twice.
  const claimed = await ImportBatch.updateOne({ _id: p.batch._id, status: 'draft' }, { $set: { status: 'importing' } });
  if (claimed.modifiedCount !== 1) throw new Conflict('imp.alreadyImported');

  const survey = p.survey;
  const docs = p.check.valid.map((r) => {
    const content = { answers: r.answers, profile: r.profile, service: r.service, suggestion: r.suggestion, time: r.time };
    return {
      surveyId: survey._id,
      unitId: survey.unitId,
      year: r.time.year,
      month: r.time.month,
      quarter: Math.ceil(r.time.month / 3),
      semester: r.time.month <= 6 ? 1 : 2,
      service: r.service,
      answers: r.answers,
      profile: r.profile,
      suggestion: r.suggestion,
      submittedAt: instantOf(r.time),
      source: 'import' as const,
      idempotencyKey: `import-${String(p.batch._id)}-${r.row}`,
      contentHash: crypto.createHash('sha256').update(JSON.stringify(content)).digest('hex'),
    };
  });
  for (let i = 0; i < docs.length; i += 1000) {
    const chunk = docs.slice(i, i + 1000);
    await Response.insertMany(chunk, { ordered: true });
    await recordResponsesStats(chunk, survey);
  }
  await Survey.updateOne({ _id: survey._id }, { $inc: { responseCount: docs.length } });
  const skipped = p.check.invalidRows;
  await ImportBatch.updateOne({ _id: p.batch._id }, { $set: { status: 'imported', imported: docs.length, skipped } });
  await recordAudit({
    actor: { id: user.id, email: user.email, name: user.name },
    action: 'survey.import',
    target: { kind: 'survey', id: survey._id, label: survey.title },
    after: { file: p.batch.fileName, layout: p.batch.layout, imported: docs.length, skipped },
  });
  return { imported: docs.length, skipped };
}
