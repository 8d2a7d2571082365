/**
 * Turns a table of answers into the method's tally, one row at a time (memory O(k)):
 * finds the U-columns in the header, checks them against the template, and parses each cell
 * as a score 1–4 or a blank. The first problem stops the pass with a message naming the row
 * and the column; nothing partial is returned.
 */
import { genericElementSet, IkmAccumulator, readScore, type Answer, type ElementSet, type Tally } from '../ikm';
import { inputError } from './errors';
import { cellText, type Cell, type TableSource } from './read-table';

/** Where the element columns are. */
export interface HeaderLayout {
  readonly set: ElementSet;
  /** Cell index of element j (U{j+1}). */
  readonly columns: readonly number[];
  /** Number of header cells (CSV rows must have as many). */
  readonly width: number;
}

const U_COLUMN = /^U([1-9]\d*)$/i;

/** Reads the header row: which cell holds U1, U2, …; checks them against the template. */
export function readHeader(cells: readonly Cell[], template: ElementSet | undefined): HeaderLayout {
  const names = cells.map(cellText);
  const byNumber = new Map<number, number>();
  names.forEach((name, i) => {
    const m = U_COLUMN.exec(name);
    if (!m) return;
    const n = Number(m[1]);
    if (byNumber.has(n)) throw inputError((msg) => msg.duplicateColumn({ row: 1, column: name }));
    byNumber.set(n, i);
  });
  if (byNumber.size === 0) {
    if (names.length === 1 && /[\t|]/.test(names[0]!)) throw inputError((m) => m.wrongDelimiter({ row: 1 }));
    throw inputError((m) => m.noUColumns({ row: 1 }));
  }
  const highest = Math.max(...byNumber.keys());
  const k = template ? template.elements.length : highest;
  const need = (m: Parameters<Parameters<typeof inputError>[0]>[0]): string => (template ? m.templateNeeds(template.id, k) : m.customNeeds(k));
  for (let n = 1; n <= k; n++) {
    if (!byNumber.has(n)) throw inputError((m) => m.missingColumn({ row: 1, column: `U${n}` }, need(m)));
  }
  if (highest > k) throw inputError((m) => m.extraColumn({ row: 1, column: `U${highest}` }, need(m)));
  const columns = Array.from({ length: k }, (_, j) => byNumber.get(j + 1)!);
  return { set: template ?? genericElementSet(k), columns, width: cells.length };
}

/** Parses one cell as a score 1–4, or null when empty (the method's reading: server/ikm readScore). */
export function parseScore(cell: Cell | undefined, row: number, column: string): Answer {
  if (typeof cell === 'object' && cell !== null) throw inputError((m) => m.notANumber({ row, column }, cell.other));
  const r = readScore(cell);
  switch (r.kind) {
    case 'blank':
      return null;
    case 'score':
      return r.score;
    case 'outOfRange':
      throw inputError((m) => m.outOfRange({ row, column }, String(cell).trim()));
    case 'notInteger':
      throw inputError((m) => m.notInteger({ row, column }, String(cell).trim()));
    default:
      throw inputError((m) => m.notANumber({ row, column }, String(cell).trim()));
  }
}

/** The tally of a whole table and the element set it was read with. */
export interface FileTally {
  readonly set: ElementSet;
  readonly tally: Tally;
}

/**
 * Reads every row of `source` into an accumulator.
 * @throws CliError naming the row and column of the first problem.
 */
export async function tallyTable(source: TableSource, template: ElementSet | undefined): Promise<FileTally> {
  let layout: HeaderLayout | undefined;
  let acc: IkmAccumulator | undefined;
  let answers: Answer[] = [];
  let dataRows = 0;
  for await (const { row, cells } of source.rows) {
    if (!layout) {
      layout = readHeader(cells, template);
      acc = new IkmAccumulator(layout.set.elements.length);
      answers = new Array<Answer>(layout.columns.length).fill(null);
      continue;
    }
    if (source.fixedWidth && cells.length !== layout.width) {
      const width = layout.width;
      throw inputError((m) => m.fieldCount({ row }, cells.length, width));
    }
    const columns = layout.columns;
    for (let j = 0; j < columns.length; j++) answers[j] = parseScore(cells[columns[j]!], row, `U${j + 1}`);
    acc!.add(answers);
    dataRows++;
  }
  if (!layout || !acc) throw inputError((m) => m.emptyFile());
  if (dataRows === 0) throw inputError((m) => m.noDataRows());
  const tally = acc.tally();
  if (tally.respondents === 0) {
    const k = layout.columns.length;
    throw inputError((m) => m.onlyBlanks(k === 1 ? 'U1' : `U1–U${k}`));
  }
  return { set: layout.set, tally };
}
