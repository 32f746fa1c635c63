/* global window, Notification, AudioContext */
import { api, fmtTime, h, t } from './common.js';

// Site alerts on the wall (#22): what the detectors do not see but the officer must hear — 无票动火 /
// 无监控动火 from a welding machine's chip, a confined-space lock opened without a grant, a refused QR
// scan, permitted work stopped because its video or guardian is gone. The server turns the chained
// events into alerts (GET /api/alerts); these socket events only say "ask again". High severity plays
// a tone and raises a browser notification, once per alert (eventId), never for what was already
// there when the wall opened.

// the event types of src/oversight/alerts/site-alert.ts (ALERT_EVENT_TYPES)
const ALERT_EVENTS = [
  'machine.violationDetected',
  'lock.violationDetected',
  'machine.scanned',
  'permit.suspended',
  'permit.resumeBlocked',
  // hazard.responsibleNotified goes to the responsible person's sessions only; the wall hears the
  // enterprise's hazard.dispatched / hazard.overdue published with it and reads the alert from the list
  'hazard.dispatched',
  'hazard.overdue',
  // SYSTEM_ALERT_EVENT_TYPES: the service's own alarms, on every wall
  'recording.diskAlarm',
];

let audio;
function tone() {
  try {
    audio ??= new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.value = 0.2;
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.6);
  } catch {
    // no audio device: the red line and the notification still say it
  }
}

function notify(a) {
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  new Notification(t('现场告警', 'Site alert'), {
    body: `${a.titleZh}\n${a.title}`,
    tag: `alert-${a.eventId}`,
  });
}

export function startAlerts(socket, box, deps) {
  const seen = new Set();
  let primed = false;
  const list = h('ul', { class: 'alert-list' });
  const enable = h(
    'button',
    { type: 'button', class: 'small', 'data-action': 'enable-alerts' },
    t('开启声音与通知', 'Enable sound & notifications'),
  );
  enable.addEventListener('click', async () => {
    audio ??= new AudioContext();
    await audio.resume().catch(() => {});
    if ('Notification' in window && Notification.permission === 'default')
      await Notification.requestPermission().catch(() => {});
    enable.hidden = true;
  });
  box.replaceChildren(h('h2', {}, t('现场告警', 'Site alerts')), enable, list);

  const render = (items) =>
    list.replaceChildren(
      ...items.map((a) =>
        h(
          'li',
          { class: `alert ${a.severity}`, 'data-type': a.type, 'data-event-id': String(a.eventId) },
          h('strong', {}, a.titleZh),
          h('br'),
          h('span', { class: 'muted' }, a.title),
          h(
            'div',
            { class: 'muted' },
            `${fmtTime(a.at)}${a.cameraId ? ` · ${deps.cameraName(a.cameraId)}` : ''}`,
          ),
        ),
      ),
    );

  const refresh = async () => {
    let items;
    try {
      items = (await api('/api/alerts?hours=24&limit=20')).items;
    } catch {
      return; // the wall's own notice says when the service is away
    }
    render(items);
    for (const a of items) {
      if (seen.has(a.eventId)) continue;
      seen.add(a.eventId);
      if (primed && a.severity === 'high') {
        tone();
        notify(a);
      }
    }
    primed = true;
  };
  for (const type of ALERT_EVENTS) socket.on(type, refresh);
  socket.on('connect', refresh);
}
