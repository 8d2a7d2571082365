/**
 * The module map (README, "Architecture"), checked over every import in server/ and models/.
 * Imports are read with TypeScript's own pre-processor, so `import type`, `export … from` and
 * `require()` all count. A rule lists what a group of files may NOT import.
 */
import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import ts from 'typescript';
import '../../server/models';

const ROOT = path.resolve(__dirname, '../..');

function walk(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) return walk(rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

interface Import {
  from: string;
  /** A package name ('express', 'node:fs') or a repo-relative path without extension ('server/web/auth'). */
  target: string;
}

function importsOf(file: string): Import[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  return ts.preProcessFile(text, true, true).importedFiles.map(({ fileName }) => ({
    from: file,
    target: fileName.startsWith('.') ? path.posix.normalize(path.posix.join(path.posix.dirname(file), fileName)) : fileName,
  }));
}

const FILES = [...walk('server'), ...walk('models')];
const IMPORTS = FILES.flatMap(importsOf);

const ours = (t: string) => t.startsWith('server/') || t.startsWith('models/') || t === 'server' || t === 'models';
const under = (dir: string) => (t: string) => t === dir || t.startsWith(`${dir}/`);
const isExpress = (t: string) => t === 'express' || t.startsWith('express-') || t === 'multer' || t === 'helmet';
const isService = (f: string) => /\.service\.ts$/.test(f);
const isRoutes = (f: string) => /\.routes\.ts$/.test(f);
/** The feature folder a path is in (server/features/<name>/…), or null. */
function featureOf(p: string): string | null {
  const name = /^server\/features\/([^/.]+)(?:\/|$)/.exec(p)?.[1];
  return name === undefined || name === 'index' ? null : name;
}
/** The files that wire everything together: they may see every feature. */
const COMPOSITION_ROOTS = ['server/app.ts', 'server/main.ts'];

interface Rule {
  name: string;
  files: (f: string) => boolean;
  forbidden: (target: string, from: string) => boolean;
}

const RULES: Rule[] = [
  {
    name: 'server/ikm (the method) imports nothing of ours outside server/ikm, and no framework',
    files: under('server/ikm'),
    forbidden: (t) => (ours(t) && !under('server/ikm')(t)) || isExpress(t) || t === 'mongoose' || t === 'mongodb',
  },
  {
    name: 'server/i18n imports nothing of ours except the method (format.ts rounds with server/ikm)',
    files: under('server/i18n'),
    forbidden: (t) => (ours(t) && !under('server/i18n')(t) && !under('server/ikm')(t)) || isExpress(t) || t === 'mongoose',
  },
  {
    name: 'models hold schemas only: they import nothing from server/',
    files: under('models'),
    forbidden: (t) => under('server')(t),
  },
  {
    name: 'services and domain modules never import the web layer or Express',
    files: (f) =>
      isService(f) ||
      under('server/access')(f) ||
      under('server/responses')(f) ||
      under('server/results')(f) ||
      under('server/lib')(f) ||
      under('server/db')(f) ||
      f === 'server/validation.ts' ||
      f === 'server/errors.ts',
    forbidden: (t) => under('server/web')(t) || isExpress(t),
  },
  {
    name: 'routes never touch models directly (they call a service)',
    files: isRoutes,
    forbidden: (t) => under('models')(t),
  },
  {
    name: 'the web layer is generic: it imports no feature',
    files: under('server/web'),
    forbidden: (t) => under('server/features')(t),
  },
  {
    name: 'domain modules import no feature (only the composition roots app.ts and main.ts do)',
    files: (f) => under('server')(f) && !under('server/features')(f) && !COMPOSITION_ROOTS.includes(f),
    forbidden: (t) => under('server/features')(t),
  },
  {
    name: "a feature uses another feature only through that feature's index.ts, never its other files",
    files: (f) => featureOf(f) !== null,
    forbidden: (t, from) => {
      const other = featureOf(t);
      return other !== null && other !== featureOf(from) && t !== `server/features/${other}` && t !== `server/features/${other}/index`;
    },
  },
  {
    name: "a feature's index.ts is its interface: it exports no routes (features/index.ts mounts them)",
    files: (f) => /^server\/features\/[^/]+\/index\.ts$/.test(f),
    forbidden: (t) => isRoutes(`${t}.ts`),
  },
];

describe('architecture: who may import whom', () => {
  test('the checker sees the imports of every file (it cannot pass by reading nothing)', () => {
    expect(FILES.length).toBeGreaterThan(50);
    expect(IMPORTS.some((i) => i.from === 'server/app.ts' && i.target === 'server/web/auth')).toBe(true);
    expect(IMPORTS.some((i) => i.from === 'server/web/auth.ts' && i.target === 'express')).toBe(true);
    expect(IMPORTS.some((i) => i.from === 'server/features/users/users.service.ts' && i.target === 'server/features/audit')).toBe(true);
    expect(featureOf('server/features/audit/audit.service')).toBe('audit');
    expect(featureOf('server/features/audit')).toBe('audit');
    expect(featureOf('server/features/index')).toBeNull();
    for (const rule of RULES) expect(FILES.filter(rule.files).length).toBeGreaterThan(0);
  });

  test.each(RULES.map((r) => [r.name, r] as const))('%s', (_name, rule) => {
    const violations = IMPORTS.filter((i) => rule.files(i.from) && rule.forbidden(i.target, i.from)).map((i) => `${i.from} → ${i.target}`);
    expect(violations).toEqual([]);
  });
});

describe('architecture: models', () => {
  test('server/models.ts registers every model defined in models/', () => {
    const defined = walk('models').flatMap((f) => [...fs.readFileSync(path.join(ROOT, f), 'utf8').matchAll(/\bmodel\(\s*'(\w+)'/g)].map((m) => m[1]!));
    expect(defined.length).toBeGreaterThan(10);
    expect([...mongoose.modelNames()].sort()).toEqual(defined.sort());
  });
});
