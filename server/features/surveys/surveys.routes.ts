/**
 * Survey management pages. Reading: everyone logged in, within their unit scope. Changing:
 * admins, and unit managers for their unit and its sub-units (checked per survey).
 *
 *   GET  /admin/surveys                     list (scope)
 *   GET  /admin/surveys/new                 create form          admin, unit-manager
 *   POST /admin/surveys                     create               admin, unit-manager (own units)
 *   GET  /admin/surveys/:id                 survey page          read scope
 *   POST /admin/surveys/:id/settings        title, period, dates, population
 *   POST /admin/surveys/:id/elements        element texts (draft without responses only)
 *   POST /admin/surveys/:id/services        services
 *   POST /admin/surveys/:id/profile         profile questions
 *   POST /admin/surveys/:id/indicator       indicator link and target
 *   POST /admin/surveys/:id/status          open / close
 *   POST /admin/surveys/:id/publish         publish / unpublish results
 *   POST /admin/surveys/:id/kiosk           turn this device into the survey's kiosk (logs out)
 *   GET  /admin/surveys/:id/qr.svg|qr.png   QR code of the public link, as a download    read scope
 *   GET  /admin/surveys/:id/poster          printable A4 poster (title, unit, QR, link)   read scope
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { publicBaseUrl, qrPng, qrSvg } from '../survey-form';
import { NotFound } from '../../errors';
import { formatDecimalInput } from '../../i18n/format';
import { TEMPLATE_IDS } from '../../ikm';
import { canManageUnit } from '../../access';
import { requireRole, requireUser } from '../../web/auth';
import { form } from '../../web/form';
import { validate } from '../../web/validate';
import { flash } from '../../web/admin';
import { createSchema, profileRowValues, serviceRowValues, settingsSchema, wibDate, withAddedRow } from './surveys.schema';
import {
  copySources,
  createSurvey,
  elementLock,
  listSurveys,
  loadSurvey,
  manageableUnits,
  responseCount,
  setPublished,
  setStatus,
  updateElements,
  updateIndicator,
  updateProfile,
  updateServices,
  updateSettings,
  unitNameOf,
} from './surveys.service';

type Body = Record<string, unknown>;

async function newLocals(req: Request, res: Response) {
  return {
    title: res.locals.t('surveys.new'),
    units: await manageableUnits(req.user!),
    sources: await copySources(req.user!),
    templates: TEMPLATE_IDS,
    errors: {},
    formError: null,
  };
}

/** The share section's links: absolute public ones (what goes on paper) and the admin downloads. */
function shareOf(req: Request, publicUrl: string | undefined, survey: { _id: unknown; slug: string }) {
  const base = publicBaseUrl(publicUrl, { protocol: req.protocol, host: req.get('host') });
  const admin = `/admin/surveys/${String(survey._id)}`;
  return {
    link: `${base}/s/${survey.slug}`,
    kiosk: `${base}/s/${survey.slug}?kiosk=1`,
    qrSvg: `${admin}/qr.svg`,
    qrPng: `${admin}/qr.png`,
    poster: `${admin}/poster`,
    /** No PUBLIC_URL: the links carry the host the admin is browsing (shown in the warning). */
    hostWarning: publicUrl ? null : (req.get('host') ?? ''),
  };
}

