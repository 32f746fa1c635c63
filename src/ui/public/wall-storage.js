import { api, h } from './common.js';

// The service's storage alarm on the wall (#23): a failed disk write means violations are recorded
// without their evidence, which the safety officer must hear of at once, in words, in both languages.
// storage.writeFailed arrives once per episode; storage.recovered clears it. Events missed while the
// socket was away are not replayed, so each (re)connect asks /api/health (signed in; always 200, the
// state in the body, unlike /healthz's 503) for the disk's state now.

const AREAS = { evidence: ['证据目录', 'evidence folder'], data: ['数据目录', 'data folder'] };

export function startStorageAlarm(socket, banner) {
  const open = new Map(); // area → { zh, en, since }
  const render = () => {
    banner.hidden = open.size === 0;
    banner.replaceChildren(
      ...[...open.entries()].map(([area, a]) =>
        h(
          'div',
          { 'data-area': area },
          h('strong', {}, `⚠ ${a.zh}`),
          h('br'),
          a.en,
          a.since ? h('span', { class: 'muted' }, ` · ${new Date(a.since).toLocaleString()}`) : '',
        ),
      ),
    );
  };
  socket.on('storage.writeFailed', (ev) => {
    const [zh, en] = AREAS[ev.payload.area] ?? AREAS.data;
    open.set(ev.payload.area, {
      zh: `${ev.payload.titleZh}（${zh}，${ev.payload.code}）。违章仍在记录，但没有证据文件。`,
      en: `${ev.payload.title} (${en}, ${ev.payload.code}). Violations are still recorded, without their evidence files.`,
      since: ev.payload.since,
    });
    render();
  });
  socket.on('storage.recovered', (ev) => {
    open.delete(ev.payload.area);
    render();
  });
  socket.on('connect', async () => {
    try {
      const hz = await api('/api/health');
      const disk = hz.components?.disk;
      if (disk && !disk.ok && open.size === 0)
        open.set('data', {
          zh: '磁盘写入失败，证据与照片无法保存。',
          en: 'Disk write failed: evidence and photos cannot be saved.',
          since: null,
        });
      if (disk?.ok) open.clear();
      render();
    } catch {
      // the socket itself says when the service is away
    }
  });
}
