import ExcelJS from 'exceljs';
import { CliSandbox } from '../../fixtures/ikm/cli-harness';
import { csv, rowsFromCounts, WORKED_29 } from '../../fixtures/ikm/builders';

const U9 = ['U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'U7', 'U8', 'U9'];
const WORKED_ROWS = rowsFromCounts(WORKED_29);
const EXACT_SCORE = (955 / 261) * 25; // 91.475…

let box: CliSandbox;
beforeEach(() => {
  box = new CliSandbox();
});
afterEach(() => box.dispose());

/** The worked 29 respondents as Excel's "CSV UTF-8" in an Indonesian locale: BOM, `;`, CRLF, a quoted field. */
function excelExport(): string {
  const rows = WORKED_ROWS.map((r, i) => [String(i + 1), `"Responden; ke-${i + 1}"`, ...r.map((a) => (a === null ? '' : String(a)))]);
  return '\uFEFF' + csv(['No', 'Nama', ...U9], rows, ';');
}

describe('skm ikm, the worked check', () => {
  it('reads a BOM + semicolon Excel export and prints 91,48 A in Bahasa Indonesia', async () => {
    const file = box.write('jawaban.csv', excelExport());
    const out = await box.run('ikm', '--input', file, '--template', 'permenpanrb-14-2017');
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(out.stdout).toMatch(/Nilai IKM \(25–100\)\s+: 91,48\n/);
    expect(out.stdout).toMatch(/Mutu pelayanan\s+: A\n/);
    expect(out.stdout).toMatch(/Kinerja unit pelayanan\s+: Sangat Baik\n/);
    expect(out.stdout).toMatch(/Responden\s+: 29 \(mengisi semua unsur: 29\)/);
    expect(out.stdout).toContain('U4 Biaya/Tarif (NRR 4,000)');
    expect(out.stdout).toContain('U3 Waktu Penyelesaian (NRR 3,448)');
  });

  it('prints one JSON object of the issue shape with unrounded numbers', async () => {
    const file = box.write('jawaban.csv', excelExport());
    const out = await box.run('ikm', '--input', file, '--template', 'permenpanrb-14-2017', '--json', '--target', '90');
    expect(out.code).toBe(0);
    const json = JSON.parse(out.stdout) as Record<string, unknown> & { elements: Record<string, unknown>[] };
    expect(Object.keys(json)).toEqual(['respondents', 'elements', 'ikm', 'score', 'grade', 'performance', 'target', 'achievement']);
    expect(json.respondents).toBe(29);
    expect(json.score).toBeCloseTo(EXACT_SCORE, 12);
    expect(json.score).not.toBe(91.48);
    expect(json.ikm).toBeCloseTo(955 / 261, 14);
    expect(json.grade).toBe('A');
    expect(json.performance).toBe('Sangat Baik');
    expect(json.target).toBe(90);
    expect(json.achievement).toBeCloseTo((EXACT_SCORE / 90) * 100, 10);
    expect(json.elements).toHaveLength(9);
    expect(Object.keys(json.elements[0]!)).toEqual(['code', 'name', 'answered', 'total', 'nrr', 'weighted', 'score']);
    expect(json.elements[3]).toEqual({ code: 'U4', name: 'Biaya/Tarif', answered: 29, total: 116, nrr: 4, weighted: 4 / 9, score: 100 });
    expect(out.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('reproduces the published 90,56 with --weight-decimals 2 and says so', async () => {
    const file = box.write('jawaban.csv', excelExport());
    const out = await box.run('ikm', '--input', file, '--weight-decimals', '2');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/Nilai IKM \(25–100\)\s+: 90,56\n/);
    expect(out.stdout).toContain('bobot dibulatkan 2 desimal = 0,11');
    const json = JSON.parse((await box.run('ikm', '--input', file, '--weight-decimals', '2', '--json')).stdout) as { score: number };
    expect(json.score).toBeCloseTo(90.5603448, 6);
  });

  it('prints English with --lang en, numbers the English way', async () => {
    const file = box.write('answers.csv', excelExport());
    const out = await box.run('ikm', '--input', file, '--template', 'permenpanrb-14-2017', '--lang', 'en');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/IKM score \(25–100\)\s+: 91.48\n/);
    expect(out.stdout).toContain('Very Good');
    expect(out.stdout).toContain('Requirements');
  });

  it('reports achievement with the chosen cap and display rule', async () => {
    const file = box.write('jawaban.csv', excelExport());
    const capped = await box.run('ikm', '--input', file, '--target', '90', '--cap', '100');
    expect(capped.stdout).toMatch(/Capaian\s+: 100,00% \(dibatasi 100%\)/);
    const truncated = await box.run('ikm', '--input', file, '--target', '90', '--achievement-decimals', '1', '--achievement-rounding', 'truncate');
    expect(truncated.stdout).toMatch(/Capaian\s+: 101,6%\n/);
  });

  it('checks the sample against the population when given', async () => {
    const file = box.write('jawaban.csv', excelExport());
    const out = await box.run('ikm', '--input', file, '--population', '1200');
    expect(out.stdout).toContain('291 (populasi 1.200; belum tercukupi, kurang 262 responden)');
  });
});

describe('skm ikm, blanks', () => {
  it('counts an element only over those who answered it', async () => {
    const file = box.write(
      'b.csv',
      csv(
        ['Nama', 'U1', 'U2'],
        [
          ['a', 4, 4],
          ['b', 4, null],
          ['c', 2, null],
          ['d', null, null],
        ],
      ),
    );
    const out = await box.run('ikm', '--input', file, '--json');
    expect(out.code).toBe(0);
    const json = JSON.parse(out.stdout) as { respondents: number; elements: { answered: number; nrr: number }[]; score: number };
    expect(json.respondents).toBe(3);
    expect(json.elements.map((e) => e.answered)).toEqual([3, 1]);
    expect(json.elements[0]!.nrr).toBeCloseTo(10 / 3, 14);
    expect(json.elements[1]!.nrr).toBe(4);
    expect(json.score).toBeCloseTo(((10 / 3 + 4) / 2) * 25, 12);
  });

  it('mentions skipped rows without answers in the table', async () => {
    const file = box.write(
      'b.csv',
      csv(
        ['Nama', 'U1'],
        [
          ['a', 4],
          ['b', null],
        ],
      ),
    );
    const out = await box.run('ikm', '--input', file);
    expect(out.stdout).toContain('baris tanpa jawaban dilewati: 1');
  });
});

describe('skm ikm, bad input gets one message naming row and column, exit 1, no stdout', () => {
  async function refused(content: string | Uint8Array, args: string[] = [], name = 'x.csv') {
    const file = box.write(name, content);
    const out = await box.run('ikm', '--input', file, ...args);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    return out.stderr.trim();
  }

  it('refuses a score outside 1–4', async () => {
    expect(
      await refused(
        csv(
          ['Nama', 'U1', 'U2'],
          [
            ['a', 4, 4],
            ['b', 3, 5],
          ],
        ),
      ),
    ).toBe('Baris 3, kolom U2: nilai "5" di luar rentang 1–4.');
  });

  it('refuses a non-number', async () => {
    expect(
      await refused(
        csv(
          ['U1', 'U2'],
          [
            [4, 4],
            [3, 3],
            ['empat', 3],
          ],
        ),
      ),
    ).toBe('Baris 4, kolom U1: "empat" bukan angka; isi 1–4 atau biarkan kosong.');
  });

  it('refuses a fraction', async () => {
    expect(await refused(csv(['U1'], [['3,5']], ';'))).toBe('Baris 2, kolom U1: nilai "3,5" bukan bilangan bulat 1–4.');
  });

  it('says it in English with --lang en', async () => {
    expect(await refused(csv(['U1', 'U2'], [[4, 0]]), ['--lang', 'en'])).toBe('Row 2, column U2: value "0" is outside 1–4.');
  });

  it('refuses a file missing a U-column of the chosen template', async () => {
    const rows = WORKED_ROWS.map((r) => r.slice(0, 8));
    expect(await refused(csv(U9.slice(0, 8), rows), ['--template', 'permenpanrb-14-2017'])).toBe(
      'Baris 1, kolom U9: kolom tidak ada; templat permenpanrb-14-2017 memerlukan kolom U1–U9.',
    );
  });

  it('refuses a U-column beyond the template', async () => {
    expect(await refused(csv([...U9, 'U10'], [[4, 4, 4, 4, 4, 4, 4, 4, 4, 4]]), ['--template', 'stakeholder'])).toContain('Baris 1, kolom U10:');
  });

  it('refuses a gap in the U-columns of a custom set', async () => {
    expect(await refused(csv(['U1', 'U2', 'U4'], [[4, 4, 4]]))).toBe('Baris 1, kolom U3: kolom tidak ada; kolom unsur harus berurutan U1–U4.');
  });

  it('refuses an empty file, and a file that is only a BOM', async () => {
    expect(await refused('')).toBe('Berkas kosong: tidak ada baris judul maupun jawaban.');
    expect(await refused('\uFEFF\r\n')).toBe('Berkas kosong: tidak ada baris judul maupun jawaban.');
  });

  it('refuses a header without answers', async () => {
    expect(await refused('Nama;U1;U2\r\n')).toBe('Berkas hanya berisi baris judul; tidak ada jawaban responden.');
  });

  it('refuses a file with only blanks', async () => {
    expect(
      await refused(
        csv(
          ['Nama', 'U1', 'U2'],
          [
            ['a', null, null],
            ['b', null, null],
          ],
        ),
      ),
    ).toBe('Semua sel U1–U2 kosong: tidak ada jawaban untuk dihitung.');
  });

  it('refuses an element nobody answered', async () => {
    expect(
      await refused(
        csv(
          ['U1', 'U2'],
          [
            [4, null],
            [3, null],
          ],
        ),
      ),
    ).toBe('Kolom U2: tidak ada satu pun jawaban untuk unsur ini, sehingga NRR-nya tidak terdefinisi.');
  });

  it('refuses a tab- or pipe-separated file', async () => {
    expect(await refused('U1\tU2\n4\t4\n')).toBe('Baris 1: pemisah kolom tidak dikenali. Gunakan koma (,) atau titik koma (;).');
    expect(await refused('U1|U2\n4|4\n')).toBe('Baris 1: pemisah kolom tidak dikenali. Gunakan koma (,) atau titik koma (;).');
  });

  it('refuses a row whose separator differs from the header', async () => {
    expect(await refused('Nama;U1;U2\r\na;4;4\r\nb,4,4\r\n')).toBe('Baris 3: ada 1 kolom, padahal baris judul 3 kolom. Periksa pemisah dan tanda kutip.');
  });

  it('refuses UTF-16 (Excel "Unicode text")', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('U1,U2\r\n4,4\r\n', 'utf16le')]);
    expect(await refused(utf16)).toContain('UTF-16');
  });

  it('refuses invalid UTF-8, naming the row', async () => {
    const bad = Buffer.concat([Buffer.from('Nama,U1\na,4\n'), Buffer.from([0x42, 0xe9, 0x6c]), Buffer.from(',3\n')]);
    expect(await refused(bad)).toBe('Baris 3: berkas bukan teks UTF-8 yang sah. Simpan ulang sebagai "CSV UTF-8".');
  });

  it('refuses a missing file', async () => {
    const out = await box.run('ikm', '--input', box.path('tidak-ada.csv'));
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('Berkas tidak ditemukan');
  });
});

