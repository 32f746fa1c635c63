/* global document, URLSearchParams, Blob, fetch */
import { ApiError, errText, notice, session, t } from './common.js';

// Exports are long operations: the download is streamed and its progress shown (bytes received of
// Content-Length, or an indeterminate bar when the server cannot know the size in advance).
const $ = (id) => document.getElementById(id);

/** What can be exported: the permit audit on this page, and the regulator forms (reports module). */
export const EXPORTS = {
  'permit-audit': (f, q) => `/api/audit/permits.${f}?${new URLSearchParams(q)}`,
  weekly: (f, q) => `/api/reports/weekly?${new URLSearchParams({ ...q, format: f })}`,
  'major-ledger': (f, q) => `/api/reports/major-ledger?${new URLSearchParams({ ...q, format: f })}`,
  'hazard-list': (f, q) => `/api/reports/hazard-list?${new URLSearchParams({ ...q, format: f })}`,
};

export async function startExport(what, format, q) {
  const box = $('export-progress');
  const bar = $('export-bar');
  const label = $('export-label');
  const buttons = [$('export-csv'), $('export-xlsx')];
  box.hidden = false;
  bar.style.width = '5%';
  label.textContent = t('正在生成导出文件…', 'Generating the export…');
  for (const b of buttons) b.disabled = true;
  try {
    const res = await fetch(EXPORTS[what](format, q), {
      headers: { authorization: `Bearer ${session().token}` },
    });
    if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
    const total = Number(res.headers.get('content-length')) || 0;
    const reader = res.body.getReader();
    const chunks = [];
    let got = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      got += value.length;
      bar.style.width = total
        ? `${Math.round((100 * got) / total)}%`
        : `${Math.min(95, 5 + chunks.length * 5)}%`;
      label.textContent = `${t('下载中', 'Downloading')} ${Math.round(got / 1024)} kB${total ? ` / ${Math.round(total / 1024)} kB` : ''}`;
    }
    bar.style.width = '100%';
    const name = /filename\*?=(?:UTF-8'')?"?([^";]+)/i.exec(
      res.headers.get('content-disposition') || '',
    )?.[1];
    const a = document.createElement('a');
    a.href = URL.createObjectURL(
      new Blob(chunks, { type: res.headers.get('content-type') || 'application/octet-stream' }),
    );
    a.download = name ? decodeURIComponent(name) : `${what}.${format}`;
    a.id = 'export-link';
    document.body.append(a);
    a.click();
    label.textContent = `${t('导出完成', 'Export ready')}: ${a.download} (${Math.round(got / 1024)} kB)`;
  } catch (e) {
    box.hidden = true;
    notice($('audit-notice'), errText(e), 'error');
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}
