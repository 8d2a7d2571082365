/**
 * The audit trail, admins only.
 *
 *   GET /admin/audit?page=N    newest first, 50 per page
 */
import { Router } from 'express';
import { z } from 'zod';
import { parseOrInvalid } from '../../validation';
import { requireRole } from '../../web/auth';
import { entryTimeZones, listAudit } from './audit.service';
import type { UnitTimeZone } from '../../i18n/format';
import { AUDIT_ACTIONS, actionLabel, changesOf, whenText } from './audit.view';

// A page number out of range or mistyped shows the nearest page rather than an error.
// Filters that do not parse are ignored (an empty filter), never an error page.
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .optional()
  .catch(undefined);
const auditQuery = z.object({
  page: z.coerce.number().int().catch(1).default(1),
  action: z.enum(AUDIT_ACTIONS).optional().catch(undefined),
  actor: z.string().trim().max(200).optional().catch(undefined),
  from: day,
  to: day,
});

/** `defaultTimeZone`: DEFAULT_TIME_ZONE, for entries without a unit and for the date filter's days. */
export function auditRoutes(opts: { defaultTimeZone?: UnitTimeZone } = {}): Router {
  const fallback = opts.defaultTimeZone ?? 'Asia/Jakarta';
  const router = Router();
  router.get('/audit', requireRole('admin'), async (req, res) => {
    const q = parseOrInvalid(auditQuery, req.query);
    const filter = { action: q.action, actorEmail: q.actor || undefined, from: q.from, to: q.to };
    const list = await listAudit(q.page, filter, fallback);
    const lang = req.lang;
    const zones = await entryTimeZones(list.entries, fallback);
    const rows = list.entries.map((e, i) => ({
      ...e,
      when: whenText(e.at, lang, zones[i]),
      actionText: actionLabel(e.action, lang),
      changes: changesOf(e.before, e.after, lang, zones[i]),
    }));
    const keep = new URLSearchParams(
      Object.entries({ action: q.action ?? '', actor: q.actor ?? '', from: q.from ?? '', to: q.to ?? '' }).filter(([, v]) => v !== ''),
    );
    res.render('admin/audit/list', {
      title: res.locals.t('audit.title'),
      extraCss: ['/css/dashboard.css'],
      ...list,
      entries: rows,
      filter: q,
      actions: AUDIT_ACTIONS.map((a) => ({ value: a, label: actionLabel(a, lang) })),
      pageQuery: keep.toString() ? `&${keep.toString()}` : '',
    });
  });
  return router;
}
