/**
 * Between the method's element sets (server/ikm) and a stored survey's elements: a survey
 * keeps its own copy (names, questions and labels may be edited while it is a draft), and the
 * method computes from the stored copy.
 */
import type { SurveyElement } from '../../models/survey';
import { customElementSet, elementCode, getTemplate, isTemplateId, type ElementSet, type TemplateId } from '../ikm';

export interface StoredElement {
  key: string;
  code: string;
  name: { id: string; en: string };
  question: { id: string; en: string };
  labels: { id: string[]; en: string[] };
}

/** The stored copy of a template's elements. */
export function elementsFromTemplate(id: TemplateId): StoredElement[] {
  return toStoredElements(getTemplate(id));
}

export function toStoredElements(set: ElementSet): StoredElement[] {
  return set.elements.map((e, i) => ({
    key: e.key,
    code: elementCode(i),
    name: { id: e.name.id, en: e.name.en },
    question: { id: e.question.id, en: e.question.en },
    labels: { id: e.labels.map((l) => l.id), en: e.labels.map((l) => l.en) },
  }));
}

/** The method's element set for a stored survey (its template's grade table, its own texts). */
export function elementSetOf(survey: { template: string; elements: readonly SurveyElement[] }): ElementSet {
  const base = isTemplateId(survey.template) ? getTemplate(survey.template) : undefined;
  const text = (t: { id: string; en: string } | null | undefined) => ({ id: t?.id ?? '', en: t?.en ?? '' });
  const custom = customElementSet(
    survey.elements.map((e) => ({
      key: e.key,
      name: text(e.name),
      question: text(e.question),
      labels: [0, 1, 2, 3].map((i) => ({ id: e.labels?.id[i] ?? '', en: e.labels?.en[i] ?? '' })),
    })),
    base ? { gradeTable: base.gradeTable } : undefined,
  );
  return base ? { ...custom, id: base.id, name: base.name } : custom;
}
