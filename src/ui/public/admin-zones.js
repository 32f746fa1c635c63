import { api, h, notice, t } from './common.js';
import { playLive } from './live-player.js';

// Zone drawing over the camera's live picture (freeze it to draw on a still frame): click to add
// points, 完成 closes the polygon; zones are saved with PUT /api/cameras/:id/zones (normalised 0..1).
const KINDS = {
  work_area: ['作业区', 'Work area', '#2e7d32'],
  danger_zone: ['危险区', 'Danger zone', '#c62828'],
  confined_entrance: ['有限空间入口', 'Confined-space entrance', '#ef6c00'],
  guardian_post: ['监护位', 'Guardian post', '#1565c0'],
};

let current = null;

/** Stops the editor's live player (leaving the editor must not keep a stream open). */
export function closeZoneEditor() {
  current?.destroy();
  current = null;
}

export async function openZoneEditor(container, camera, status) {
  closeZoneEditor();
  const set = await api(`/api/cameras/${encodeURIComponent(camera.id)}/zones`);
  let zones = set.zones.map((z) => ({ ...z }));
  let drawing = null; // points of the polygon being drawn
  const video = h('canvas', { width: 640, height: 360 });
  const overlay = h('canvas', { width: 640, height: 360, id: 'zone-overlay' });
  const player = playLive(video, camera.id, { gl: false });
  current = player;
  const kind = h(
    'select',
    {},
    Object.entries(KINDS).map(([k, v]) => h('option', { value: k }, t(v[0], v[1]))),
  );
  const name = h('input', { placeholder: t('区域名称', 'Zone name') });
  const list = h('ul', { id: 'zone-list' });

  const draw = () => {
    const ctx = overlay.getContext('2d');
    ctx.clearRect(0, 0, overlay.width, overlay.height);
    const poly = (pts, color, closed) => {
      if (!pts.length) return;
      ctx.beginPath();
      pts.forEach(([x, y], i) =>
        i
          ? ctx.lineTo(x * overlay.width, y * overlay.height)
          : ctx.moveTo(x * overlay.width, y * overlay.height),
      );
      if (closed) ctx.closePath();
      ctx.strokeStyle = color;
      ctx.lineWidth = 3;
      ctx.fillStyle = `${color}33`;
      if (closed) ctx.fill();
      ctx.stroke();
    };
    for (const z of zones) poly(z.points, KINDS[z.kind]?.[2] || '#888', true);
    if (drawing) poly(drawing, '#ffd600', false);
    list.replaceChildren(
      ...zones.map((z, i) =>
        h(
          'li',
          {},
          `${z.name}（${t(...KINDS[z.kind].slice(0, 2))}，${z.points.length} ${t('点', 'points')}） `,
          h(
            'button',
            {
              class: 'link',
              onclick: () => {
                zones.splice(i, 1);
                draw();
              },
            },
            t('删除', 'Delete'),
          ),
        ),
      ),
    );
  };
  overlay.addEventListener('click', (ev) => {
    if (!drawing) drawing = [];
    const r = overlay.getBoundingClientRect();
    const clamp = (v) => Math.min(1, Math.max(0, Math.round(v * 1000) / 1000));
    drawing.push([clamp((ev.clientX - r.left) / r.width), clamp((ev.clientY - r.top) / r.height)]);
    draw();
  });
  const finish = () => {
    if (!drawing || drawing.length < 3)
      return notice(status, t('区域至少需要 3 个点。', 'A zone needs at least 3 points.'), 'error');
    const id = `z${Date.now().toString(36)}`;
    zones.push({
      id,
      name: name.value.trim() || t(...KINDS[kind.value].slice(0, 2)),
      kind: kind.value,
      points: drawing,
    });
    drawing = null;
    name.value = '';
    draw();
  };
  const save = async () => {
    try {
      const saved = await api(`/api/cameras/${encodeURIComponent(camera.id)}/zones`, {
        method: 'PUT',
        body: { zones },
      });
      zones = saved.zones.map((z) => ({ ...z }));
      notice(status, `${t('已保存，版本', 'Saved, version')} ${saved.version}`, 'ok');
      draw();
    } catch (e) {
      notice(status, e.messageZh ? t(e.messageZh, e.message) : String(e), 'error');
    }
  };
  let frozen = false;
  const freeze = h(
    'button',
    {
      onclick: () => {
        frozen = !frozen;
        if (frozen) player.pause();
        else player.play();
        freeze.textContent = frozen ? t('恢复实时画面', 'Resume live') : t('冻结画面', 'Freeze frame');
      },
    },
    t('冻结画面', 'Freeze frame'),
  );
  container.replaceChildren(
    h(
      'div',
      { class: 'card' },
      h('h3', {}, `${camera.name} — ${t('区域绘制', 'Zones')}`),
      h(
        'p',
        { class: 'muted' },
        t(
          '在画面上依次点击添加顶点，点“完成区域”闭合。',
          'Click on the picture to add points; "Finish zone" closes the polygon.',
        ),
      ),
      h('div', { class: 'zone-editor' }, video, overlay),
      h(
        'div',
        { class: 'filters', style: { marginTop: '8px' } },
        kind,
        name,
        h('button', { onclick: finish, id: 'zone-finish' }, t('完成区域', 'Finish zone')),
        h(
          'button',
          {
            onclick: () => {
              drawing = null;
              draw();
            },
          },
          t('取消', 'Cancel'),
        ),
        freeze,
        h('button', { class: 'primary', onclick: save, id: 'zone-save' }, t('保存区域', 'Save zones')),
      ),
      list,
    ),
  );
  draw();
}
