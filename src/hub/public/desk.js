/* global document, fetch, FormData, setInterval, URLSearchParams */
// The county hub's desk: one overview of every enterprise of the regulator's region, whichever box
// it lives on. Plain script, no framework; the session is an HttpOnly cookie, so a JSON body (or the
// x-jianhu-request header) is what lets a state-changing call through the origin guard.
'use strict';

const $ = (sel) => document.querySelector(sel);

async function api(path, init = {}) {
  const res = await fetch(path, {
    credentials: 'same-origin',
    ...init,
    headers: { 'x-jianhu-request': '1', ...(init.body ? { 'content-type': 'application/json' } : {}) },
  });
  const body = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok)
    throw Object.assign(new Error(body?.messageZh ?? res.statusText), { status: res.status, body });
  return body;
}

function cell(text, bad) {
  const td = document.createElement('td');
  td.textContent = text;
  if (bad) td.className = 'bad';
  return td;
}

const when = (iso) =>
  iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '—';

const ANNEX_FORMS = [
  ['weekly', '附件1 周调度统计表', 'Weekly table'],
  ['major-ledger', '附件2 重大事故隐患台账', 'Major-hazard ledger'],
  ['cross-check', '附件4 交叉检查隐患情况汇总表', 'Cross-check summary'],
  ['hazard-list', '附件5 检查问题隐患清单', 'Hazard list'],
];
/** a Shanghai day as YYYY-MM-DD, `daysAgo` before today */
const shanghaiDay = (daysAgo) =>
  new Date(Date.now() + 8 * 3_600_000 - daysAgo * 86_400_000).toISOString().slice(0, 10);

/** the annex forms of the region over the chosen days, one download link per format (cookie-borne GET) */
function showFormLinks(regionId) {
  const range = $('#forms-range');
  if (!range.from.value) range.from.value = shanghaiDay(6);
  if (!range.to.value) range.to.value = shanghaiDay(0);
  const list = $('#forms');
  list.replaceChildren();
  for (const [name, zh, en] of ANNEX_FORMS) {
    const li = document.createElement('li');
    li.append(`${zh} ${en}：`);
    for (const format of ['xlsx', 'pdf', 'csv']) {
      const a = document.createElement('a');
      const q = new URLSearchParams({ region: regionId, from: range.from.value, to: range.to.value, format });
      a.href = `/api/hub/reports/${name}?${q}`;
      a.textContent = format.toUpperCase();
      a.className = 'form-link';
      li.append(a, ' ');
    }
    list.append(li);
  }
  range.onchange = () => showFormLinks(regionId);
}

async function showDesk(me) {
  $('#login').hidden = true;
  $('#desk').hidden = false;
  $('#logout').hidden = false;
  $('#who').textContent = `${me.user.displayName}（${me.regionId}）`;
  showFormLinks(me.regionId);
  const [overview, running, alarms, violations] = await Promise.all([
    api('/api/hub/overview'),
    api('/api/hub/permits/running'),
    api('/api/hub/alarms'),
    api('/api/hub/violations?limit=50'),
  ]);
  const names = new Map(overview.items.map((r) => [r.enterpriseId, r.name]));
  $('#violations').replaceChildren(
    ...(violations.items.length
      ? violations.items.map((v) => {
          const li = document.createElement('li');
          li.append(
            `${when(v.startedAt)} · ${names.get(v.enterpriseId) ?? v.enterpriseId} · ${v.typeZh} ${v.type} · ${v.cameraId} · ${v.state} `,
          );
          if (v.evidenceSha256) {
            // the hub asks the box for the file and checks it against the chained sha256
            const a = document.createElement('a');
            a.href = `/api/hub/violations/${encodeURIComponent(v.boxId)}/${v.violationId}/evidence`;
            a.target = '_blank';
            a.rel = 'noopener';
            a.textContent = '证据 Evidence';
            li.append(a);
          }
          return li;
        })
      : [Object.assign(document.createElement('li'), { textContent: '无违规 No violation' })]),
  );
  const tbody = $('#overview tbody');
  tbody.replaceChildren(
    ...overview.items.map((r) => {
      const tr = document.createElement('tr');
      tr.dataset.enterprise = r.enterpriseId;
      tr.append(
        cell(r.rank),
        cell(r.name),
        cell(r.boxId ?? '—'),
        cell(r.runningPermits),
        cell(r.runningUnmonitored, r.runningUnmonitored > 0),
        cell(r.unwatchedMinutes, r.unwatchedMinutes > 0),
        cell(r.openMajorHazards, r.openMajorHazards > 0),
        cell(r.overdueRectifications, r.overdueRectifications > 0),
        cell(r.violations),
        cell(when(r.lastEventAt)),
      );
      return tr;
    }),
  );
  const stateZh = {
    monitored: '监控中 monitored',
    unmonitored: '无监控 unmonitored',
    suspended: '已暂停 suspended',
  };
  $('#running').replaceChildren(
    ...(running.items.length
      ? running.items.map((p) => {
          const li = document.createElement('li');
          li.className = p.monitoring;
          li.textContent = `${p.enterpriseName ?? p.enterpriseId} · ${p.number} (${p.kind}) · ${stateZh[p.monitoring]} · ${p.cameras.map((c) => `${c.cameraId}:${c.state}`).join(', ')}`;
          return li;
        })
      : [Object.assign(document.createElement('li'), { textContent: '暂无作业 No running permit' })]),
  );
  $('#alarms').replaceChildren(
    ...(alarms.items.length
      ? alarms.items.map((a) => {
          const li = document.createElement('li');
          li.textContent = `${a.resolvedAt ? '已恢复 resolved' : '未解决 open'} · ${a.boxId} · ${a.kind}/${a.code} · seq ${a.seq} · ${a.detail} ×${a.times}`;
          return li;
        })
      : [Object.assign(document.createElement('li'), { textContent: '无告警 No alarm' })]),
  );
}

function showLogin() {
  $('#login').hidden = false;
  $('#desk').hidden = true;
  $('#logout').hidden = true;
  $('#who').textContent = '';
}

async function start() {
  try {
    await showDesk(await api('/api/hub/me'));
  } catch (e) {
    if (e.status === 401) showLogin();
    else throw e;
  }
}

$('#login').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = new FormData(ev.target);
  try {
    await api('/api/hub/login', {
      method: 'POST',
      body: JSON.stringify({ username: f.get('username'), password: f.get('password') }),
    });
    $('#login-error').textContent = '';
    await start();
  } catch (e) {
    $('#login-error').textContent = `${e.message}${e.body?.message ? ` ${e.body.message}` : ''}`;
  }
});

$('#logout').addEventListener('click', async () => {
  await api('/api/hub/logout', { method: 'POST' }).catch(() => {});
  showLogin();
});

setInterval(() => {
  if (!$('#desk').hidden) start().catch(() => {});
}, 10_000);
start();
