/**
 * Import pages (mounted under /admin). Admins, and unit managers of the survey's unit.
 *
 *   GET  /admin/surveys/:id/import                       upload form
 *   POST /admin/surveys/:id/import                       upload (multipart, parsed by importUpload
 *                                                        before the CSRF check reads its _csrf field)
 *   GET  /admin/surveys/:id/import/:batch                preview: the dry run, row errors, mapping
 *   POST /admin/surveys/:id/import/:batch/mapping        save mapping, decisions and options
 *   POST /admin/surveys/:id/import/:batch/commit         import (skipInvalid=1 to skip invalid rows)
 */
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import { AppError, Invalid } from '../../errors';
import { requireRole } from '../../web/auth';
import { fieldErrors, flash } from '../../web/admin';
import { manageableSurvey } from '../../access';
import { viewHelpers } from '../dashboard';
import { responseCount } from '../surveys';
import { decisionKey } from './import.mapping';
import { commitBatch, createBatch, MAX_FILE_BYTES, previewBatch, saveMapping, UploadInvalid } from './import.service';

const managers = requireRole('admin', 'unit-manager');
const CSS = ['/css/dashboard.css'];

declare module 'express-serve-static-core' {
  interface Request {
    uploadError?: UploadInvalid;
  }
}

const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_FILE_BYTES, files: 1, fields: 5, fieldSize: 1024 } }).single('file');

/**
 * Parses the multipart upload (mounted before the CSRF check, so the form's _csrf field is
 * read from it). Only for logged-in admins and unit managers: nobody else gets a file parsed.
 * A too-large file becomes a form error, not a crash.
 */
export const importUpload: RequestHandler[] = [
  managers,
  (req: Request, res: Response, next: NextFunction) => {
    upload(req, res, (err: unknown) => {
      if (err) {
        const code = (err as { code?: string }).code;
        req.body ??= {};
        req.uploadError = new UploadInvalid(code === 'LIMIT_FILE_SIZE' ? 'imp.err.tooLarge' : 'imp.err.unreadable', { reason: code ?? 'multipart' });
      }
      next();
    });
  },
];

function render(res: Response, view: string, status: number, locals: Record<string, unknown>): void {
  res.status(status).render(view, {
    extraCss: CSS,
    h: viewHelpers(res.locals.lang),
    decisionKey,
    hex: (text: string) => Buffer.from(decisionKey(text), 'utf8').toString('hex'),
    ...locals,
  });
}

export function importRoutes(): Router {
  const router = Router();
  router.get('/surveys/:id/import', managers, async (req, res) => {
    const survey = await manageableSurvey(req.user!, String(req.params.id));
    const responses = await responseCount(survey._id);
    render(res, 'import/upload', 200, { title: res.locals.t('imp.title', { title: survey.title }), survey, responses, errors: {} });
  });
  router.post('/surveys/:id/import', managers, async (req, res) => {
    const survey = await manageableSurvey(req.user!, String(req.params.id));
    try {
      if (req.uploadError) throw req.uploadError;
      const batch = await createBatch(req.user!, String(req.params.id), req.file);
      res.redirect(303, `/admin/surveys/${String(survey._id)}/import/${String(batch._id)}`);
    } catch (e) {
      if (!(e instanceof Invalid)) throw e;
      const responses = await responseCount(survey._id);
      render(res, 'import/upload', 422, { title: res.locals.t('imp.title', { title: survey.title }), survey, responses, errors: fieldErrors(e, res) });
    }
  });
  router.get('/surveys/:id/import/:batch', managers, async (req, res) => {
    const p = await previewBatch(req.user!, String(req.params.id), String(req.params.batch));
    render(res, 'import/preview', 200, { title: res.locals.t('imp.batch'), p, commitError: null });
  });
  router.post('/surveys/:id/import/:batch/mapping', managers, async (req, res) => {
    await saveMapping(req.user!, String(req.params.id), String(req.params.batch), req.body as Record<string, unknown>);
    res.redirect(303, `/admin/surveys/${encodeURIComponent(String(req.params.id))}/import/${encodeURIComponent(String(req.params.batch))}`);
  });
  router.post('/surveys/:id/import/:batch/commit', managers, async (req, res) => {
    const skip = (req.body as Record<string, unknown>).skipInvalid === '1';
    try {
      const done = await commitBatch(req.user!, String(req.params.id), String(req.params.batch), skip);
      flash(req, 'ok', res.locals.t(done.skipped ? 'imp.doneSkipped' : 'imp.done', { n: done.imported, skipped: done.skipped }));
      res.redirect(303, `/admin/surveys/${encodeURIComponent(String(req.params.id))}/dashboard`);
    } catch (e) {
      if (!(e instanceof AppError) || e.status !== 422) throw e;
      const p = await previewBatch(req.user!, String(req.params.id), String(req.params.batch));
      render(res, 'import/preview', 422, { title: res.locals.t('imp.batch'), p, commitError: res.locals.t(e.messageKey, e.params) });
    }
  });
  return router;
}
