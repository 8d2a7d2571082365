/**
 * The `skm` command's view of the one table reader (server/lib/read-table.ts): a file on disk,
 * no size limits (the command streams a million rows in constant memory), and the reader's
 * refusals worded as the command's messages.
 */
import { openTable as openInput, TableReadError, type TableRow, type TableSource } from '../lib/read-table';
import { CliError, inputError } from './errors';

export { cellText, detectDelimiter, xlsxCell, type Cell, type TableRow, type TableSource } from '../lib/read-table';

function cliError(e: unknown, path: string): unknown {
  if (!(e instanceof TableReadError)) return e;
  const row = e.row;
  switch (e.code) {
    case 'notFound':
      return inputError((m) => m.fileNotFound(path));
    case 'oldXls':
      return inputError((m) => m.oldXls());
    case 'utf16':
      return inputError((m) => m.utf16());
    case 'invalidUtf8':
      return inputError((m) => m.invalidUtf8({ row: row ?? 1 }));
    case 'empty':
      return inputError((m) => m.emptyFile());
    case 'xlsxUnreadable':
      return inputError((m) => m.xlsxUnreadable(e.detail));
    case 'csvUnreadable':
      return inputError((m) => m.fileUnreadable(path, row !== undefined ? `${row}: ${e.detail}` : e.detail));
    default:
      return inputError((m) => m.fileUnreadable(path, e.message));
  }
}

async function* worded(rows: AsyncIterable<TableRow>, path: string): AsyncGenerator<TableRow> {
  try {
    yield* rows;
  } catch (e) {
    throw e instanceof CliError ? e : cliError(e, path);
  }
}

/** Opens an answer file, choosing the reader from its content (not its name). */
export async function openTable(path: string): Promise<TableSource> {
  try {
    const source = await openInput({ path });
    return { ...source, rows: worded(source.rows, path) };
  } catch (e) {
    throw cliError(e, path);
  }
}
