/** Registers every mongoose model (import for side effects before syncing indexes); tests/unit/architecture.test.ts checks none is missing. */
import '../models/api-token';
import '../models/app-instance';
import '../models/audit-log';
import '../models/counting-outbox';
import '../models/device-response';
import '../models/export-job';
import '../models/follow-up-plan';
import '../models/import-batch';
import '../models/lease';
import '../models/login-attempt';
import '../models/migration';
import '../models/rate-limit';
import '../models/response';
import '../models/survey-stats';
import '../models/survey';
import '../models/unit';
import '../models/user';
