/**
 * `validate(schema)`: the one way a route checks its input. The body is parsed by the zod schema
 * (server/validation.ts: every field error at once, as message keys); the handler then reads the
 * parsed, typed values from `req.body`, never the raw form. The raw form is kept in
 * `res.locals.submitted`, so a form that fails later (in the service) still comes back as typed.
 */
import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { parseOrInvalid } from '../validation';

// Route parameters and the response body stay open (`any`, Express's own defaults), so the route's
// own parameter types are inferred from its path; only the body's type comes from the schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function validate<S extends z.ZodType>(schema: S): RequestHandler<any, any, z.infer<S>> {
  return (req, res, next) => {
    res.locals.submitted = req.body;
    req.body = parseOrInvalid(schema, req.body ?? {});
    next();
  };
}