/** Everything the survey page shows; `section` and `values` refill the form that failed. */
async function pageLocals(req: Request, res: Response, section: string | null = null) {
  const survey = (await loadSurvey(req.user!, String(req.params.id), 'read')).toObject();
  survey.responseCount = await responseCount(survey._id);
  const share = shareOf(req, res.locals.publicUrl as string | undefined, survey);
  const lock = await elementLock(survey);
  const s = survey;
  const defaults: Record<string, unknown> = {
    title: s.title,
    description: s.description,
    titleEn: s.titleEn ?? '',
    descriptionEn: s.descriptionEn ?? '',
    year: String(s.period.year),
    semester: s.period.semester ? String(s.period.semester) : '',
    quarter: s.period.quarter ? String(s.period.quarter) : '',
    month: s.period.month ? String(s.period.month) : '',
    population: s.population ? String(s.population) : '',
    opensAt: wibDate(s.opensAt),
    closesAt: wibDate(s.closesAt),
    suggestionEnabled: s.suggestionEnabled ? 'on' : '',
    oneResponsePerDevice: s.oneResponsePerDevice ? 'on' : '',
    ...serviceRowValues(s.services),
    ...profileRowValues(s.profileQuestions),
    code: s.indicator?.code ?? '',
    name: s.indicator?.name ?? '',
    target: s.indicator ? formatDecimalInput(s.indicator.target, req.lang) : '',
    polarity: s.indicator?.polarity ?? 'higher',
    cap: s.indicator?.cap ? String(s.indicator.cap) : 'none',
    achievementDecimals: String(s.indicator?.achievementDecimals ?? 2),
    achievementRounding: s.indicator?.achievementRounding ?? 'round',
  };
  s.elements.forEach((e, i) => {
    defaults[`name_id_${i}`] = e.name?.id ?? '';
    defaults[`name_en_${i}`] = e.name?.en ?? '';
    defaults[`question_id_${i}`] = e.question?.id ?? '';
    defaults[`question_en_${i}`] = e.question?.en ?? '';
    [0, 1, 2, 3].forEach((j) => {
      defaults[`label_id_${i}_${j}`] = e.labels?.id[j] ?? '';
      defaults[`label_en_${i}_${j}`] = e.labels?.en[j] ?? '';
    });
  });
  return {
    title: s.title,
    survey: s,
    share,
    qrPreview: await qrSvg(share.link),
    lock,
    canManage: canManageUnit(req.user!, s.unitPath),
    readonly: !canManageUnit(req.user!, s.unitPath),
    defaults,
    section,
    values: {},
    errors: {},
    formError: null,
    focus: null as string | null,
  };
}

/** Only managers of the survey's unit may change it: 404/403 before the input is even read. */
const manageable: RequestHandler = async (req, _res, next) => {
  await loadSurvey(req.user!, String(req.params.id), 'manage');
  next();
};

/** A POST that changes one section of the survey page: errors re-render that section (422, or 409 with the reason). */
const section = (name: string) => form('admin/surveys/show', (req, res) => pageLocals(req, res, name));

/**
 * "Add a row" (a submit button, so it works without JavaScript): the same section with one more
 * row, nothing saved.
 */
const addRow =
  (name: string): RequestHandler =>
  async (req, res, next) => {
    const added = withAddedRow(req.body as Body);
    if (!added) {
      next();
      return;
    }
    res.render('admin/surveys/show', { ...(await pageLocals(req, res, name)), values: added.values, focus: added.focus });
  };

/** After a section is saved: back to it (#fragment), with the note inside that section. */
const saved = (name: string) => (req: Request, res: Response) => {
  flash(req, 'ok', res.locals.t('surveys.saved'), name);
  res.redirect(303, `/admin/surveys/${req.params.id}#${name}`);
};

/** The steps before a section's change: access, the page to re-render on errors, "add a row". */
const sectionSteps = (name: string): RequestHandler[] => [manageable, section(name), addRow(name)];

/** A section POST whose service reads the form itself: the steps, the change, back to the section. */
const sectionPost = (name: string, change: (req: Request) => Promise<void>): RequestHandler[] => [
  ...sectionSteps(name),
  async (req, res) => {
    await change(req);
    saved(name)(req, res);
  },
];

/**
 * A kiosk is a server-side session, never a form field (a respondent could post kiosk=1): the
 * manager's login on the device ends and the session remembers only which survey it serves.
 */
