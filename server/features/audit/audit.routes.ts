/**
 * The audit trail, admins only.
 *
 *   GET /admin/audit?page=N    newest first, 50 per page
 */
import { Router } from 'express';
import { requireRole } from '../../web/auth';
import { listAudit } from './audit.service';

export function auditRoutes(): Router {
  const router = Router();
  router.get('/audit', requireRole('admin'), async (req, res) => {
    const page = Number.parseInt(typeof req.query.page === 'string' ? req.query.page : '1', 10);
    const result = await listAudit(Number.isFinite(page) ? page : 1);
    res.render('admin/audit/list', { title: res.locals.t('audit.title'), ...result });
  });
  return router;
}
