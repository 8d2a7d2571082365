/**
 * The one way a form comes back with its errors. A form route names its page first:
 *
 *   router.post('/units', admin, form('admin/units/list', page), validate(createUnitSchema), handler);
 *
 * When `validate(schema)`, the handler or the service behind it throws Invalid, `formErrorHandler`
 * (mounted once, before the central error handler) renders that page again with 422, the user's
 * input kept and each message beside its field; a Conflict renders it with 409 and the message on
 * top. Anything else goes on to the central error handler. Pages show the errors with
 * views/admin/partials/form-error.ejs and field.ejs; every form carries its CSRF token with
 * views/partials/csrf.ejs.
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { Conflict, Invalid } from '../errors';
import { translate, type Lang } from '../i18n';
import { fieldMessages } from './errors';

export type FormLocals = (req: Request, res: Response) => Promise<Record<string, unknown>> | Record<string, unknown>;

export interface FormOptions {
  /** Put the submitted values back into the form (default true; false for one-row forms in a list). */
  keepValues?: boolean;
}

interface FormPage extends FormOptions {
  view: string;
  locals: FormLocals;
  /** The route's parameters: the error handler runs outside the route, where req.params is empty. */
  params: Request['params'];
}

/** Names the page a form re-renders with its errors (see formErrorHandler). */
export function form(view: string, locals: FormLocals, opts: FormOptions = {}): RequestHandler {
  return (req, res, next) => {
    res.locals.form = { view, locals, params: { ...req.params }, ...opts } satisfies FormPage;
    next();
  };
}

export const formErrorHandler: ErrorRequestHandler = async (err, req, res, next) => {
  const page = res.locals.form as FormPage | undefined;
  if (!page || !(err instanceof Invalid || err instanceof Conflict) || res.headersSent) {
    next(err);
    return;
  }
  try {
    const lang: Lang = req.lang ?? 'id';
    req.params = page.params;
    const submitted: unknown = res.locals.submitted ?? req.body;
    const values = page.keepValues === false || typeof submitted !== 'object' || submitted === null ? {} : submitted;
    res.status(err.status).render(page.view, {
      ...(await page.locals(req, res)),
      values,
      errors: err instanceof Invalid ? (fieldMessages(err, lang) ?? {}) : {},
      formError: translate(lang, err.messageKey, err.params),
    });
  } catch (e) {
    next(e);
  }
};