async function startKiosk(req: Request, res: Response): Promise<void> {
  const survey = await loadSurvey(req.user!, String(req.params.id), 'manage');
  await new Promise<void>((resolve, reject) => req.session.regenerate((e) => (e ? reject(e) : resolve())));
  req.session.kioskSurveyId = String(survey._id);
  res.redirect(303, `/s/${survey.slug}?kiosk=1`);
}

export function surveysRoutes(opts: { publicUrl?: string } = {}): Router {
  const router = Router();
  router.use((_req, res, next) => {
    res.locals.publicUrl = opts.publicUrl;
    next();
  });
  const managers = requireRole('admin', 'unit-manager');

  router.get('/surveys', requireUser, async (req, res) => {
    res.render('admin/surveys/list', { title: res.locals.t('surveys.title'), surveys: await listSurveys(req.user!) });
  });
  router.get('/surveys/new', managers, async (req, res) => {
    const copy = typeof req.query.copy === 'string' ? req.query.copy : '';
    const locals = await newLocals(req, res);
    // A copy is for the period after its source's (2022 → 2023), not for the current year.
    const source = copy ? locals.sources.find((x) => String(x._id) === copy) : undefined;
    const year = source ? source.period.year + 1 : new Date().getUTCFullYear();
    res.render('admin/surveys/new', { ...locals, values: { source: copy ? 'copy' : 'permenpanrb-14-2017', copyFrom: copy, year: String(year) } });
  });
  router.post('/surveys', managers, form('admin/surveys/new', newLocals), validate(createSchema), async (req, res) => {
    const id = await createSurvey(req.user!, req.body);
    flash(req, 'ok', res.locals.t('surveys.created'));
    res.redirect(303, `/admin/surveys/${id}`);
  });
  router.get('/surveys/:id', requireUser, async (req, res) => {
    res.render('admin/surveys/show', await pageLocals(req, res));
  });
  router.get('/surveys/:id/qr.:kind', requireUser, async (req, res) => {
    const kind = String(req.params.kind);
    if (kind !== 'svg' && kind !== 'png') throw new NotFound();
    const survey = await loadSurvey(req.user!, String(req.params.id), 'read');
    const { link } = shareOf(req, res.locals.publicUrl as string | undefined, survey);
    res.attachment(`qr-${survey.slug}.${kind}`);
    if (kind === 'svg') res.type('image/svg+xml').send(await qrSvg(link));
    else res.type('image/png').send(await qrPng(link));
  });
  router.get('/surveys/:id/poster', requireUser, async (req, res) => {
    const survey = await loadSurvey(req.user!, String(req.params.id), 'read');
    const share = shareOf(req, res.locals.publicUrl as string | undefined, survey);
    res.render('admin/surveys/poster', { title: survey.title, survey, share, unitName: await unitNameOf(survey), qr: await qrSvg(share.link) });
  });
  const id = (req: Request) => String(req.params.id);
  const body = (req: Request): Body => req.body;
  router.post('/surveys/:id/settings', managers, ...sectionSteps('settings'), validate(settingsSchema), async (req, res) => {
    await updateSettings(req.user!, id(req), req.body);
    saved('settings')(req, res);
  });
  router.post('/surveys/:id/elements', managers, ...sectionPost('elements', (req) => updateElements(req.user!, id(req), body(req))));
  router.post('/surveys/:id/services', managers, ...sectionPost('services', (req) => updateServices(req.user!, id(req), body(req))));
  router.post('/surveys/:id/profile', managers, ...sectionPost('profile', (req) => updateProfile(req.user!, id(req), body(req))));
  router.post('/surveys/:id/indicator', managers, ...sectionPost('indicator', (req) => updateIndicator(req.user!, id(req), body(req))));
  router.post('/surveys/:id/status', managers, ...sectionPost('status', (req) => setStatus(req.user!, id(req), body(req).status)));
  router.post('/surveys/:id/kiosk', managers, startKiosk);
  router.post('/surveys/:id/publish', managers, ...sectionPost('status', (req) => setPublished(req.user!, id(req), body(req).published)));
  return router;
}
