/**
 * Who may see and manage which unit: the access rules of the domain, used by services and
 * routes alike. No Express here (the web layer's guards are in server/web/auth.ts).
 *   admin        everything
 *   unit-manager own unit and its sub-units (read and write)
 *   viewer       own unit and its sub-units, read-only
 */
import mongoose, { Types } from 'mongoose';
import type { Role } from '../../models/user';
import { Survey, type SurveyDoc } from '../../models/survey';
import { Forbidden, NotFound } from '../errors';

/** The logged-in user as the rest of the app sees them (put on req.user by the web layer). */
export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  unitId: Types.ObjectId | null;
  mustChangePassword: boolean;
}

/** Who did something, as the audit trail records it. */
export type Actor = Pick<CurrentUser, 'id' | 'email' | 'name'>;

/**
 * A filter on a document's unit path (Unit.path / Survey.unitPath) limiting it to what the
 * user may read: {} for admins, { [field]: user.unitId } for the others.
 */
export function unitFilter(user: CurrentUser, field = 'unitPath'): Record<string, unknown> {
  if (user.role === 'admin') return {};
  // sanitizeFilter is on globally: an operator written by us (not from the request) is trusted.
  if (!user.unitId) return { _id: mongoose.trusted({ $in: [] }) };
  return { [field]: user.unitId };
}

/** May the user read data of a unit whose path (ancestors and itself) is `unitPath`? */
export function canReadUnit(user: CurrentUser, unitPath: readonly Types.ObjectId[]): boolean {
  if (user.role === 'admin') return true;
  return user.unitId !== null && unitPath.some((id) => id.equals(user.unitId!));
}

/** May the user change surveys of that unit? Admins anywhere; unit managers in their subtree. */
export function canManageUnit(user: CurrentUser, unitPath: readonly Types.ObjectId[]): boolean {
  if (user.role === 'admin') return true;
  return user.role === 'unit-manager' && canReadUnit(user, unitPath);
}

export type SurveyAccess = 'read' | 'manage';

/** A survey as found by id: 404 when there is none, 403 when the user may not read (or manage) its unit. */
export function checkSurveyAccess(user: CurrentUser, survey: { unitPath: readonly Types.ObjectId[] } | null, access: SurveyAccess): asserts survey {
  if (!survey) throw new NotFound();
  const ok = access === 'read' ? canReadUnit(user, survey.unitPath) : canManageUnit(user, survey.unitPath);
  if (!ok) throw new Forbidden();
}

/** Loads a survey the user may read (dashboard, reports). */
export async function readableSurvey(user: CurrentUser, surveyId: string): Promise<SurveyDoc> {
  const survey = Types.ObjectId.isValid(surveyId) ? await Survey.findById(surveyId).lean<SurveyDoc>() : null;
  checkSurveyAccess(user, survey, 'read');
  return survey;
}

/** Loads a survey the user may manage (import, hide suggestions, follow-up plans). */
export async function manageableSurvey(user: CurrentUser, surveyId: string): Promise<SurveyDoc> {
  const survey = await readableSurvey(user, surveyId);
  checkSurveyAccess(user, survey, 'manage');
  return survey;
}
