/**
 * Run by import-dos.test.ts in a separate node process with a small heap: builds each hostile
 * file, reads it with the import's reader, and prints one JSON line per case (the refusal, the
 * time taken, the peak resident memory). A reader that held a whole file unpacked would die
 * here of heap exhaustion instead.
 */
import { readTable } from '../../server/features/import/import.mapping';
import { TableReadError } from '../../server/lib/read-table';
import { csvWithColumns, csvWithRows, xlsxWithRows } from '../support/hostile-files';

const cases: Record<string, () => Buffer> = {
  'xlsx-60k-rows': () => xlsxWithRows(60_000),
  'xlsx-420k-rows': () => xlsxWithRows(420_000),
  'csv-600k-columns': () => csvWithColumns(600_000),
  'csv-1m-rows': () => csvWithRows(1_000_000),
  'csv-5mb-cell': () => Buffer.from(`U1,Saran\n4,"${'x'.repeat(5_000_000)}"\n`),
};

async function main(): Promise<void> {
  for (const name of process.argv.slice(2)) {
    const file = cases[name]!();
    const t0 = process.hrtime.bigint();
    let outcome: Record<string, unknown>;
    try {
      const table = await readTable(file);
      outcome = { rows: table.rows.length };
    } catch (e) {
      outcome = e instanceof TableReadError ? { code: e.code, row: e.row ?? null } : { error: String(e) };
    }
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    process.stdout.write(
      `${JSON.stringify({ name, bytes: file.length, ms: Math.round(ms), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), ...outcome })}\n`,
    );
  }
}

void main();
