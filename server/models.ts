/** Registers every mongoose model (import for side effects before syncing indexes). */
import '../models/unit';
import '../models/survey';
import '../models/response';
import '../models/user';
import '../models/rate-limit';
import '../models/device-response';
import '../models/survey-stats';
import '../models/import-batch';
import '../models/follow-up-plan';
import '../models/counting-outbox';
import '../models/app-instance';
import '../models/lease';
