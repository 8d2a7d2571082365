/**
 * `npm run db:build`: build (or find) the embedded database ahead of time. The app and the
 * tests do this on first use too; CI runs it as its own step so a failure is easy to read.
 */
import { ensureFerretDbBinary, findMongod } from '../server/db/embedded';

async function main(): Promise<void> {
  const mongod = findMongod(process.env.MONGOD_BIN);
  if (mongod && process.env.EMBEDDED_DB !== 'ferretdb') {
    process.stdout.write(`db:build: using mongod at ${mongod}\n`);
    return;
  }
  const bin = await ensureFerretDbBinary((line) => process.stdout.write(`db:build: ${line}\n`));
  process.stdout.write(`db:build: FerretDB ready at ${bin}\n`);
}

main().catch((e: Error) => {
  process.stderr.write(`db:build: ${e.message}\n`);
  process.exit(1);
});
