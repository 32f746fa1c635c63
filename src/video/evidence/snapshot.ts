import sharp from 'sharp';
import type { Box } from '../../vision/detect/types.ts';
import type { RuleZone } from '../../supervision/rules/types.ts';

export interface OverlayBox {
  box: Box;
  label: string;
  /** the box the violation is about is drawn red, others yellow/green */
  tone: 'alert' | 'info' | 'ok';
}

export interface SnapshotInput {
  width: number;
  height: number;
  /** packed RGB24 */
  rgb: Buffer;
  boxes: readonly OverlayBox[];
  zones: readonly (RuleZone & { highlight?: boolean })[];
  /** top banner, e.g. "未戴安全帽 No hard hat · cam-1" */
  title: string;
  /** server time of the frame, epoch ms (drawn as local date-time with offset) */
  ts: number;
}

const TONE = { alert: '#ff2d2d', info: '#ffd400', ok: '#37d67a' } as const;
const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Chinese labels need a CJK font (fonts-noto-cjk, installed by scripts/setup.sh). */
const FONT = "'Noto Sans CJK SC','Noto Serif CJK SC','WenQuanYi Zen Hei',sans-serif";

export function overlaySvg(s: Omit<SnapshotInput, 'rgb'>): string {
  const W = s.width;
  const H = s.height;
  const fs = Math.max(12, Math.round(H / 28));
  const parts: string[] = [];
  for (const z of s.zones) {
    const pts = z.points.map(([x, y]) => `${(x * W).toFixed(1)},${(y * H).toFixed(1)}`).join(' ');
    const color = z.kind === 'danger_zone' ? '#ff2d2d' : z.kind === 'guardian_post' ? '#3aa0ff' : '#ffd400';
    parts.push(
      `<polygon points="${pts}" fill="${color}" fill-opacity="${z.highlight ? 0.25 : 0.1}" stroke="${color}" stroke-width="2"/>`,
    );
  }
  for (const b of s.boxes) {
    const [x1, y1, x2, y2] = b.box.map((v) => Math.round(v)) as [number, number, number, number];
    const c = TONE[b.tone];
    // above the box, unless that would hide it under the banner: then just inside the box
    const ty = y1 - 4 >= fs * 2.5 ? y1 - 4 : y1 + fs + 2;
    parts.push(
      `<rect x="${x1}" y="${y1}" width="${Math.max(1, x2 - x1)}" height="${Math.max(1, y2 - y1)}" fill="none" stroke="${c}" stroke-width="${b.tone === 'alert' ? 3 : 2}"/>`,
      `<text x="${x1 + 2}" y="${ty}" font-family="${FONT}" font-size="${fs}" fill="${c}" stroke="#000" stroke-width="0.6" paint-order="stroke">${esc(b.label)}</text>`,
    );
  }
  const when = new Date(s.ts).toISOString().replace('T', ' ').slice(0, 23) + ' UTC';
  parts.push(
    `<rect x="0" y="0" width="${W}" height="${fs * 1.6}" fill="#000" fill-opacity="0.55"/>`,
    `<text x="6" y="${fs * 1.2}" font-family="${FONT}" font-size="${fs}" fill="#fff">${esc(s.title)}  ${esc(when)}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${parts.join('')}</svg>`;
}

/** The annotated JPEG: the frame with boxes, labels, zones and the time burnt in. */
export async function renderSnapshot(s: SnapshotInput): Promise<Buffer> {
  if (s.rgb.length !== s.width * s.height * 3) throw new Error('snapshot: frame size does not match');
  return sharp(s.rgb, { raw: { width: s.width, height: s.height, channels: 3 } })
    .composite([{ input: Buffer.from(overlaySvg(s)), top: 0, left: 0 }])
    .jpeg({ quality: 85, mozjpeg: false })
    .toBuffer();
}
