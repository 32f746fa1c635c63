import { api, h } from './common.js';

// The service's storage alarm on the wall (#23): a failed disk write means violations are recorded
// without their evidence, which the safety officer must hear of at once, in words, in both languages.
// storage.writeFailed arrives once per episode; storage.recovered clears it. Events missed while the
// socket was away are not replayed, so each (re)connect asks /api/health (signed in; always 200, the
// state in the body, unlike /healthz's 503) for the disk's state now.

// recording.diskAlarm (#27) shares the banner: area 'recording', raised and cleared by its own event.
const AREAS = { evidence: ['证据目录', 'evidence folder'], data: ['数据目录', 'data folder'] };

function recordingAlarm(titleZh, title, since, detail = '') {
  return {
    zh: `${titleZh}（录像目录）。满了以后新的作业录像将无法保存。`,
    en: `${title} (recordings). Once full, new permit recordings cannot be kept.${detail ? ` ${detail}` : ''}`,
    since,
  };
}

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
  // #27: the recordings near their disk budget (or the disk itself near full): recording will stop
  socket.on('recording.diskAlarm', (ev) => {
    if (!ev.payload.alarm) open.delete('recording');
    else open.set('recording', recordingAlarm(ev.payload.titleZh, ev.payload.title, ev.occurredAt));
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
      if (disk?.ok) open.delete('data');
      if (disk?.ok) open.delete('evidence');
      const rec = hz.components?.recording;
      if (rec && !rec.ok && !open.has('recording'))
        open.set(
          'recording',
          recordingAlarm('录像存储即将用满', 'Recording storage is nearly full', null, rec.detail),
        );
      if (rec?.ok) open.delete('recording');
      render();
    } catch {
      // the socket itself says when the service is away
    }
  });
}
