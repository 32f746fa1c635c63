/* global localStorage, document, location, fetch, Node */
// Shared by every page: session, API calls with coded errors, zh/en text, a tiny DOM builder, top bar.

export const lang = () => (localStorage.getItem('jh_lang') === 'en' ? 'en' : 'zh');
/** Chinese first; English when the user switched. */
export const t = (zh, en) => (lang() === 'en' ? en : zh);

export function session() {
  try {
    return JSON.parse(localStorage.getItem('jh_session') || 'null');
  } catch {
    return null;
  }
}

export function saveSession(login) {
  localStorage.setItem('jh_session', JSON.stringify({ token: login.token, user: login.user }));
  // WebSockets (live video) and <img>/<video> evidence cannot send headers: the cookie carries the session.
  document.cookie = `jh_token=${login.token}; path=/; SameSite=Strict${secureFlag()}`;
}

/** Over HTTPS the cookie is Secure: a plain-HTTP request (another port of the host) never carries it. */
const secureFlag = () => (location.protocol === 'https:' ? '; Secure' : '');

export function clearSession() {
  localStorage.removeItem('jh_session');
  document.cookie = `jh_token=; path=/; max-age=0; SameSite=Strict${secureFlag()}`;
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.code || `HTTP_${status}`;
    this.messageZh = body?.messageZh || this.message;
    this.details = body?.details;
  }
}

