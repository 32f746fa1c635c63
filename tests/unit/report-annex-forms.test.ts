import sharp from 'sharp';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Day, formJson, wan, type AnnexForm } from '../../src/oversight/reports/annex-form.ts';
import { wrap } from '../../src/oversight/reports/annex-pdf.ts';
import { parseFormRange } from '../../src/oversight/reports/forms/index.ts';
import { penaltyText } from '../../src/oversight/reports/forms/ledger-form.ts';
import { pdfImage } from '../../src/oversight/reports/pdf-images.ts';

const SH = 480; // Asia/Shanghai

describe('annex form ranges and units', () => {
  it('reads days as Asia/Shanghai days with `to` included, date-times exactly, any length', () => {
    expect(parseFormRange('2026-01-01', '2026-04-30', SH)).toEqual({
      from: Date.UTC(2025, 11, 31, 16),
      to: Date.UTC(2026, 3, 30, 16),
    });
    expect(parseFormRange('2026-01-05T00:00:00Z', '2026-01-12T00:00:00Z', SH)).toEqual({
      from: Date.UTC(2026, 0, 5),
      to: Date.UTC(2026, 0, 12),
    });
    expect(parseFormRange('2020-01-01', '2026-12-31', SH)).not.toBeNull();
    for (const [f, t] of [
      ['2026-02-30', '2026-03-01'], // no such day
      ['2026-01-02', '2026-01-01'],
      ['2026-01-01', 'tomorrow'],
      ['2026-01-01T00:00:00', '2026-01-02'], // a date-time needs its zone
    ])
      expect(parseFormRange(f!, t!, SH), `${f} ${t}`).toBeNull();
  });

  it('prints days the Chinese way and money in 万元 to the 元', () => {
    expect(Day.of(Date.UTC(2026, 0, 4, 16, 30), SH)).toMatchObject({ iso: '2026-01-05', zh: '2026年1月5日' });
    expect(new Day('2026-01-05').cellDate.toISOString()).toBe('2026-01-05T00:00:00.000Z');
    expect([wan(25_000), wan(1_234), wan(0)]).toEqual([2.5, 0.1234, 0]);
    expect(penaltyText({ supervisingUnit: null, penaltyYuan: 20_000, penaltyNote: '责令停产整顿' })).toBe(
      '罚款2万元；责令停产整顿',
    );
    expect(penaltyText({ supervisingUnit: null, penaltyYuan: 0, penaltyNote: null })).toBeNull();
  });

  it('pages JSON rows across sections, keeping each section’s header with its rows', () => {
    const form: AnnexForm = {
      annex: '附件5',
      title: '检查问题隐患清单',
      fileStem: 'x',
      headers: ['序号'],
      sections: [
        { sheetName: 'a', headerLines: [['企业名称：甲']], rows: [[1], [2]], footer: [] },
        { sheetName: 'b', headerLines: [['企业名称：乙']], rows: [[1], [new Day('2026-01-05')]], footer: [] },
      ],
      notes: [],
    };
    const p2 = formJson(form, 2, 3);
    expect(p2).toMatchObject({ total: 4, page: 2, pageSize: 3 });
    expect(p2.sections).toEqual([
      { sheetName: 'b', headerLines: [['企业名称：乙']], footer: [], rows: [['2026-01-05']] },
    ]);
    expect(formJson(form, 1, 3).sections.map((s) => s.rows.length)).toEqual([2, 1]);
    expect(formJson(form, 9, 3)).toMatchObject({ total: 4, sections: [] });
  });

  it('wraps Chinese text by width, ASCII at half width', () => {
    expect(wrap('重大事故隐患台账', 4 * 10, 10)).toEqual(['重大事故', '隐患台账']);
    expect(wrap('ABCDEFGH', 4 * 10, 10)).toEqual(['ABCDEFGH']);
  });
});

describe('photos for the PDF', () => {
  it('takes a JPEG as is, with its size and colour space from the SOF marker', async () => {
    const jpg = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#c00' } })
      .jpeg()
      .toBuffer();
    expect(pdfImage(jpg, 'image/jpeg')).toMatchObject({
      width: 40,
      height: 30,
      colorSpace: 'DeviceRGB',
      filter: 'DCTDecode',
      data: jpg,
    });
  });

  it('decodes a PNG with alpha into colour samples and a soft mask', async () => {
    const raw = Buffer.alloc(3 * 2 * 4);
    for (let p = 0; p < 6; p++) raw.set([p * 40, 255 - p * 40, 7, p === 0 ? 0 : 255], p * 4);
    const png = await sharp(raw, { raw: { width: 3, height: 2, channels: 4 } })
      .png()
      .toBuffer();
    const img = pdfImage(png, 'image/png')!;
    expect(img).toMatchObject({ width: 3, height: 2, colorSpace: 'DeviceRGB', filter: 'FlateDecode' });
    expect([...inflateSync(img.data)]).toEqual(
      [...Array(6).keys()].flatMap((p) => [p * 40, 255 - p * 40, 7]),
    );
    expect([...inflateSync(img.alpha!)]).toEqual([0, 255, 255, 255, 255, 255]);
    // not a PNG at all: no image (the PDF then says the photo could not be embedded)
    expect(pdfImage(Buffer.from('not a png'), 'image/png')).toBeNull();
  });
});
