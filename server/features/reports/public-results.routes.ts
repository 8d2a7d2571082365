/**
 * The public results pages (no login):
 *
 *   GET /hasil/:unit/:year                     published results of a unit's year (phone-light, no JavaScript)
 *   GET /hasil/:unit/:year/kartu               a small summary card to embed: the only page that may be framed
 *   GET /hasil/:unit/:year/:survey/:chart.png  a chart of the page, drawn on the server
 */
import { Router } from 'express';
import { NotFound } from '../../errors';
import { translate } from '../../i18n';
import { formatNumber } from '../../i18n/format';
import { renderChartPng } from './report.render';
import { publishedResults, type PublicResults } from './public-results.service';

function describe(r: PublicResults, lang: 'id' | 'en'): string {
  return r.surveys
    .map((s) => {
      const grade = s.report.headline.find((x) => x.label === translate(lang, 'rep.row.grade'))?.value ?? '–';
      return s.score !== null
        ? `${s.survey.title}: ${translate(lang, 'pub.description', { score: formatNumber(s.score, 2, lang), grade, n: formatNumber(s.respondents, 0, lang) })}`
        : s.survey.title;
    })
    .join(' · ');
}

export function publicResultsRoutes(opts: { now?: () => Date; publicUrl?: string } = {}): Router {
  const now = opts.now ?? (() => new Date());
  const router = Router();
  router.get('/hasil/:unit/:year', async (req, res) => {
    const r = await publishedResults(String(req.params.unit), String(req.params.year), req.lang, now());
    const title = translate(req.lang, 'pub.title', { unit: r.unit.name, year: r.year });
    const url = `${opts.publicUrl ?? ''}/hasil/${r.unit.slug}/${r.year}`;
    res.set('Cache-Control', 'public, max-age=300');
    res.render('reports/public', {
      title,
      r,
      url,
      meta: [
        { property: 'og:type', content: 'website' },
        { property: 'og:title', content: title },
        { property: 'og:description', content: describe(r, req.lang) },
        { property: 'og:url', content: url },
        { name: 'twitter:card', content: 'summary' },
        { name: 'description', content: describe(r, req.lang) },
      ],
      extraCss: ['/css/dashboard.css'],
    });
  });
  router.get('/hasil/:unit/:year/kartu', async (req, res) => {
    const r = await publishedResults(String(req.params.unit), String(req.params.year), req.lang, now());
    // The one page another site may frame (the unit's own website): every other page says frame-ancestors 'none'.
    res.removeHeader('X-Frame-Options');
    const csp = String(res.getHeader('Content-Security-Policy') ?? '');
    res.setHeader('Content-Security-Policy', csp.replace(/frame-ancestors [^;]*/, 'frame-ancestors *'));
    res.set('Cache-Control', 'public, max-age=300');
    res.render('reports/card', { r, title: translate(req.lang, 'pub.title', { unit: r.unit.name, year: r.year }) });
  });
  router.get('/hasil/:unit/:year/:survey/:chart.png', async (req, res) => {
    const r = await publishedResults(String(req.params.unit), String(req.params.year), req.lang, now());
    const s = r.surveys.find((x) => x.survey.slug === req.params.survey);
    const block = s?.blocks.find((b) => b.kind === 'chart' && b.id === req.params.chart);
    if (!block || block.kind !== 'chart') throw new NotFound();
    res.set('Cache-Control', 'public, max-age=300');
    res.type('png').send(await renderChartPng(block.spec));
  });
  return router;
}
