import sharp from 'sharp';
import type { Box } from '../../vision/detect/types.ts';
import type { RuleZone } from '../../supervision/rules/types.ts';
import { localTimeLabel } from './time-label.ts';

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
  /** top banner, e.g. "未戴安全帽 No hard hat" */
  title: string;
  /** the camera's name, burned into the bottom band beside the time */
  camera?: string;
  /** server time of the frame shown, epoch ms (burned in as plant local time, time-label.ts) */
  ts: number;
  /** second line of the bottom band, e.g. why this is not the detection's own frame */
  note?: string;
}

/** Where the local time is: minutes east of UTC (480: Asia/Shanghai), from `permits.night.utcOffsetMinutes`. */
export interface SnapshotClock {
  utcOffsetMinutes: number;
}

const TONE = { alert: '#ff2d2d', info: '#ffd400', ok: '#37d67a' } as const;
const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Chinese labels need a CJK font (fonts-noto-cjk, installed by scripts/setup.sh). */
const FONT = "'Noto Sans CJK SC','Noto Serif CJK SC','WenQuanYi Zen Hei',sans-serif";

/** The bottom band's height in pixels: one or two lines of the band's font size, with margins. */
export function timeBandHeight(height: number, lines: 1 | 2): number {
  const fs = bandFontSize(height);
  return Math.round(fs * (0.6 + 1.3 * lines));
}
const bandFontSize = (height: number) => Math.max(14, Math.round(height / 22));

/**
 * The largest font size (≤ `size`) at which `text` fits `width` pixels, from the font's advance
 * widths: a CJK glyph is one em, Latin letters and digits about 0.57 em in Noto Sans CJK bold (digits 0.55).
 */
export function fitFontSize(text: string, size: number, width: number): number {
  let ems = 0;
  for (const ch of text) ems += ch.codePointAt(0)! >= 0x2e80 ? 1 : 0.57;
  return Math.max(8, Math.min(size, Math.floor(width / Math.max(ems, 1))));
}

export function overlaySvg(s: Omit<SnapshotInput, 'rgb'>, clock: SnapshotClock): string {
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
  parts.push(
    `<rect x="0" y="0" width="${W}" height="${fs * 1.6}" fill="#000" fill-opacity="0.55"/>`,
    `<text x="6" y="${fs * 1.2}" font-family="${FONT}" font-size="${fs}" fill="#fff">${esc(s.title)}</text>`,
  );
  // The bottom band: local time first (it must survive whatever else), then the camera, large and on
  // a near-opaque ground so it reads on any picture; each line shrinks to fit the frame's width.
  const bfs = bandFontSize(H);
  const lines: { text: string; size: number; weight: number; fill: string }[] = [
    {
      text: `${localTimeLabel(s.ts, clock.utcOffsetMinutes)}${s.camera ? `  ${s.camera}` : ''}`,
      size: bfs,
      weight: 700,
      fill: '#fff',
    },
  ];
  if (s.note) lines.push({ text: s.note, size: Math.round(bfs * 0.8), weight: 400, fill: '#ffd400' });
  const bh = timeBandHeight(H, lines.length as 1 | 2);
  parts.push(`<rect x="0" y="${H - bh}" width="${W}" height="${bh}" fill="#000" fill-opacity="0.8"/>`);
  lines.forEach((l, i) => {
    const size = fitFontSize(l.text, l.size, W - 16);
    parts.push(
      `<text x="8" y="${(H - bh + bfs * (1.15 + 1.3 * i)).toFixed(1)}" font-family="${FONT}" font-size="${size}" font-weight="${l.weight}" fill="${l.fill}">${esc(l.text)}</text>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${parts.join('')}</svg>`;
}

/** The annotated JPEG: the frame with boxes, labels, zones, and the camera and local time burnt in. */
export async function renderSnapshot(s: SnapshotInput, clock: SnapshotClock): Promise<Buffer> {
  if (s.rgb.length !== s.width * s.height * 3) throw new Error('snapshot: frame size does not match');
  return sharp(s.rgb, { raw: { width: s.width, height: s.height, channels: 3 } })
    .composite([{ input: Buffer.from(overlaySvg(s, clock)), top: 0, left: 0 }])
    .jpeg({ quality: 85, mozjpeg: false })
    .toBuffer();
}