/** Calls the API with the session's bearer token; a lost session goes back to sign-in. */
export async function api(path, { method = 'GET', body, raw = false } = {}) {
  const s = session();
  const headers = {};
  if (s) headers.authorization = `Bearer ${s.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401 && s) {
    clearSession();
    location.href = '/ui/';
  }
  if (!res.ok) {
    let b = null;
    try {
      b = await res.json();
    } catch {
      /* not JSON */
    }
    throw new ApiError(res.status, b);
  }
  if (raw) return res;
  if (res.status === 204) return null;
  return res.json();
}

export const errText = (e) =>
  e instanceof ApiError ? `${t(e.messageZh, e.message)} (${e.code})` : String(e?.message || e);

/** Builds an element; text children are text nodes (never parsed as HTML). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export const ROLE_NAMES = {
  welder: ['焊工', 'Welder'],
  guardian: ['监护人', 'Guardian'],
  safety_officer: ['安全员', 'Safety officer'],
  approver: ['审批人', 'Approver'],
  enterprise_admin: ['企业管理员', 'Enterprise admin'],
  regulator: ['监管部门', 'Regulator'],
};

const PAGES = [
  { href: '/ui/regulator.html', zh: '监管总览', en: 'Regulator desk', roles: ['regulator'] },
  {
    href: '/ui/permits.html',
    zh: '作业票',
    en: 'Permits',
    roles: ['safety_officer', 'guardian', 'approver', 'enterprise_admin', 'regulator'],
  },
  {
    href: '/ui/wall.html',
    zh: '实时监控',
    en: 'Live wall',
    roles: ['safety_officer', 'guardian', 'approver', 'enterprise_admin'],
  },
  { href: '/ui/phone.html', zh: '扫码作业', en: 'Scan', roles: ['welder'] },
  // the guardian's phone view of the permits they guard (live state); their home stays the wall
  { href: '/ui/phone.html', zh: '我的监护', en: 'My permits', roles: ['guardian'] },
  {
    href: '/ui/audit.html',
    zh: '监管审计',
    en: 'Audit',
    roles: ['regulator', 'safety_officer', 'approver', 'enterprise_admin'],
  },
  {
    href: '/ui/hazards.html',
    zh: '隐患整改',
    en: 'Hazards',
    roles: ['safety_officer', 'guardian', 'approver', 'enterprise_admin', 'regulator'],
  },
  {
    href: '/ui/enterprise.html',
    zh: '企业档案',
    en: 'Enterprise',
    roles: ['enterprise_admin', 'regulator', 'safety_officer'],
  },
  { href: '/ui/admin.html', zh: '系统管理', en: 'Admin', roles: ['enterprise_admin'] },
  // 执法检查 read-only for the enterprise (the regulator records them on its desk)
  {
    href: '/ui/regulator.html',
    zh: '执法检查',
    en: 'Inspections',
    roles: ['safety_officer', 'approver', 'enterprise_admin'],
  },
];

/**
 * Each role lands on its own work: the approver on what waits for approval, the applicant (admin) and
 * the guardian on the permit desk, the welder on the phone scan, the safety officer on the wall, the
 * regulator on the region's overview (监管总览).
 */
const HOME = {
  approver: '/ui/permits.html?state=awaiting_approval',
  enterprise_admin: '/ui/permits.html',
  guardian: '/ui/permits.html',
  welder: '/ui/phone.html',
  safety_officer: '/ui/wall.html',
  regulator: '/ui/regulator.html',
};

export function homeFor(role) {
  return HOME[role] || (PAGES.find((p) => p.roles.includes(role)) || PAGES[0]).href;
}

/** Redirects to sign-in without a session, or home when this page is not for the user's role. */
export function requireSession(roles) {
  const s = session();
  if (!s) {
    location.href = '/ui/';
    return null;
  }
  if (roles && !roles.includes(s.user.role)) {
    location.href = homeFor(s.user.role);
    return null;
  }
  return s;
}

export function setLang(l) {
  localStorage.setItem('jh_lang', l);
  document.documentElement.lang = l === 'en' ? 'en' : 'zh-CN';
}

/** The top bar: title, the pages of this role, the user, 中文/English, sign out. */
export function topBar(titleZh, titleEn) {
  const s = session();
  document.documentElement.lang = lang() === 'en' ? 'en' : 'zh-CN';
  document.title = `${t(titleZh, titleEn)} · 监护 Jianhu`;
  const nav = PAGES.filter((p) => s && p.roles.includes(s.user.role)).map((p) =>
    h('a', { href: p.href, class: location.pathname === p.href ? 'active' : '' }, t(p.zh, p.en)),
  );
  const role = s ? ROLE_NAMES[s.user.role] : null;
  const bar = h(
    'header',
    { class: 'topbar' },
    h('strong', { class: 'brand' }, '监护 Jianhu'),
    nav.some((a) => a.className === 'active') ? null : h('span', { class: 'title' }, t(titleZh, titleEn)),
    h('nav', {}, nav),
    h('span', { class: 'grow' }),
    s
      ? h('span', { class: 'who' }, `${s.user.displayName} · ${role ? t(role[0], role[1]) : s.user.role}`)
      : null,
    h(
      'button',
      {
        class: 'link',
        id: 'lang-switch',
        onclick: () => (setLang(lang() === 'en' ? 'zh' : 'en'), location.reload()),
      },
      lang() === 'en' ? '中文' : 'English',
    ),
    s
      ? h(
          'button',
          {
            class: 'link',
            id: 'logout',
            onclick: async () => {
              await api('/api/auth/logout', { method: 'POST' }).catch(() => {});
              clearSession();
              location.href = '/ui/';
            },
          },
          t('退出', 'Sign out'),
        )
      : null,
  );
  document.body.prepend(bar);
}

export function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? String(iso)
    : d.toLocaleString(lang() === 'en' ? 'en-GB' : 'zh-CN', { hour12: false });
}

/** A status line that shows errors in red and everything else neutral. */
export function notice(el, msg, kind = 'info') {
  el.textContent = msg;
  el.className = `notice ${kind}`;
  el.hidden = !msg;
}

/**
 * Puts `children` in `el` unless `el` already shows exactly that (a live event that changed nothing
 * shown): a button the user is about to press stays the same element (a CI run's click on a permit's
 * 开始作业 kept missing a button redrawn on each camera event), and text typed into a field that has
 * lost focus is kept.
 */
export function redraw(el, ...children) {
  const next = h('div', {}, ...children);
  if (next.innerHTML !== el.innerHTML) el.replaceChildren(...next.childNodes);
}

/** Is someone typing in a form inside `el`? A periodic or live re-render then waits, keeping the input. */
export function typingIn(el) {
  const a = document.activeElement;
  return Boolean(a && el.contains(a) && ['INPUT', 'TEXTAREA', 'SELECT'].includes(a.tagName));
}
