/** The front page: what this is, and the surveys open now. */
import { Router } from 'express';
import { Survey } from '../../../models/survey';

export function homeRoutes(): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    const now = new Date();
    const surveys = await Survey.find({ status: 'open' }, { title: 1, slug: 1, period: 1, opensAt: 1, closesAt: 1 })
      .sort({ 'period.year': -1, title: 1 })
      .limit(50)
      .lean();
    const open = surveys.filter((s) => (!s.opensAt || s.opensAt <= now) && (!s.closesAt || s.closesAt > now));
    res.render('home/index', { title: res.locals.t('home.title'), surveys: open });
  });
  return router;
}
