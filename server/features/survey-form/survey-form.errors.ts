/** The form's own refusals. Each keeps the respondent's answers: the route re-renders the form with the message. */
import { AppError, Conflict } from '../../errors';

/** Closed, not yet open, or a draft: nothing is accepted. */
export class SurveyNotAccepting extends AppError {
  constructor() {
    super(409, 'survey_not_accepting', 'form.notAccepting');
  }
}

/** Sent faster than a person can read the questions (minimum fill time). */
export class TooFast extends AppError {
  constructor() {
    super(422, 'too_fast', 'form.err.tooFast');
  }
}

/** The hidden idempotency key or start token is missing or not ours: re-render with fresh ones. */
export class FormExpired extends AppError {
  constructor() {
    super(422, 'form_expired', 'form.err.expired');
  }
}

/** The honeypot field was filled in (by a bot, or by an over-eager autofill). */
export class HoneypotFilled extends AppError {
  constructor() {
    super(422, 'honeypot', 'form.err.honeypot');
  }
}

export const keyReused = () => new Conflict('form.err.keyReused');
export const alreadyAnswered = () => new Conflict('form.err.alreadyAnswered');
