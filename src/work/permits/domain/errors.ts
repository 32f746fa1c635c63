import { defineError } from '../../../platform/shared/errors.ts';

/** Every refusal of the permit domain, with what to do about it (Chinese first). */
export const PermitErrors = {
  notFound: defineError('JH_ERR_PERMIT_NOT_FOUND', 404, '作业票不存在。', 'The permit does not exist.'),
  badTransition: defineError(
    'JH_ERR_PERMIT_BAD_TRANSITION',
    409,
    '作业票当前状态不允许此操作。',
    'The permit is not in a state that allows this action.',
  ),
  validityTooLong: defineError(
    'JH_ERR_PERMIT_VALIDITY_TOO_LONG',
    400,
    '作业票有效期超出该级别上限（特级/一级 8 小时，二级 72 小时，受限空间 24 小时），请缩短作业时间或分多张票。',
    'The work window exceeds the limit for this level (8 h special/level 1, 72 h level 2, 24 h confined space); shorten it or split it.',
  ),
  badWindow: defineError(
    'JH_ERR_PERMIT_BAD_WINDOW',
    400,
    '作业时间不合法：结束时间必须晚于开始时间。',
    'The work window is not valid: it must end after it starts.',
  ),
  levelRequired: defineError(
    'JH_ERR_PERMIT_LEVEL_REQUIRED',
    400,
    '该作业类型必须指定级别（如动火作业：特级/一级/二级）。',
    'This kind of work needs a level (hot work: special, level1, level2).',
  ),
  noCamera: defineError(
    'JH_ERR_PERMIT_NO_CAMERA',
    400,
    '无监控不作业：作业票必须绑定至少一个摄像头。',
    'No monitoring, no work: bind at least one camera to the permit.',
  ),
  unknownCamera: defineError(
    'JH_ERR_PERMIT_UNKNOWN_CAMERA',
    400,
    '绑定的摄像头不存在或不属于本企业。',
    'A bound camera does not exist or belongs to another enterprise.',
  ),
  wrongAuthority: defineError(
    'JH_ERR_PERMIT_APPROVER_AUTHORITY',
    403,
    '审批权限不足：特级由主管领导审批，一级由安全管理部门审批，二级及受限空间由作业所在单位审批。',
    'Approval authority too low: special needs the leader in charge, level 1 the safety department, level 2 and confined space the unit.',
  ),
  selfApproval: defineError(
    'JH_ERR_PERMIT_SELF_APPROVAL',
    403,
    '申请人不能审批自己的作业票。',
    'The applicant may not approve their own permit.',
  ),
  noGuardian: defineError(
    'JH_ERR_PERMIT_NO_GUARDIAN',
    409,
    '未指定监护人，不得作业。',
    'No guardian assigned: work may not start.',
  ),
  noWorkers: defineError(
    'JH_ERR_PERMIT_NO_WORKERS',
    400,
    '作业票必须列出作业人员。',
    'The permit must list its workers.',
  ),
  outsideWindow: defineError(
    'JH_ERR_PERMIT_OUTSIDE_WINDOW',
    409,
    '当前不在作业票有效时间内。',
    'Now is outside the permit’s work window.',
  ),
  expired: defineError(
    'JH_ERR_PERMIT_EXPIRED',
    409,
    '作业票已过期，需重新办理。',
    'The permit has expired; a new permit is needed.',
  ),
  gasMissing: defineError(
    'JH_ERR_PERMIT_GAS_TEST_REQUIRED',
    409,
    '缺少 30 分钟内合格的气体分析，请先取样分析。',
    'No passing gas analysis in the last 30 minutes: take a sample first.',
  ),
  gasFailed: defineError(
    'JH_ERR_PERMIT_GAS_TEST_FAILED',
    409,
    '最近一次气体分析不合格，不得作业；请通风后重新检测。',
    'The latest gas analysis failed: ventilate and test again before work.',
  ),
  gasRetestRequired: defineError(
    'JH_ERR_PERMIT_GAS_RETEST_REQUIRED',
    409,
    '中断时间过长，恢复作业前须重新进行气体分析。',
    'The break was too long: a fresh gas analysis is needed before work resumes.',
  ),
  monitoringDown: defineError(
    'JH_ERR_PERMIT_MONITORING_DOWN',
    409,
    '无监控不作业：绑定的摄像头不在线（离线、卡顿、黑屏或遮挡），请恢复监控后再试。',
    'No monitoring, no work: a bound camera is not live (offline, frozen, dark or obstructed); restore it first.',
  ),
  workerUncertified: defineError(
    'JH_ERR_PERMIT_WORKER_UNCERTIFIED',
    409,
    '作业人员未持有该作业要求的有效特种作业操作证（无证、已过期或逾期未复审），持证后方可作业。',
    'A worker lacks a valid special-operation certificate this work requires (none, expired or review overdue).',
  ),
  unbalanced: defineError(
    'JH_ERR_PERMIT_ENTRY_UNBALANCED',
    409,
    '受限空间进出人数不平衡，仍有人员在内，不得完工。',
    'Confined-space entries and exits do not balance: someone is still inside.',
  ),
  notGuardian: defineError(
    'JH_ERR_PERMIT_NOT_GUARDIAN',
    403,
    '只有本作业票指定的监护人可以执行此操作。',
    'Only the guardian assigned to this permit may do this.',
  ),
  measuresUnconfirmed: defineError(
    'JH_ERR_PERMIT_MEASURES_UNCONFIRMED',
    409,
    '尚有安全措施未确认，逐项确认后方可作业。',
    'Some safety measures are not confirmed yet; confirm each before work starts.',
  ),
  noSuchMeasure: defineError(
    'JH_ERR_PERMIT_NO_SUCH_MEASURE',
    404,
    '该安全措施不存在。',
    'No such safety measure.',
  ),
};
