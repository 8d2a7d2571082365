/**
 * User management, admins only.
 *
 *   GET  /admin/users                       list
 *   GET  /admin/users/new                   form
 *   POST /admin/users                       create (shows the one-time password once)
 *   GET  /admin/users/:id                   edit form
 *   POST /admin/users/:id                   update role, unit, name, disabled
 *   POST /admin/users/:id/reset-password    new one-time password (shown once)
 */
import { Router, type Request, type Response } from 'express';
import { requireRole } from '../../web/auth';
import { form } from '../../web/form';
import { validate } from '../../web/validate';
import { flash } from '../../web/admin';
import { createUser, getUser, listUsers, resetPassword, unitChoices, updateUser } from './users.service';
import { createUserSchema, updateUserSchema } from './users.schema';

const FORM = 'admin/users/form';

async function newPage(_req: Request, res: Response) {
  return { title: res.locals.t('users.new'), units: await unitChoices(), user: null, errors: {}, formError: null };
}

async function editPage(req: Request) {
  const user = await getUser(String(req.params.id));
  return { title: user.email, units: await unitChoices(), user, errors: {}, formError: null };
}

export function usersRoutes(): Router {
  const router = Router();
  const admin = requireRole('admin');

  router.get('/users', admin, async (_req, res) => {
    res.render('admin/users/list', { title: res.locals.t('users.title'), users: await listUsers() });
  });
  router.get('/users/new', admin, async (req, res) => {
    res.render(FORM, { ...(await newPage(req, res)), values: { role: 'viewer' } });
  });
  router.post('/users', admin, form(FORM, newPage), validate(createUserSchema), async (req, res) => {
    const created = await createUser(req.user!, req.body);
    res.status(201).render('admin/users/password', { title: res.locals.t('users.created'), ...created });
  });
  router.get('/users/:id', admin, async (req, res) => {
    const page = await editPage(req);
    res.render(FORM, { ...page, values: { ...page.user, unitId: page.user.unitId ? String(page.user.unitId) : '' } });
  });
  router.post('/users/:id', admin, form(FORM, editPage), validate(updateUserSchema), async (req, res) => {
    await updateUser(req.user!, String(req.params.id), req.body);
    flash(req, 'ok', res.locals.t('users.saved'));
    res.redirect(303, '/admin/users');
  });
  router.post('/users/:id/reset-password', admin, async (req, res) => {
    const r = await resetPassword(req.user!, String(req.params.id));
    res.render('admin/users/password', { title: res.locals.t('users.passwordReset'), id: req.params.id, ...r });
  });
  return router;
}
