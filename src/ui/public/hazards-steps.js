import { api, errText, h, notice, t } from './common.js';
import { fromLocalInput, toLocalInput } from './permit-text.js';
import { LEVELS, photosOf } from './hazards-text.js';

// The step a hazard waits for, offered only to who may take it (the service checks again):
// 评估 (and 五到位 for a major hazard) and 派单 by a manager (hazard:write); 整改 by the responsible
// person, on a phone: after-photos and what was done; 复核 by a manager who neither rectified nor
// was responsible (pass → 已复核, fail → back to 整改中); 销号 by a manager.

const DAY = 86_400_000;
const field = (zh, en, input) => h('label', {}, t(zh, en), input);

/** A form whose submit posts one step; the answer re-renders the hazard, a refusal says why. */
function stepForm(id, title, fields, buttons, send, done) {
  const out = h('p', { class: 'notice', hidden: true });
  const run = async (extra) => {
    for (const b of form.querySelectorAll('button')) b.disabled = true;
    notice(out, t('提交中…', 'Sending…'));
    try {
      await send(extra);
      await done();
    } catch (e) {
      notice(out, errText(e), 'error');
      for (const b of form.querySelectorAll('button')) b.disabled = false;
    }
  };
  const form = h(
    'form',
    { id, class: 'form-grid', onsubmit: (e) => (e.preventDefault(), run()) },
    h('h3', {}, title),
    fields,
    h(
      'div',
      { class: 'actions' },
      buttons.map(([label, cls, extra]) =>
        h(
          'button',
          {
            type: extra === undefined ? 'submit' : 'button',
            class: cls,
            onclick: extra === undefined ? undefined : () => run(extra),
          },
          label,
        ),
      ),
    ),
    out,
  );
  return form;
}

const post = (hz, step, body) => api(`/api/hazards/${hz.id}/${step}`, { method: 'POST', body });
const reasonInput = (id, value) => h('input', { id, required: true, maxlength: 500, value });

function assessForm(hz, done) {
  const five = hz.five || {};
  const level = h(
    'select',
    { id: 'hz-level', onchange: () => (fiveBox.hidden = level.value !== 'major') },
    Object.entries(LEVELS).map(([v, n]) =>
      h('option', { value: v, selected: v === (hz.level || 'general') }, t(...n)),
    ),
  );
  const inp = (id, value, attrs = {}) => h('input', { id, value: value ?? '', ...attrs });
  const area = (id, value) => h('textarea', { id, rows: 2, maxlength: 2000 }, value ?? '');
  const fiveBox = h(
    'fieldset',
    { id: 'hz-five', class: 'form-grid', hidden: level.value !== 'major' },
    h(
      'legend',
      {},
      t('五到位（重大隐患派单前须齐全）', 'Five in place (required before a major hazard is dispatched)'),
    ),
    field('措施', 'Measures', area('hz-five-measures', five.measures)),
    field('责任', 'Responsible', inp('hz-five-person', five.responsiblePerson, { maxlength: 100 })),
    field(
      '资金（元）',
      'Funds (yuan)',
      inp('hz-five-funds', five.funds, { type: 'number', min: 0, step: 'any' }),
    ),
    field(
      '时限（北京时间）',
      'Deadline (Beijing)',
      inp('hz-five-deadline', five.deadline ? toLocalInput(Date.parse(five.deadline)) : '', {
        type: 'datetime-local',
      }),
    ),
    field('预案', 'Contingency plan', area('hz-five-plan', five.contingencyPlan)),
  );
  const reason = reasonInput('hz-assess-reason', t('评估定级', 'Assessed'));
  const val = (id) => fiveBox.querySelector(`#${id}`).value.trim();
  return stepForm(
    'hz-assess',
    t('评估', 'Assess'),
    [field('隐患等级', 'Level', level), fiveBox, field('说明', 'Note', reason)],
    [[t('提交评估', 'Assess'), 'primary']],
    () => {
      const body = { level: level.value, reason: reason.value };
      if (level.value === 'major') {
        const f = {
          measures: val('hz-five-measures'),
          responsiblePerson: val('hz-five-person'),
          funds: val('hz-five-funds') === '' ? undefined : Number(val('hz-five-funds')),
          deadline: val('hz-five-deadline') ? fromLocalInput(val('hz-five-deadline')) : undefined,
          contingencyPlan: val('hz-five-plan'),
        };
        body.five = Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== ''));
      }
      return post(hz, 'assess', body);
    },
    done,
  );
}

