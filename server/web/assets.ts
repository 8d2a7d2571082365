/**
 * Static files under public/, served at /static with fingerprinted URLs: `asset('/css/app.css')`
 * gives `/static/css/app.css?v=<content hash>`. A request carrying the current hash is cached for
 * a year (immutable); anything else for five minutes, so a deploy is picked up at once.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler, type Router } from 'express';

export type AssetUrl = (file: string) => string;

function walk(dir: string, base = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name), `${base}/${e.name}`) : [`${base}/${e.name}`]));
}

export function assetManifest(publicDir: string): Map<string, string> {
  const manifest = new Map<string, string>();
  for (const file of walk(publicDir)) {
    const hash = crypto
      .createHash('sha256')
      .update(fs.readFileSync(path.join(publicDir, file)))
      .digest('hex')
      .slice(0, 12);
    manifest.set(file, hash);
  }
  return manifest;
}

export function assetUrl(manifest: Map<string, string>): AssetUrl {
  return (file) => {
    const hash = manifest.get(file);
    return hash ? `/static${file}?v=${hash}` : `/static${file}`;
  };
}

export function staticFiles(publicDir: string, manifest: Map<string, string>): Router {
  const router = express.Router();
  const cacheHeaders: RequestHandler = (req, res, next) => {
    const fresh = typeof req.query.v === 'string' && manifest.get(req.path) === req.query.v;
    res.setHeader('Cache-Control', fresh ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
    next();
  };
  router.use(cacheHeaders, express.static(publicDir, { cacheControl: false, index: false, fallthrough: true }));
  return router;
}
