/**
 * What the form template shows: texts in the respondent's language, each field's id, value and
 * error, and an error summary that links to the fields. The template only prints.
 */
import type { Lang, Translator } from '../../i18n';
import { translate } from '../../i18n';
import type { FieldErrors } from '../../errors';
import { field, LANG_FIELD } from './survey-form.schema';
import { periodBounds, periodPosition } from '../../responses';
import type { FormSurvey, FormValues } from './survey-form.types';

export interface Problem {
  /** A message about the whole form (rate limit, outage, too fast…), shown above the fields. */
  message: string;
  kind: 'error' | 'info';
}

export interface FormPageInput {
  survey: FormSurvey;
  lang: Lang;
  t: Translator;
  values: FormValues;
  hidden: { key: string; startToken: string };
  kiosk: boolean;
  fieldErrors?: FieldErrors;
  problem?: Problem;
}

interface Option {
  id: string;
  value: string;
  label: string;
  checked: boolean;
}

const pick = (lang: Lang, text: { id: string; en: string }) => (lang === 'en' && text.en ? text.en : text.id);

/** The survey's title and description in the respondent's language (Indonesian when the English one is blank). */
export function surveyTexts(survey: Pick<FormSurvey, 'title' | 'description' | 'titleEn' | 'descriptionEn'>, lang: Lang) {
  return {
    title: pick(lang, { id: survey.title, en: survey.titleEn ?? '' }),
    description: pick(lang, { id: survey.description, en: survey.descriptionEn ?? '' }),
  };
}

export function formPage(input: FormPageInput) {
  const { survey, lang, t, values } = input;
  const errors = input.fieldErrors ?? {};
  const message = (name: string): string | undefined => {
    const e = errors[name];
    if (!e) return undefined;
    return typeof e === 'string' ? t(e) : t(e.key, e.params);
  };
  const summary: { href: string; text: string }[] = [];
  /** `short` names the field in the error summary (an element by number and name, not its whole question). */
  const withError = <T extends { name: string; focusId: string }>(short: string, f: T) => {
    const error = message(f.name);
    if (error) summary.push({ href: `#${f.focusId}`, text: `${short}: ${error}` });
    return { ...f, error, errorId: `err-${f.name}` };
  };

  const service =
    survey.services.length > 0
      ? withError(t('form.service'), {
          name: field.service,
          focusId: field.service,
          label: t('form.service'),
          options: survey.services.map((s) => ({ value: s.key, label: pick(lang, s.name), selected: values[field.service] === s.key })),
        })
      : undefined;

  const elements = survey.elements.map((e, i) => {
    const name = field.answer(e.key);
    const labels = lang === 'en' && e.labels.en.length === 4 ? e.labels.en : e.labels.id;
    // The summary links to the question's fieldset (focusable), so the question text lands in view, not just its first radio.
    return withError(`${i + 1}. ${pick(lang, e.name)}`, {
      name,
      focusId: `q-${name}`,
      code: e.code,
      label: pick(lang, e.question),
      options: labels.map((label, i): Option => ({ id: `${name}-${i + 1}`, value: String(i + 1), label, checked: values[name] === String(i + 1) })),
    });
  });

  const profile = survey.profileQuestions.map((q) => {
    const name = field.profile(q.key);
    return withError(pick(lang, q.label), {
      name,
      focusId: name,
      label: pick(lang, q.label),
      kind: q.kind,
      required: q.required,
      value: values[name] ?? '',
      options: q.options.map((o) => ({ value: o.key, label: pick(lang, o.name), selected: values[name] === o.key })),
    });
  });

  const suggestion = survey.suggestionEnabled
    ? withError(t('form.suggestion'), { name: field.suggestion, focusId: field.suggestion, label: t('form.suggestion'), value: values[field.suggestion] ?? '' })
    : undefined;

  const unknown = message('_');
  if (unknown) summary.unshift({ href: '#survey-form', text: unknown });

  const answered = elements.filter((e) => e.options.some((o) => o.checked)).length;
  const other: Lang = lang === 'id' ? 'en' : 'id';
  return {
    ...surveyTexts(survey, lang),
    /** "5 dari 9 terjawab": plain text without JavaScript, kept live by form.js. */
    progress: {
      answered,
      total: elements.length,
      text: t('form.progress', { answered, total: elements.length }),
      template: t('form.progress', { answered: '{answered}', total: '{total}' }),
    },
    /** The in-form language switch: a submit button, so the answers travel with it. */
    langSwitch: { name: LANG_FIELD, value: other, label: t('nav.switchLanguage') },
    action: `/s/${survey.slug}`,
    kiosk: input.kiosk,
    hidden: { [field.key]: input.hidden.key, [field.startToken]: input.hidden.startToken, ...(input.kiosk ? { [field.kiosk]: '1' } : {}) },
    honeypot: field.honeypot,
    service,
    elements,
    profile,
    suggestion,
    summary,
    problem: input.problem,
  };
}

export type FormPage = ReturnType<typeof formPage>;

/** "2022", "Semester 1 2022", "Triwulan III 2022", "Mei 2022". */
export function periodLabel(p: FormSurvey['period'], lang: Lang): string {
  if (p.month)
    return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
      new Date(Date.UTC(p.year, p.month - 1, 1)),
    );
  if (p.quarter) return translate(lang, 'form.periodQuarter', { n: ['I', 'II', 'III', 'IV'][p.quarter - 1]!, year: p.year });
  if (p.semester) return translate(lang, 'form.periodSemester', { n: p.semester, year: p.year });
  return String(p.year);
}

/** A date as the respondent reads it, in WIB. */
export function formatDate(lang: Lang, d: Date): string {
  const text = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Asia/Jakarta',
  }).format(d);
  return `${text} WIB`;
}

/** The notice shown instead of the form for a closed or not-yet-open survey. */
export function noticePage(survey: FormSurvey, state: 'closed' | 'not-yet', lang: Lang, now: Date) {
  const tr = (key: string, params?: Record<string, string>) => translate(lang, key, params);
  const position = periodPosition(survey.period, now);
  const period = periodLabel(survey.period, lang);
  if (state === 'closed') {
    const closedByDate = survey.closesAt && survey.closesAt <= now;
    return {
      title: surveyTexts(survey, lang).title,
      heading: tr('form.closedTitle'),
      message:
        survey.status !== 'closed' && !closedByDate && position === 'after'
          ? tr('form.periodEnded', { period })
          : closedByDate
            ? tr('form.closed', { date: formatDate(lang, survey.closesAt!) })
            : tr('form.closedNoDate'),
    };
  }
  const opensAt = survey.opensAt && survey.opensAt > now ? survey.opensAt : null;
  const periodStart = position === 'before' ? periodBounds(survey.period).start : null;
  const opens = opensAt && periodStart ? (opensAt > periodStart ? opensAt : periodStart) : (opensAt ?? periodStart);
  return {
    title: surveyTexts(survey, lang).title,
    heading: tr('form.notYetTitle'),
    message: opens ? tr('form.notYet', { date: formatDate(lang, opens) }) : tr('form.notYetNoDate'),
  };
}
