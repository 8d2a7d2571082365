/** The QR PNG carries exactly the symbol qrcode computes for the link, module by module, with a quiet zone. */
import { loadImage, createCanvas } from '@napi-rs/canvas';
import QRCode from 'qrcode';
import { qrPng } from '../../server/features/survey-form/qr';

test('qrPng: every module of the symbol is drawn dark or light as computed, inside a light 2-module margin', async () => {
  const url = 'https://skm.example.go.id/s/skm-dit-pkr-2022';
  const png = await qrPng(url);
  const img = await loadImage(png);
  const { modules } = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const cells = modules.size + 4;
  expect(img.width).toBe(img.height);
  expect(img.width % cells).toBe(0);
  expect(img.width).toBeGreaterThanOrEqual(600);
  const scale = img.width / cells;
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, img.width, img.height).data;
  const darkAt = (cellRow: number, cellCol: number) => {
    const x = Math.floor((cellCol + 0.5) * scale);
    const y = Math.floor((cellRow + 0.5) * scale);
    return data[(y * img.width + x) * 4]! < 128;
  };
  let dark = 0;
  for (let r = 0; r < cells; r += 1) {
    for (let c = 0; c < cells; c += 1) {
      const inside = r >= 2 && c >= 2 && r < modules.size + 2 && c < modules.size + 2;
      const expected = inside && Boolean(modules.get(r - 2, c - 2));
      expect([r, c, darkAt(r, c)]).toEqual([r, c, expected]);
      if (expected) dark += 1;
    }
  }
  expect(dark).toBeGreaterThan(100);
});
