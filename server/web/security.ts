/**
 * HTTP hardening: a strict Content-Security-Policy (no inline script or style, no plugins,
 * no <base>, not framed), and the rest of helmet's headers. HSTS and upgrade-insecure-requests
 * only when the app is served over HTTPS (an intranet server on plain HTTP would break otherwise).
 */
import helmet from 'helmet';
import type { RequestHandler } from 'express';
import { Forbidden } from '../errors';

export function securityHeaders(https: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: https ? { maxAge: 31536000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
  });
}

/**
 * Refuse state-changing requests sent by another site (issue 10, item 6): a browser says where
 * a request comes from in `Sec-Fetch-Site` (modern browsers) and `Origin` (all browsers on a
 * POST). A cross-site value, or an Origin that is neither this host nor PUBLIC_URL, is a 403.
 * Requests without either header (curl, old browsers, server-to-server) are let through: the
 * other defences (CSRF token, signed form token) still apply to them.
 */
export function refuseCrossSite(publicUrl: string | undefined): RequestHandler {
  const publicHost = publicUrl ? new URL(publicUrl).host.toLowerCase() : undefined;
  return (req, _res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') {
      next();
      return;
    }
    const site = req.get('sec-fetch-site');
    const origin = req.get('origin');
    let crossSite = site === 'cross-site';
    if (!crossSite && origin !== undefined) {
      let host: string | undefined;
      try {
        host = origin === 'null' ? undefined : new URL(origin).host.toLowerCase();
      } catch {
        host = undefined;
      }
      // This host as the browser sees it: PUBLIC_URL, the Host header, or X-Forwarded-Host behind a trusted proxy (req.host).
      const own = [publicHost, (req.get('host') ?? '').toLowerCase(), req.host?.toLowerCase()];
      crossSite = host === undefined || !own.includes(host);
    }
    next(crossSite ? new Forbidden('error.crossSite') : undefined);
  };
}
