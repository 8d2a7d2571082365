/** The front page: what this is, and the surveys open now. */
import path from 'node:path';
import { Router } from 'express';
import { PUBLIC_DIR } from '../../paths';
import { openSurveys } from '../surveys';

export function homeRoutes(): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    res.render('home/index', { title: res.locals.t('home.title'), surveys: await openSurveys(new Date()) });
  });
  // Browsers ask for /favicon.ico on every site whatever the page says: answer it (pages also link /static/favicon.svg).
  router.get('/favicon.ico', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=86400');
    res.sendFile(path.join(PUBLIC_DIR, 'favicon.ico'));
  });
  return router;
}
