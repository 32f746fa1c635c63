/* global document, location, FormData */
import { api, errText, homeFor, lang, saveSession, session, setLang, t, notice } from './common.js';

function render() {
  document.documentElement.lang = lang() === 'en' ? 'en' : 'zh-CN';
  document.getElementById('motto').textContent = t('无监控不作业', 'No monitoring, no work');
  document.getElementById('l-user').textContent = t('用户名', 'Username');
  document.getElementById('l-pass').textContent = t('密码', 'Password');
  document.getElementById('login-submit').textContent = t('登录', 'Sign in');
  document.getElementById('lang-switch').textContent = lang() === 'en' ? '中文' : 'English';
  document.title = `${t('登录', 'Sign in')} · 监护 Jianhu`;
}

async function start() {
  render();
  document.getElementById('lang-switch').addEventListener('click', () => {
    setLang(lang() === 'en' ? 'zh' : 'en');
    render();
  });
  const s = session();
  if (s) {
    // Still valid? Then go straight to this role's home.
    try {
      const me = await api('/api/me');
      location.href = homeFor(me.user.role);
      return;
    } catch {
      /* expired: sign in again */
    }
  }
  const form = document.getElementById('login-form');
  const err = document.getElementById('login-error');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    notice(err, '');
    const data = new FormData(form);
    try {
      const login = await api('/api/auth/login', {
        method: 'POST',
        body: { username: String(data.get('username')), password: String(data.get('password')) },
      });
      saveSession(login);
      location.href = homeFor(login.user.role);
    } catch (e) {
      notice(err, errText(e), 'error');
    }
  });
}

start();
