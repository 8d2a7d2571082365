/**
 * Per-request view helpers: the language (query ?lang= remembered in a cookie, default
 * Bahasa Indonesia), the translator, number formatting and asset URLs.
 */
import type { RequestHandler } from 'express';
import { parse as parseCookie } from 'cookie';
import { isLang, translator, type Lang } from '../i18n';
import type { AssetUrl } from './assets';

declare module 'express-serve-static-core' {
  interface Request {
    lang: Lang;
  }
}

export const LANG_COOKIE = 'lang';

export function languageAndLocals(asset: AssetUrl, secureCookies: boolean): RequestHandler {
  return (req, res, next) => {
    const fromQuery = req.query.lang;
    let lang: Lang = 'id';
    if (isLang(fromQuery)) {
      lang = fromQuery;
      res.cookie(LANG_COOKIE, lang, { httpOnly: true, sameSite: 'lax', secure: secureCookies, maxAge: 365 * 24 * 3600 * 1000 });
    } else {
      const fromCookie = parseCookie(req.headers.cookie ?? '')[LANG_COOKIE];
      if (isLang(fromCookie)) lang = fromCookie;
    }
    req.lang = lang;
    const other: Lang = lang === 'id' ? 'en' : 'id';
    const url = new URL(req.originalUrl, 'http://x');
    url.searchParams.set('lang', other);
    Object.assign(res.locals, {
      lang,
      t: translator(lang),
      asset,
      switchLangUrl: `${url.pathname}${url.search}`,
      currentPath: req.path,
    });
    next();
  };
}
