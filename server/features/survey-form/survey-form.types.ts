/** The survey as the public form needs it: a plain object, safe to cache and to render without the database. */
import type { Types } from 'mongoose';

export interface Text {
  id: string;
  en: string;
}

export interface FormElement {
  key: string;
  code: string;
  name: Text;
  question: Text;
  labels: { id: string[]; en: string[] };
}

export interface FormChoice {
  key: string;
  name: Text;
}

export interface FormProfileQuestion {
  key: string;
  label: Text;
  kind: 'choice' | 'text';
  options: FormChoice[];
  required: boolean;
}

export interface FormSurvey {
  _id: Types.ObjectId;
  unitId: Types.ObjectId;
  slug: string;
  title: string;
  description: string;
  /** English title and description; blank = the Indonesian text is shown in English too. */
  titleEn: string;
  descriptionEn: string;
  period: { year: number; semester?: number | null; quarter?: number | null; month?: number | null };
  elements: FormElement[];
  services: FormChoice[];
  /** The standard profile questions followed by the survey's own (a custom one with a standard key replaces it). */
  profileQuestions: FormProfileQuestion[];
  suggestionEnabled: boolean;
  status: 'draft' | 'open' | 'closed';
  opensAt: Date | null;
  closesAt: Date | null;
  oneResponsePerDevice: boolean;
}

/** What a respondent sent, after validation. */
export interface Submission {
  service: string;
  /** Element key → score 1–4, in questionnaire order. */
  answers: { k: string; v: number }[];
  profile: Record<string, string>;
  suggestion: string;
}

/** The raw form values, echoed back into a re-rendered form (strings only). */
export type FormValues = Record<string, string>;
