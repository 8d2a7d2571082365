/**
 * The report pages and downloads (mounted under /admin; CSRF applied to all of /admin).
 *
 *   GET /admin/surveys/:id/report                 choose period, format, language   read scope of the survey
 *   GET /admin/surveys/:id/report.pdf|docx        the annual report (BAB I–V, Lampiran)
 *   GET /admin/surveys/:id/report.xlsx|csv        figures and raw answers, streamed; past the
 *                                                 background threshold: a page offering a background job
 *   POST /admin/surveys/:id/report-jobs           prepare an XLSX/CSV in the background  read scope
 *   GET  /admin/report-jobs/:job                  its progress (refreshes itself), the link when ready   the requester
 *   GET  /admin/report-jobs/:job/download         the prepared file                      the requester
 *   POST /admin/report-jobs/:job/retry            a failed or died job again             the requester
 *   GET /admin/units/:id/report                   a unit's report: year, format, language   read scope of the unit
 *   GET /admin/units/:id/report.pdf|docx          all surveys of the unit and its sub-units in a year (query: year)
 *   GET  /admin/surveys/:id/follow-up             the follow-up plan (RTL)           read scope
 *   POST /admin/surveys/:id/follow-up             add an action                      admin, unit manager of the unit
 *   POST /admin/surveys/:id/follow-up/:item       change an action                   admin, unit manager of the unit
 *   POST /admin/surveys/:id/follow-up/:item/delete remove an action                  admin, unit manager of the unit
 *
 * Query: from, to (YYYY-MM, optional), lang (id|en). Another unit's survey: 403; unknown: 404.
 */
import { once } from 'node:events';
import { Router, type Request, type Response } from 'express';
import { requireRole, requireUser } from '../../web/auth';
import { flash } from '../../web/admin';
import { form } from '../../web/form';
import { addPlanItem, deletePlanItem, planPage, updatePlanItem } from './follow-up.service';
import { isLang, translate, type Lang } from '../../i18n';
import { AppError, NotFound, Unavailable } from '../../errors';
import { readableSurvey } from '../../access';
import { viewHelpers } from '../dashboard';
import { computeSurveyResults } from '../../results';
import { reportFileName, surveyReport } from './report.service';
import { readableUnit, unitReport, unitSurveyYears } from './unit-report.service';
import { renderDocx, renderPdf } from './report.render';
import { writeCsv, writeXlsx } from './report.export';
import { createExportJob, exportSize, jobFile, jobOf, jobState, retryExportJob, type JobFormat } from './export-job.service';

/** How often the job page reloads itself while the file is prepared (no JavaScript needed). */
const JOB_PAGE_REFRESH_S = 3;

// Every file is made on the renderer's worker thread (report.render.ts), which loads pdfmake,
// docx and exceljs itself: a process that serves no report never pays for them.

