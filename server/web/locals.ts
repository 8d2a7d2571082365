/**
 * Per-request view helpers: the language (query ?lang= remembered in a cookie, default
 * Bahasa Indonesia), the translator, number formatting and asset URLs.
 */
import type { Request, RequestHandler, Response } from 'express';
import { parse as parseCookie } from 'cookie';
import { isLang, translator, type Lang } from '../i18n';
import { formatNumber } from '../i18n/format';
import type { AssetUrl } from './assets';

declare module 'express-serve-static-core' {
  interface Request {
    lang: Lang;
  }
}

export const LANG_COOKIE = 'lang';

/**
 * Switches the request's language: remembered in a cookie (when `remember`), and the view
 * locals (lang, t, the switch link) follow. Also used by the survey form's in-form switch,
 * which posts the answers so none is lost.
 */
export function useLanguage(req: Request, res: Response, lang: Lang, remember: { secure: boolean } | null): void {
  if (remember) res.cookie(LANG_COOKIE, lang, { httpOnly: true, sameSite: 'lax', secure: remember.secure, maxAge: 365 * 24 * 3600 * 1000 });
  req.lang = lang;
  // fmtInt: a count written the language's way (1.200 in Indonesian, 1,200 in English).
  const fmtInt = (x: number) => formatNumber(x, 0, lang);
  Object.assign(res.locals, { lang, t: translator(lang), fmtInt });
  // The switch link is worked out only when a page shows it (a redirect or JSON answer never does).
  Object.defineProperty(res.locals, 'switchLangUrl', {
    configurable: true,
    enumerable: true,
    get: () => switchLangUrl(req.originalUrl, lang === 'id' ? 'en' : 'id'),
  });
}

/** The same page in the other language. */
function switchLangUrl(originalUrl: string, other: Lang): string {
  const url = new URL(originalUrl, 'http://x');
  url.searchParams.set('lang', other);
  return `${url.pathname}${url.search}`;
}

export function languageAndLocals(asset: AssetUrl, secureCookies: boolean): RequestHandler {
  return (req, res, next) => {
    const fromQuery = req.query.lang;
    const fromCookie = parseCookie(req.headers.cookie ?? '')[LANG_COOKIE];
    const lang: Lang = isLang(fromQuery) ? fromQuery : isLang(fromCookie) ? fromCookie : 'id';
    useLanguage(req, res, lang, isLang(fromQuery) ? { secure: secureCookies } : null);
    Object.assign(res.locals, { asset, currentPath: req.path });
    next();
  };
}
