/** QR codes of a survey's public link, for posters, letters and service counters. */
import QRCode from 'qrcode';

const options = { errorCorrectionLevel: 'M', margin: 2 } as const;

export function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { ...options, type: 'svg' });
}

export function qrPng(url: string): Promise<Buffer> {
  return QRCode.toBuffer(url, { ...options, type: 'png', width: 600 });
}

/**
 * The base of public links (share link, QR codes, posters): PUBLIC_URL when set, else the
 * address the request came to (which may be 127.0.0.1 or an internal host: the survey page
 * warns about that, and start-up warns in production).
 */
export function publicBaseUrl(configured: string | undefined, request: { protocol: string; host: string | undefined }): string {
  return configured ? configured.replace(/\/+$/, '') : `${request.protocol}://${request.host ?? 'localhost'}`;
}