describe('skm ikm, XLSX input', () => {
  async function workbook(rows: (string | number | null)[][]): Promise<string> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Jawaban');
    for (const r of rows) ws.addRow(r);
    const path = box.path('jawaban.xlsx');
    await wb.xlsx.writeFile(path);
    return path;
  }

  it('computes the worked check from an XLSX sheet', async () => {
    const path = await workbook([['No', 'Nama', ...U9], ...WORKED_ROWS.map((r, i) => [i + 1, `R${i + 1}`, ...r])]);
    const out = await box.run('ikm', '--input', path, '--template', 'permenpanrb-14-2017', '--json');
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const json = JSON.parse(out.stdout) as { respondents: number; score: number; grade: string };
    expect(json.respondents).toBe(29);
    expect(json.score).toBeCloseTo(EXACT_SCORE, 12);
    expect(json.grade).toBe('A');
  });

  it('names the sheet row and column of a bad cell', async () => {
    const path = await workbook([
      ['U1', 'U2'],
      [4, 4],
      [3, 'lima'],
    ]);
    const out = await box.run('ikm', '--input', path);
    expect(out).toEqual({ code: 1, stdout: '', stderr: 'Baris 3, kolom U2: "lima" bukan angka; isi 1–4 atau biarkan kosong.\n' });
  });

  it('treats empty cells as blanks', async () => {
    const path = await workbook([
      ['U1', 'U2'],
      [4, null],
      [2, 3],
    ]);
    const json = JSON.parse((await box.run('ikm', '--input', path, '--json')).stdout) as { elements: { answered: number }[] };
    expect(json.elements.map((e) => e.answered)).toEqual([2, 1]);
  });
});

