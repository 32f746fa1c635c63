import { AppError } from '../../../platform/shared/errors.ts';
import { EmbeddedTrueTypeFont, StandardSongFont, type PdfFont } from './cid-fonts.ts';
import { loadFace } from './sfnt-face.ts';

/**
 * The font the annex PDFs embed: AR PL UMing CN (文鼎PL细上海宋, a 宋体 like the forms' own; Debian's
 * fonts-arphic-uming, Arphic Public License, which allows embedding). Its ASCII glyphs are half an em
 * and its Chinese a full em, the widths the form layout measures with (`charEm`).
 */
export const REPORT_FONT = { path: '/usr/share/fonts/truetype/arphic/uming.ttc', face: 'AR PL UMing CN' };

export interface FontSource {
  path: string;
  face?: string;
}

const warned = new Set<string>();

/**
 * A fresh font for one document: the embedded face, or — when the font file is missing or unusable —
 * the non-embedded STSong-Light, with one warning per process and font file naming the error code.
 */
export function reportFont(
  source: FontSource = REPORT_FONT,
  warn: (message: string, detail: Record<string, unknown>) => void = defaultWarn,
): PdfFont {
  try {
    return new EmbeddedTrueTypeFont(loadFace(source.path, source.face));
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    if (!warned.has(source.path)) {
      warned.add(source.path);
      warn(
        'report PDFs fall back to STSong-Light, not embedded: 报表字体不可用，PDF 改用未嵌入的 STSong-Light',
        {
          code: e.code,
          path: source.path,
          ...e.details,
        },
      );
    }
    return new StandardSongFont();
  }
}

function defaultWarn(message: string, detail: Record<string, unknown>): void {
  process.emitWarning(`${message} ${JSON.stringify(detail)}`, { code: String(detail.code) });
}
