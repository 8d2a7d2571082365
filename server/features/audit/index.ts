/** The audit trail, as other features use it: every admin action that changes data is recorded. */
export { changedFields, recordAudit } from './audit.service';
