/**
 * Oversized upload files for the import's denial-of-service tests (issue 10), built without
 * holding them unpacked in memory: an XLSX is a real ZIP (stored entries for the small parts,
 * the sheet deflated as it is generated), so exceljs and LibreOffice read it as any workbook.
 */
import zlib from 'node:zlib';

interface Entry {
  name: string;
  data: Buffer;
  crc: number;
  size: number;
  method: 0 | 8;
}

function stored(name: string, text: string): Entry {
  const data = Buffer.from(text, 'utf8');
  return { name, data, crc: zlib.crc32(data), size: data.length, method: 0 };
}

/** Deflates generated text chunk by chunk; the unpacked text never exists whole. */
function deflated(name: string, chunks: Iterable<string>): Entry {
  const out: Buffer[] = [];
  let crc = 0;
  let size = 0;
  const parts: Buffer[] = [];
  // Independent raw deflate runs, each ended by a sync flush (no final block), concatenate
  // into one valid deflate stream; the last one ends it.
  const deflate = { call: (b: Buffer, flush: number) => zlib.deflateRawSync(b, { level: 1, finishFlush: flush }) };
  for (const chunk of chunks) {
    const b = Buffer.from(chunk, 'utf8');
    crc = zlib.crc32(b, crc);
    size += b.length;
    parts.push(b);
    if (parts.length === 64) out.push(deflate.call(Buffer.concat(parts.splice(0)), zlib.constants.Z_SYNC_FLUSH));
  }
  out.push(deflate.call(Buffer.concat(parts), zlib.constants.Z_FINISH));
  return { name, data: Buffer.concat(out), crc, size, method: 8 };
}

function zip(entries: Entry[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, e.data);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(e.method, 10);
    cd.writeUInt32LE(e.crc >>> 0, 16);
    cd.writeUInt32LE(e.data.length, 20);
    cd.writeUInt32LE(e.size, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    offset += 30 + name.length + e.data.length;
  }
  const cdBuf = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdBuf.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cdBuf, end]);
}

const col = (i: number): string => (i < 26 ? String.fromCharCode(65 + i) : col(Math.floor(i / 26) - 1) + String.fromCharCode(65 + (i % 26)));

/** An XLSX whose one sheet has a header U1…U{columns} and `rows` data rows of scores. */
export function xlsxWithRows(rows: number, columns = 9): Buffer {
  function* sheet(): Generator<string> {
    yield '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
    yield `<row r="1">${Array.from({ length: columns }, (_, c) => `<c r="${col(c)}1" t="inlineStr"><is><t>U${c + 1}</t></is></c>`).join('')}</row>`;
    const letters = Array.from({ length: columns }, (_, c) => col(c));
    let batch = '';
    for (let r = 2; r <= rows + 1; r++) {
      batch += `<row r="${r}">`;
      for (let c = 0; c < columns; c++) batch += `<c r="${letters[c]}${r}"><v>${1 + ((r + c) % 4)}</v></c>`;
      batch += '</row>';
      if (r % 2000 === 0) {
        yield batch;
        batch = '';
      }
    }
    yield `${batch}</sheetData></worksheet>`;
  }
  return zip([
    stored(
      '[Content_Types].xml',
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    ),
    stored(
      '_rels/.rels',
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    ),
    stored(
      'xl/workbook.xml',
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    ),
    stored(
      'xl/_rels/workbook.xml.rels',
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    ),
    deflated('xl/worksheets/sheet1.xml', sheet()),
  ]);
}

/** A CSV with one header line of `columns` columns and one data line (issue 10: 600,000 columns in 1.2 MB). */
export function csvWithColumns(columns: number): Buffer {
  const line = Array.from({ length: columns }, (_, i) => (i < 9 ? `U${i + 1}` : '')).join(',');
  return Buffer.from(`${line}\n${line.replace(/U\d+/g, '4')}\n`);
}

/** A CSV of `rows` data rows of scores U1…U9. */
export function csvWithRows(rows: number): Buffer {
  const row = '4,3,4,3,4,3,4,3,4\n';
  return Buffer.concat([Buffer.from('U1,U2,U3,U4,U5,U6,U7,U8,U9\n'), Buffer.from(row.repeat(rows))]);
}
