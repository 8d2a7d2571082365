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
import { Router } from 'express';
import { requireRole } from '../../web/auth';
import { flash, handleForm } from '../admin/admin.web';
import { createUser, getUser, listUsers, resetPassword, unitChoices, updateUser } from './users.service';

export function usersRoutes(): Router {
  const router = Router();
  const admin = requireRole('admin');
  const formLocals = async (title: string) => ({ title, units: await unitChoices(), errors: {}, formError: null });

  router.get('/users', admin, async (_req, res) => {
    res.render('admin/users/list', { title: res.locals.t('users.title'), users: await listUsers() });
  });
  router.get('/users/new', admin, async (_req, res) => {
    res.render('admin/users/form', { ...(await formLocals(res.locals.t('users.new'))), user: null, values: { role: 'viewer' } });
  });
  router.post('/users', admin, async (req, res, next) => {
    const locals = async () => ({ ...(await formLocals(res.locals.t('users.new'))), user: null });
    await handleForm(res, next, 'admin/users/form', locals, req.body, async () => {
      const created = await createUser(req.user!, req.body);
      res.status(201).render('admin/users/password', { title: res.locals.t('users.created'), ...created });
    });
  });
  router.get('/users/:id', admin, async (req, res) => {
    const user = await getUser(String(req.params.id));
    res.render('admin/users/form', { ...(await formLocals(user.email)), user, values: { ...user, unitId: user.unitId ? String(user.unitId) : '' } });
  });
  router.post('/users/:id', admin, async (req, res, next) => {
    const user = await getUser(String(req.params.id));
    await handleForm(res, next, 'admin/users/form', async () => ({ ...(await formLocals(user.email)), user }), req.body, async () => {
      await updateUser(req.user!, String(req.params.id), req.body);
      flash(req, 'ok', res.locals.t('users.saved'));
      res.redirect(303, '/admin/users');
    });
  });
  router.post('/users/:id/reset-password', admin, async (req, res) => {
    const r = await resetPassword(req.user!, String(req.params.id));
    res.render('admin/users/password', { title: res.locals.t('users.passwordReset'), id: req.params.id, ...r });
  });
  return router;
}
