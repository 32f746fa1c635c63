import QRCode from 'qrcode';
import sharp from 'sharp';

/** 50 mm at 300 dpi: the smallest label a phone camera reads from a step away. */
export const LABEL_MIN_PX = 591;

/**
 * What the 一机一码 QR encodes: the HTTPS address of the welder's scan page with the signed token in
 * the fragment, so a phone's own camera app opens the page (the fragment never reaches a server log)
 * and the page submits the token after sign-in (src/ui/public/phone.js).
 */
export const scanPageUrl = (baseUrl: string, token: string): string =>
  `${baseUrl.replace(/\/$/, '')}/ui/phone.html#m=${encodeURIComponent(token)}`;

const escapeXml = (s: string) =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );

/**
 * The printable label: the QR (error correction Q: a scuffed or oily label still reads) at least
 * 591 px wide, and under it, large, the machine's code a welder may type instead of scanning.
 */
export async function machineLabelPng(url: string, name: string, id: string): Promise<Buffer> {
  const modules = QRCode.create(url, { errorCorrectionLevel: 'Q' }).modules.size;
  const margin = 4;
  const scale = Math.ceil(LABEL_MIN_PX / (modules + 2 * margin));
  const qr = await QRCode.toBuffer(url, { errorCorrectionLevel: 'Q', margin, scale });
  const qrWidth = (modules + 2 * margin) * scale;
  const textHeight = 150;
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${qrWidth}" height="${textHeight}">
      <style>text{font-family:'Noto Sans CJK SC','Noto Sans CJK','sans-serif';fill:#000}</style>
      <text x="50%" y="52" font-size="48" font-weight="bold" text-anchor="middle">编号 ${escapeXml(id)}</text>
      <text x="50%" y="96" font-size="28" text-anchor="middle">一机一码 ${escapeXml(name)}</text>
      <text x="50%" y="134" font-size="20" text-anchor="middle">扫码或输入编号后动火 scan or type the code before hot work</text>
    </svg>`,
  );
  return sharp({
    create: { width: qrWidth, height: qrWidth + textHeight, channels: 3, background: '#ffffff' },
  })
    .composite([
      { input: qr, top: 0, left: 0 },
      { input: svg, top: qrWidth, left: 0 },
    ])
    .png()
    .toBuffer();
}