function dispatchForm(ctx, hz, done) {
  const people = ctx.people.filter((p) => p.enterpriseId === hz.enterpriseId);
  const who = h(
    'select',
    { id: 'hz-responsible', required: true },
    h('option', { value: '' }, t('请选择', 'Choose')),
    people.map((p) => h('option', { value: p.userId }, `${p.displayName}`)),
  );
  const due = hz.five?.deadline ? Date.parse(hz.five.deadline) : Date.now() + 3 * DAY;
  const deadline = h('input', {
    id: 'hz-deadline',
    type: 'datetime-local',
    required: true,
    value: toLocalInput(due),
  });
  const reason = reasonInput('hz-dispatch-reason', t('派单整改', 'Dispatched for rectification'));
  return stepForm(
    'hz-dispatch',
    t('派单', 'Dispatch'),
    [
      field('整改责任人', 'Responsible person', who),
      field('整改期限（北京时间）', 'Deadline (Beijing)', deadline),
      field('说明', 'Note', reason),
    ],
    [[t('派单', 'Dispatch'), 'primary']],
    () =>
      post(hz, 'dispatch', {
        responsibleUserId: Number(who.value),
        deadline: fromLocalInput(deadline.value),
        reason: reason.value,
      }),
    done,
  );
}

function rectifyForm(hz, done) {
  const preview = h('div', { class: 'hz-photos' });
  const files = h('input', {
    id: 'hz-after-photos',
    type: 'file',
    accept: 'image/jpeg,image/png,image/*',
    capture: 'environment',
    multiple: true,
    required: true,
    onchange: () =>
      preview.replaceChildren(
        ...[...files.files].slice(0, 6).map((f) => h('img', { src: URL.createObjectURL(f), alt: f.name })),
      ),
  });
  const measures = h('textarea', { id: 'hz-measures', rows: 3, required: true, maxlength: 500 });
  return stepForm(
    'hz-rectify',
    t('整改', 'Rectify'),
    [
      field('整改后照片（拍照或相册，最多 6 张）', 'After photos (camera or album, up to 6)', files),
      preview,
      field('整改措施', 'What was done', measures),
    ],
    [[t('提交整改', 'Submit rectification'), 'primary big']],
    async () => post(hz, 'rectify', { photos: await photosOf(files), reason: measures.value.trim() }),
    done,
  );
}

function reviewForm(hz, done) {
  const reason = reasonInput('hz-review-reason', t('复核通过', 'Passed'));
  return stepForm(
    'hz-review',
    t('复核', 'Review'),
    [field('复核意见', 'Finding', reason)],
    [
      [t('复核通过', 'Pass'), 'ok', true],
      [t('不通过，退回整改', 'Fail: back to rectification'), 'danger', false],
    ],
    (passed) => post(hz, 'verify', { passed, reason: reason.value }),
    done,
  );
}

function closeForm(hz, done) {
  const reason = reasonInput('hz-close-reason', t('整改完成，销号', 'Rectified; closed'));
  return stepForm(
    'hz-close',
    t('销号', 'Close'),
    [field('说明', 'Note', reason)],
    [[t('销号', 'Close'), 'primary']],
    () => post(hz, 'close', { reason: reason.value }),
    done,
  );
}

/** The card with the step due now for this user, or a line saying who it waits for. */
export function stepSection(ctx, hz, done) {
  const manage = ctx.can('hazard:write');
  const me = ctx.me.userId;
  const wait = (zh, en) => h('p', { class: 'muted', id: 'hz-waiting' }, t(zh, en));
  let body;
  switch (hz.state) {
    case 'registered':
      body = manage ? assessForm(hz, done) : wait('待安全管理人员评估', 'Waiting for assessment');
      break;
    case 'assessed':
      body = manage
        ? [
            dispatchForm(ctx, hz, done),
            h('details', {}, h('summary', {}, t('重新评估', 'Re-assess')), assessForm(hz, done)),
          ]
        : wait('待派单', 'Waiting for dispatch');
      break;
    case 'dispatched':
      body =
        manage || hz.responsibleUserId === me ? rectifyForm(hz, done) : wait('整改中', 'Being rectified');
      break;
    case 'rectified':
      if (!manage) body = wait('待复核', 'Waiting for review');
      else if (me === hz.rectifiedBy || me === hz.responsibleUserId)
        body = wait(
          '复核须由整改人和责任人以外的人员进行',
          'The review must be done by someone other than the rectifier and the responsible person',
        );
      else body = reviewForm(hz, done);
      break;
    case 'verified':
      body = manage ? closeForm(hz, done) : wait('待销号', 'Waiting to be closed');
      break;
    default:
      body = wait('已销号，闭环完成', 'Closed: the loop is complete');
  }
  return h('section', { class: 'card hz-step', id: 'hz-step' }, body);
}
