/** Absolute paths of the project's folders, the same from sources (tests) and from dist/ (node). */
import fs from 'node:fs';
import path from 'node:path';

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'views'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find the project root above ${start}`);
  }
}

export const ROOT = findRoot(__dirname);
export const VIEWS_DIR = path.join(ROOT, 'views');
export const PUBLIC_DIR = path.join(ROOT, 'public');
export const TOOLS_DIR = path.join(ROOT, 'tools');
