/**
 * Runs before every test file (jest `setupFiles`): argon2id at the test suite's low cost, so
 * logins, account creation and unknown-account checks are fast; the hashes stay real argon2id.
 * A started app (`node dist/server/main.js`) never lowers it: tests/unit/password.test.ts.
 */
import { useTestPasswordHashCost } from '../../server/features/auth/password';

useTestPasswordHashCost();
