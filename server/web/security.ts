/**
 * HTTP hardening: a strict Content-Security-Policy (no inline script or style, no plugins,
 * no <base>, not framed), and the rest of helmet's headers. HSTS and upgrade-insecure-requests
 * only when the app is served over HTTPS (an intranet server on plain HTTP would break otherwise).
 */
import helmet from 'helmet';
import type { RequestHandler } from 'express';

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