describe('skm command line', () => {
  it('refuses an unknown command with exit 2', async () => {
    const out = await box.run('hitung');
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('Perintah tidak dikenal: "hitung"');
  });

  it('requires --input', async () => {
    expect(await box.run('ikm')).toEqual({ code: 2, stdout: '', stderr: 'Opsi --input wajib diisi.\n' });
  });

  it('refuses an unknown template, option or bad decimals', async () => {
    expect((await box.run('ikm', '--input', 'a.csv', '--template', 'x')).code).toBe(2);
    expect((await box.run('ikm', '--input', 'a.csv', '--bogus')).stderr).toBe('Opsi tidak dikenal: --bogus (lihat skm --help).\n');
    expect((await box.run('ikm', '--input', 'a.csv', '--weight-decimals', 'dua', '--lang', 'en')).stderr).toBe(
      'Option --weight-decimals: "dua" must be a whole number 0–12.\n',
    );
  });

  it('prints help with exit 0', async () => {
    const out = await box.run('--help');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('skm sample --population');
  });
});

describe('skm sample', () => {
  it('prints the Krejcie–Morgan minimum for a population', async () => {
    const out = await box.run('sample', '--population', '1200');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Sampel minimum (Krejcie & Morgan): 291');
    expect(out.stdout).toContain('Populasi: 1.200');
  });

  it('prints JSON with adequacy', async () => {
    const out = await box.run('sample', '--population', '100000', '--respondents', '400', '--json');
    expect(JSON.parse(out.stdout)).toMatchObject({ population: 100000, sample: 383, respondents: 400, adequate: true, shortfall: 0 });
  });

  it('refuses a population that is not a whole number', async () => {
    expect((await box.run('sample', '--population', '12.5')).code).toBe(2);
    expect((await box.run('sample')).stderr).toBe('Opsi --population wajib diisi.\n');
  });
});
