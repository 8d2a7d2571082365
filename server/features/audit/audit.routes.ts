/**
 * The audit trail, admins only.
 *
 *   GET /admin/audit?page=N    newest first, 50 per page
 */
import { Router } from 'express';
import { z } from 'zod';
import { parseOrInvalid } from '../../validation';
import { requireRole } from '../../web/auth';
import { listAudit } from './audit.service';

// A page number out of range or mistyped shows the nearest page rather than an error.
const auditQuery = z.object({ page: z.coerce.number().int().catch(1).default(1) });

export function auditRoutes(): Router {
  const router = Router();
  router.get('/audit', requireRole('admin'), async (req, res) => {
    const { page } = parseOrInvalid(auditQuery, req.query);
    res.render('admin/audit/list', { title: res.locals.t('audit.title'), ...(await listAudit(page)) });
  });
  return router;
}