export const REPORT_FORMATS = ['pdf', 'docx', 'xlsx', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
/** The unit report is a document (PDF, DOCX); raw answers stay with each survey's XLSX and CSV. */
export const UNIT_REPORT_FORMATS: readonly ReportFormat[] = ['pdf', 'docx'];

const TYPES: Record<ReportFormat, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

function reportLang(req: Request): Lang {
  const q = req.query.lang;
  return isLang(q) ? q : (req.lang ?? 'id');
}

/**
 * A file that could not be made (its renderer died or failed, or the database failed while the
 * rows were read). Before any byte was sent: a clear error page (503, try again). After: the
 * connection is cut (never a file that looks complete but is not; the browser shows the
 * download failed). A client that went away needs nothing.
 */
function fileFailed(res: Response, e: Error): never | void {
  if (res.closed) return;
  if (!res.headersSent) {
    for (const h of ['Content-Type', 'Content-Disposition', 'Cache-Control']) res.removeHeader(h);
    if (e instanceof AppError) throw e;
    throw new Unavailable('rep.err.export');
  }
  res.destroy(e);
}

function jobFormat(v: unknown): JobFormat {
  if (v === 'xlsx' || v === 'csv') return v;
  throw new NotFound();
}

export function reportRoutes(opts: { now?: () => Date; backgroundRows?: number; chunkBytes?: number } = {}): Router {
  const now = opts.now ?? (() => new Date());
  const backgroundRows = opts.backgroundRows ?? Infinity;
  const router = Router();
  router.get('/surveys/:id/report', requireUser, async (req, res) => {
    const survey = await readableSurvey(req.user!, String(req.params.id));
    const all = await computeSurveyResults(survey);
    const months = [...new Set(all.cells.map((c) => c.year * 100 + c.month))].sort((a, b) => a - b).map((n) => ({ year: Math.floor(n / 100), month: n % 100 }));
    res.render('reports/form', {
      title: res.locals.t('rep.page.title', { title: survey.title }),
      survey,
      months,
      formats: REPORT_FORMATS,
      backgroundRows,
      h: viewHelpers(req.lang),
      extraCss: ['/css/dashboard.css'],
    });
  });
  router.get('/surveys/:id/report.:format', requireUser, async (req: Request, res: Response) => {
    const format = String(req.params.format) as ReportFormat;
    if (!REPORT_FORMATS.includes(format)) throw new NotFound();
    if (format === 'xlsx' || format === 'csv') {
      // A large export is prepared in the background: this page offers it (a POST creates the job).
      const size = await exportSize(req.user!, String(req.params.id), req.query as Record<string, unknown>);
      if (size.rows > backgroundRows) {
        const q = req.query as Record<string, unknown>;
        res.render('reports/export-large', {
          title: res.locals.t('rep.job.title', { format: format.toUpperCase(), title: size.survey.title }),
          survey: size.survey,
          rows: size.rows,
          format,
          fields: { format, from: typeof q.from === 'string' ? q.from : '', to: typeof q.to === 'string' ? q.to : '', lang: reportLang(req) },
          h: viewHelpers(req.lang),
        });
        return;
      }
    }
    const ctx = await surveyReport(req.user!, String(req.params.id), req.query as Record<string, unknown>, reportLang(req), now());
    res.setHeader('Content-Type', TYPES[format]);
    res.setHeader('Content-Disposition', `attachment; filename="${reportFileName(ctx, format)}"`);
    res.setHeader('Cache-Control', 'private, no-store');
    try {
      if (format === 'pdf') res.send(await renderPdf(ctx.report));
      else if (format === 'docx') res.send(await renderDocx(ctx.report));
      else if (format === 'xlsx') await writeXlsx(ctx, res);
      else await writeCsv(ctx, res);
    } catch (e) {
      fileFailed(res, e as Error);
    }
  });
  router.get('/units/:id/report', requireUser, async (req, res) => {
    const unit = await readableUnit(req.user!, String(req.params.id));
    const years = await unitSurveyYears(unit._id);
    res.render('reports/unit-form', {
      title: res.locals.t('rep.unit.page.title', { unit: unit.name }),
      unit,
      years,
      year: typeof req.query.year === 'string' ? req.query.year : String(years[0] ?? ''),
      formats: UNIT_REPORT_FORMATS,
      extraCss: ['/css/dashboard.css'],
    });
  });
  router.get('/units/:id/report.:format', requireUser, async (req: Request, res: Response) => {
    const format = String(req.params.format) as ReportFormat;
    if (!UNIT_REPORT_FORMATS.includes(format)) throw new NotFound();
    const ctx = await unitReport(req.user!, String(req.params.id), req.query as Record<string, unknown>, reportLang(req), now());
    res.setHeader('Content-Type', TYPES[format]);
    res.setHeader('Content-Disposition', `attachment; filename="laporan-unit-${ctx.unit.slug}-${ctx.year}${ctx.lang === 'en' ? '-en' : ''}.${format}"`);
    res.setHeader('Cache-Control', 'private, no-store');
    try {
      res.send(format === 'pdf' ? await renderPdf(ctx.report) : await renderDocx(ctx.report));
    } catch (e) {
      fileFailed(res, e as Error);
    }
  });
  router.post('/surveys/:id/report-jobs', requireUser, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const lang = isLang(body.lang) ? body.lang : (req.lang ?? 'id');
    const id = await createExportJob(req.user!, String(req.params.id), body, lang, jobFormat(body.format), now, opts.chunkBytes);
    res.redirect(303, `/admin/report-jobs/${encodeURIComponent(id)}`);
  });
  router.get('/report-jobs/:job', requireUser, async (req, res) => {
    const at = now();
    const job = await jobOf(req.user!, String(req.params.job), at);
    const state = jobState(job, at);
    if (state === 'running') res.set('Refresh', String(JOB_PAGE_REFRESH_S));
    res.set('Cache-Control', 'private, no-store');
    res.render('reports/export-job', {
      title: res.locals.t('rep.job.title', { format: job.format.toUpperCase(), title: job.fileName }),
      job,
      state,
      refreshSeconds: JOB_PAGE_REFRESH_S,
      h: viewHelpers(req.lang),
    });
  });
  router.get('/report-jobs/:job/download', requireUser, async (req, res) => {
    const job = await jobOf(req.user!, String(req.params.job), now());
    if (job.status !== 'done') throw new NotFound();
    res.setHeader('Content-Type', TYPES[jobFormat(job.format)]);
    res.setHeader('Content-Disposition', `attachment; filename="${job.fileName}"`);
    res.setHeader('Content-Length', String(job.bytes));
    res.setHeader('Cache-Control', 'private, no-store');
    for await (const chunk of jobFile(job)) {
      if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
      if (res.destroyed) return; // the client went away
    }
    res.end();
  });
  router.post('/report-jobs/:job/retry', requireUser, async (req, res) => {
    const id = await retryExportJob(req.user!, String(req.params.job), now, opts.chunkBytes);
    res.redirect(303, `/admin/report-jobs/${encodeURIComponent(id)}`);
  });
  const managers = requireRole('admin', 'unit-manager');
  const planView = async (req: Request, editId?: string) => {
    const page = await planPage(req.user!, String(req.params.id));
    const editing = editId ? page.items.find((x) => x.id === editId) : undefined;
    return { title: translate(req.lang, 'rtl.title', { title: page.survey.title }), page, editing, h: viewHelpers(req.lang), extraCss: ['/css/dashboard.css'] };
  };
  const defaults = (page: Awaited<ReturnType<typeof planPage>>) => ({
    year: page.survey.period.year + 1,
    quarter: 1,
    status: 'planned',
    elementKey: page.priorities[0] ?? '',
  });
  router.get('/surveys/:id/follow-up', requireUser, async (req, res) => {
    const editId = typeof req.query.edit === 'string' ? req.query.edit : undefined;
    const locals = await planView(req, editId);
    res.render('reports/follow-up', { ...locals, values: locals.editing ?? defaults(locals.page), errors: {} });
  });
  const back = (req: Request) => `/admin/surveys/${encodeURIComponent(String(req.params.id))}/follow-up`;
  router.post(
    '/surveys/:id/follow-up',
    managers,
    form('reports/follow-up', (req) => planView(req)),
    async (req, res) => {
      await addPlanItem(req.user!, String(req.params.id), req.body);
      flash(req, 'ok', translate(req.lang, 'rtl.saved'));
      res.redirect(303, back(req));
    },
  );
  router.post(
    '/surveys/:id/follow-up/:item',
    managers,
    form('reports/follow-up', (req) => planView(req, String(req.params.item))),
    async (req, res) => {
      await updatePlanItem(req.user!, String(req.params.id), String(req.params.item), req.body);
      flash(req, 'ok', translate(req.lang, 'rtl.saved'));
      res.redirect(303, back(req));
    },
  );
  router.post('/surveys/:id/follow-up/:item/delete', managers, async (req, res) => {
    await deletePlanItem(req.user!, String(req.params.id), String(req.params.item));
    flash(req, 'ok', translate(req.lang, 'rtl.deleted'));
    res.redirect(303, back(req));
  });
  return router;
}
