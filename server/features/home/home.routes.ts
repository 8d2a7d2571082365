/** The front page: what this is, and the surveys open now. */
import { Router } from 'express';
import { openSurveys } from '../surveys/surveys.service';

export function homeRoutes(): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    res.render('home/index', { title: res.locals.t('home.title'), surveys: await openSurveys(new Date()) });
  });
  return router;
}
