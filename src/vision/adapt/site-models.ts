/**
 * Per-site versions of the hard-hat model, in the data folder (never in git): `<dataDir>/site-models/
 * ppe-hardhat/` holds `v<N>.onnx`, `versions.json` (every run: data, time, figures, adopted or not, and
 * which version is in use) and `CARD.md` (the same, for people). Rollback returns to the version that
 * was in use before the current one was adopted (the shipped model when there was none). The sha256
 * recorded at adoption is what the detection workers verify before loading the file (manifest.ts).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { AdaptErrors } from './errors.ts';
import type { Figures } from './judge.ts';

export interface SiteModelVersion {
  version: number;
  file: string;
  sha256: string;
  bytes: number;
  createdAt: string;
  /** sha256 of the shipped model it was adapted from: a new release makes it stale */
  baseSha256: string;
  data: {
    siteTrain: number;
    siteHeld: number;
    confirmed: number;
    dismissed: number;
    shippedTrain: number;
    shippedVal: number;
  };
  before: Figures;
  after: Figures;
  margin: number;
  adopted: boolean;
  reason: string;
  cpuSeconds: number;
  /** the version in use when this one was adopted (null: the shipped model) — where rollback returns */
  previous: number | null;
  rolledBackAt: string | null;
}

interface Registry {
  model: string;
  current: number | null;
  versions: SiteModelVersion[];
}

/** What the detection runtime loads instead of the shipped file. */
export interface SiteModelRef {
  version: number;
  file: string;
  sha256: string;
  bytes: number;
}

export class SiteModelStore {
  readonly dir: string;

  constructor(
    dataDir: string,
    readonly model = 'ppe-hardhat',
  ) {
    this.dir = join(dataDir, 'site-models', model);
  }

  read(): Registry {
    const f = join(this.dir, 'versions.json');
    if (!existsSync(f)) return { model: this.model, current: null, versions: [] };
    return JSON.parse(readFileSync(f, 'utf8')) as Registry;
  }

  /** The adopted version in use, if it was made from `baseSha256` (the shipped model now installed). */
  current(baseSha256: string): SiteModelRef | null {
    const r = this.read();
    const v = r.versions.find((x) => x.version === r.current);
    if (!v || v.baseSha256 !== baseSha256) return null;
    return { version: v.version, file: join(this.dir, v.file), sha256: v.sha256, bytes: v.bytes };
  }

  /** Records a run (its file too, adopted or not, so a rejected version can be inspected). */
  add(
    v: Omit<SiteModelVersion, 'version' | 'file' | 'sha256' | 'bytes' | 'previous' | 'rolledBackAt'>,
    onnx: Buffer,
  ): SiteModelVersion {
    const r = this.read();
    const version = (r.versions.at(-1)?.version ?? 0) + 1;
    const file = `v${version}.onnx`;
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(join(this.dir, file), onnx);
    const rec: SiteModelVersion = {
      ...v,
      version,
      file,
      sha256: createHash('sha256').update(onnx).digest('hex'),
      bytes: onnx.length,
      previous: v.adopted ? r.current : null,
      rolledBackAt: null,
    };
    r.versions.push(rec);
    if (v.adopted) r.current = version;
    this.write(r);
    return rec;
  }

  /** Back to the version in use before the current one; returns [from, to] (to null = shipped). */
  rollback(at: string): { from: number; to: number | null } {
    const r = this.read();
    const cur = r.versions.find((x) => x.version === r.current);
    if (!cur) throw AdaptErrors.nothingToRollBack({ model: this.model });
    cur.rolledBackAt = at;
    r.current = cur.previous;
    this.write(r);
    return { from: cur.version, to: r.current };
  }

  /** Checks a version's file against its recorded sha256 (before telling the workers to load it). */
  verify(ref: SiteModelRef): void {
    const sha = existsSync(ref.file)
      ? createHash('sha256').update(readFileSync(ref.file)).digest('hex')
      : 'missing';
    if (sha !== ref.sha256)
      throw AdaptErrors.storeDamaged({ file: ref.file, expected: ref.sha256, actual: sha });
  }

  private write(r: Registry): void {
    mkdirSync(this.dir, { recursive: true });
    const tmp = join(this.dir, 'versions.json.tmp');
    writeFileSync(tmp, `${JSON.stringify(r, null, 2)}\n`);
    renameSync(tmp, join(this.dir, 'versions.json'));
    writeFileSync(join(this.dir, 'CARD.md'), card(r));
  }
}

const f3 = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : '—');

/** The per-site card: one entry per run, newest first. */
export function card(r: Registry): string {
  const lines = [
    `# ${r.model} — site versions 现场版本`,
    '',
    `In use 当前使用: ${r.current === null ? 'the shipped model 随版本发布的模型 (models/ppe-hardhat.onnx)' : `v${r.current}`}.`,
    'Each version retrains only the scoring rows of the last layer (objectness, helmet, head) from the shipped',
    "model, on the shipped training photos plus this site's reviewed crops (确认违章 = bare head, 误报驳回 = not);",
    'site figure = agreement with the officers on held-back crops; shipped figure = mean AP@0.5 (helmet, head) on the shipped validation photos.',
    '',
  ];
  for (const v of [...r.versions].reverse()) {
    lines.push(
      `## v${v.version} — ${v.createdAt} — ${v.adopted ? 'adopted 已采用' : 'not adopted 未采用'}${v.rolledBackAt ? `, rolled back 已回退 ${v.rolledBackAt}` : ''}`,
      '',
      `- File \`${v.file}\`, ${v.bytes} bytes, sha256 \`${v.sha256}\`; from shipped sha256 \`${v.baseSha256.slice(0, 12)}…\`.`,
      `- Data: ${v.data.siteTrain} site crops trained on, ${v.data.siteHeld} held back (${v.data.confirmed} confirmed, ${v.data.dismissed} dismissed in all); ${v.data.shippedTrain} shipped training photos, ${v.data.shippedVal} shipped validation photos.`,
      `- Site figure ${f3(v.before.site)} → ${f3(v.after.site)}; shipped figure ${f3(v.before.shipped)} → ${f3(v.after.shipped)} (may drop ≤ ${v.margin}).`,
      `- Decision: ${v.reason}. CPU ${v.cpuSeconds.toFixed(1)} s.`,
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}
