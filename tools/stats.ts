/**
 * The dashboard's counters from the command line:
 *
 *   npm run stats -- verify [--survey <slug>]    compare the counters with a recount of the raw
 *                                                responses; exit code 1 when any differ
 *   npm run stats -- rebuild [--survey <slug>]   replace the counters with the recount, then verify
 *
 * Without --survey every survey is processed. Uses MONGODB_URI, or the embedded database in
 * DATA_DIR (stop the app first: one embedded database per data directory). Run `rebuild` when no
 * responses are arriving for that survey.
 */
import { loadConfig, ConfigError } from '../server/config';
import { openDatabase } from '../server/start';
import { disconnectDatabase } from '../server/db/connection';
import { Survey } from '../models/survey';
import { rebuildStats, verifyStats } from '../server/results';

const USAGE = 'usage: npm run stats -- verify|rebuild [--survey <slug>]';

async function main(argv: string[]): Promise<number> {
  const command = argv[0];
  if (command !== 'verify' && command !== 'rebuild') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const i = argv.indexOf('--survey');
  const slug = i >= 0 ? argv[i + 1] : undefined;
  if (i >= 0 && !slug) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  const db = await openDatabase(config, (line) => process.stderr.write(`stats: ${line}\n`));
  let failed = 0;
  try {
    const surveys = await Survey.find(slug ? { slug } : {}, { slug: 1, title: 1 })
      .sort({ slug: 1 })
      .lean();
    if (slug && surveys.length === 0) {
      process.stderr.write(`stats: no survey with slug "${slug}"\n`);
      return 1;
    }
    for (const s of surveys) {
      if (command === 'rebuild') {
        const r = await rebuildStats(s._id);
        process.stdout.write(`${s.slug}: rebuilt ${r.buckets} buckets, ${r.respondents} respondents\n`);
      }
      const v = await verifyStats(s._id);
      if (v.ok) {
        process.stdout.write(`${s.slug}: ok (${v.buckets} buckets)\n`);
        continue;
      }
      failed++;
      process.stdout.write(`${s.slug}: ${v.differences.length} counters differ from the raw responses\n`);
      for (const d of v.differences.slice(0, 50)) {
        process.stdout.write(`  ${d.bucket} ${d.field}: counter ${d.actual}, recount ${d.expected}\n`);
      }
      if (v.differences.length > 50) process.stdout.write(`  … and ${v.differences.length - 50} more\n`);
    }
  } finally {
    await disconnectDatabase().catch(() => undefined);
    await db.embedded?.stop();
  }
  if (failed > 0) process.stdout.write(`${failed} survey(s) differ: run "npm run stats -- rebuild${slug ? ` --survey ${slug}` : ''}"\n`);
  return failed > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`stats: ${e instanceof ConfigError ? e.message : ((e as Error).message ?? String(e))}\n`);
    process.exit(1);
  },
);
