import QRCode from 'qrcode';
import sharp from 'sharp';

/** A4 at 150 dpi: prints sharp on any office printer and stays a small file. */
const PAGE = { width: 1240, height: 1754 };
/** The QR's width on the page: 152 mm at 150 dpi, well over the 591 px (50 mm at 300 dpi) minimum. */
export const POSTER_QR_PX = 900;

/**
 * The public report page a poster's QR opens: the token rides in the fragment, so it never reaches a
 * server or proxy log, and the page sends it with the report (src/ui/public/report.js).
 */
export const reportPageUrl = (baseUrl: string, token: string): string =>
  `${baseUrl.replace(/\/$/, '')}/ui/report.html#t=${encodeURIComponent(token)}`;

const escapeXml = (s: string) =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );

/**
 * The printable A4 poster: title 安全隐患举报, the enterprise's name, the QR (error correction Q, so a
 * weathered poster still reads) and the promise that a report may be anonymous.
 */
export async function reportPosterPng(url: string, enterpriseName: string): Promise<Buffer> {
  const modules = QRCode.create(url, { errorCorrectionLevel: 'Q' }).modules.size;
  const margin = 4;
  const scale = Math.floor(POSTER_QR_PX / (modules + 2 * margin));
  const qr = await QRCode.toBuffer(url, { errorCorrectionLevel: 'Q', margin, scale });
  const qrWidth = (modules + 2 * margin) * scale;
  const qrTop = 380;
  const below = qrTop + qrWidth;
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${PAGE.width}" height="${PAGE.height}">
      <style>text{font-family:'Noto Sans CJK SC','Noto Sans CJK','sans-serif';fill:#000}</style>
      <rect x="0" y="0" width="${PAGE.width}" height="250" fill="#c62828"/>
      <text x="50%" y="150" font-size="110" font-weight="bold" text-anchor="middle" style="fill:#fff">安全隐患举报</text>
      <text x="50%" y="220" font-size="34" text-anchor="middle" style="fill:#fff">Report a safety hazard</text>
      <text x="50%" y="330" font-size="44" text-anchor="middle">${escapeXml(enterpriseName)}</text>
      <text x="50%" y="${below + 90}" font-size="96" font-weight="bold" text-anchor="middle">扫码举报 · 可匿名</text>
      <text x="50%" y="${below + 160}" font-size="34" text-anchor="middle">用手机相机扫码，拍照、写明地点和隐患，提交后保存回执码查询进度</text>
      <text x="50%" y="${below + 210}" font-size="28" text-anchor="middle">Scan with your phone camera · anonymous reports welcome · keep the receipt code</text>
    </svg>`,
  );
  return sharp({ create: { ...PAGE, channels: 3, background: '#ffffff' } })
    .composite([
      { input: svg, top: 0, left: 0 },
      { input: qr, top: qrTop, left: Math.round((PAGE.width - qrWidth) / 2) },
    ])
    .png()
    .toBuffer();
}
