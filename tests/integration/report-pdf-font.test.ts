import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { Day, type AnnexForm } from '../../src/oversight/reports/annex-form.ts';
import { toPdf } from '../../src/oversight/reports/annex-pdf.ts';
import { StandardSongFont } from '../../src/oversight/reports/pdf-font/cid-fonts.ts';

/**
 * The annex PDF carries its Chinese font: poppler (setup.sh installs poppler-utils) lists it as an
 * embedded subset, extracts the text through its ToUnicode map, and draws the title with it.
 */
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'pdf-font-'));

const form: AnnexForm = {
  annex: '附件2',
  title: '重大事故隐患台账',
  fileStem: 'major-ledger',
  headers: ['序号', '企业名称', '检查时间', '重大隐患明细', '备注'],
  sections: [
    {
      sheetName: '重大事故隐患台账',
      headerLines: [['填报单位：泽州县应急管理局', '填报时间：2026年4月30日']],
      rows: [[1, '甲冶金 (Steel) Co.', new Day('2026-01-10'), '煤气柜区域CO报警仪失效', null]],
      footer: ['填报人（签字）：'],
    },
  ],
  notes: ['统计时段 2026-01-01 至 2026-04-30'],
};

async function write(name: string, pdf: Buffer): Promise<string> {
  const path = join(dir, name);
  writeFileSync(path, pdf);
  return path;
}

/** pdffonts' table rows as {name, type, encoding, emb, sub, uni} */
async function fonts(pdf: string) {
  const out = (await run('/usr/bin/pdffonts', [pdf])).stdout.split('\n').slice(2).filter(Boolean);
  return out.map((l) => {
    const f = l.trim().split(/\s{2,}|\s(?=yes|no)/);
    const [name, type, encoding] = f;
    const [emb, sub, uni] = l.match(/\b(yes|no)\b/g)!;
    return { name, type, encoding, emb, sub, uni };
  });
}

describe('the annex PDF embeds a subset of its Chinese font', () => {
  it('pdffonts: one CID TrueType font, Identity-H, embedded, subset; pdftotext reads the Chinese back', async () => {
    const pdf = await write('ledger.pdf', toPdf(form));
    const [font, ...others] = await fonts(pdf);
    expect(others).toEqual([]);
    expect(font).toMatchObject({
      type: 'CID TrueType',
      encoding: 'Identity-H',
      emb: 'yes',
      sub: 'yes',
      uni: 'yes',
    });
    expect(font!.name).toMatch(/^[A-Z]{6}\+UMingCN$/);
    const text = (await run('/usr/bin/pdftotext', ['-layout', pdf, '-'])).stdout;
    for (const s of [
      '附件2',
      '重大事故隐患台账',
      '填报单位：泽州县应急管理局',
      '甲冶金 (Steel) Co.',
      '煤气柜区域CO报警仪失效',
    ])
      expect(text).toContain(s);
  });

  it('draws the title with the embedded glyphs (pdftoppm): ink where the title is, none beside it', async () => {
    const pdf = await write('ledger-page.pdf', toPdf(form));
    await run('/usr/bin/pdftoppm', [
      '-r',
      '72',
      '-png',
      '-f',
      '1',
      '-l',
      '1',
      '-singlefile',
      pdf,
      join(dir, 'page'),
    ]);
    const ink = async (left: number, top: number, width: number, height: number) => {
      const { data } = await sharp(join(dir, 'page.png'))
        .extract({ left, top, width, height })
        .greyscale()
        .raw()
        .toBuffer({ resolveWithObject: true });
      return data.filter((v) => v < 128).length;
    };
    // the 18 pt title is centred on the 842 pt page, its top 52 pt down: 8 characters, 144 pt wide
    expect(await ink(349, 52, 144, 18)).toBeGreaterThan(300);
    expect(await ink(40, 52, 144, 18)).toBe(0);
  });

  it('the fallback names STSong-Light without embedding it, and the text still extracts', async () => {
    const pdf = await write('fallback.pdf', toPdf(form, new StandardSongFont()));
    expect(await fonts(pdf)).toMatchObject([{ name: 'STSong-Light', emb: 'no', sub: 'no', uni: 'yes' }]);
    expect((await run('/usr/bin/pdftotext', [pdf, '-'])).stdout).toContain('重大事故隐患台账');
  });
});
