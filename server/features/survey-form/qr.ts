/** QR codes of a survey's public link, for posters, letters and service counters. */
import { createCanvas } from '@napi-rs/canvas';
import QRCode from 'qrcode';

const options = { errorCorrectionLevel: 'M', margin: 2 } as const;

/** Width of the PNG in pixels, at least (a whole number of pixels per module). */
const PNG_WIDTH = 600;

export function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { ...options, type: 'svg' });
}

/**
 * The PNG is drawn with @napi-rs/canvas (native, as the report charts are): qrcode's own PNG
 * writer is pure JavaScript and took 15–20 s per image inside jest's module sandbox.
 */
export async function qrPng(url: string): Promise<Buffer> {
  const { modules } = QRCode.create(url, { errorCorrectionLevel: options.errorCorrectionLevel });
  const cells = modules.size + 2 * options.margin;
  const scale = Math.ceil(PNG_WIDTH / cells);
  const canvas = createCanvas(cells * scale, cells * scale);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#000000';
  for (let row = 0; row < modules.size; row += 1) {
    for (let col = 0; col < modules.size; col += 1) {
      if (modules.get(row, col)) ctx.fillRect((col + options.margin) * scale, (row + options.margin) * scale, scale, scale);
    }
  }
  return canvas.encode('png');
}

/**
 * The base of public links (share link, QR codes, posters): PUBLIC_URL when set, else the
 * address the request came to (which may be 127.0.0.1 or an internal host: the survey page
 * warns about that, and start-up warns in production).
 */
export function publicBaseUrl(configured: string | undefined, request: { protocol: string; host: string | undefined }): string {
  return configured ? configured.replace(/\/+$/, '') : `${request.protocol}://${request.host ?? 'localhost'}`;
}
