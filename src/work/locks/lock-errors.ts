import { defineError } from '../../platform/shared/errors.ts';

/** Refusals of 加锁赋码 (each says what to do, Chinese first). */
export const LockErrors = {
  notFound: defineError('JH_ERR_LOCK_NOT_FOUND', 404, '门锁不存在。', 'The lock does not exist.'),
  duplicate: defineError(
    'JH_ERR_LOCK_DUPLICATE',
    409,
    '门锁编号或锁码已存在。',
    'A lock with that id or code already exists.',
  ),
  badSite: defineError(
    'JH_ERR_LOCK_UNKNOWN_SITE',
    400,
    '厂区或入口摄像头不存在或不属于本企业。',
    'The site or entrance camera does not exist or belongs to another enterprise.',
  ),
  wrongPermit: defineError(
    'JH_ERR_LOCK_WRONG_PERMIT',
    403,
    '该作业票不是绑定此门锁的受限空间作业票。',
    'That permit is not a confined-space permit bound to this lock.',
  ),
  permitNotApproved: defineError(
    'JH_ERR_LOCK_PERMIT_NOT_APPROVED',
    403,
    '受限空间作业票未批准或已失效，不得开锁。',
    'The confined-space permit is not approved or no longer valid: the lock stays shut.',
  ),
  notGuardian: defineError(
    'JH_ERR_LOCK_NOT_GUARDIAN',
    403,
    '只有作业票指定的监护人可以申请开锁。',
    'Only the permit’s guardian may request the unlock.',
  ),
  gas: defineError(
    'JH_ERR_LOCK_GAS_NOT_OK',
    403,
    '先通风、再检测、后作业：缺少 30 分钟内合格的气体检测（氧含量 19.5%–21%，有毒可燃气体合格）。',
    'Ventilate, test, then work: no passing gas test in the last 30 minutes (O2 19.5–21%, toxic and combustible gas within limits).',
  ),
  guardianAbsent: defineError(
    'JH_ERR_LOCK_GUARDIAN_ABSENT',
    403,
    '监护人不在岗，不得开锁；监护人到岗签到后再申请。',
    'The guardian is not at the post; check in at the entrance, then ask again.',
  ),
  cameraOffline: defineError(
    'JH_ERR_LOCK_CAMERA_OFFLINE',
    403,
    '无监控不作业：入口摄像头不在线，不得开锁。',
    'No monitoring, no work: the entrance camera is not live; the lock stays shut.',
  ),
  notReady: defineError(
    'JH_ERR_LOCK_PERMIT_NOT_READY',
    409,
    '作业票尚不具备开工条件。',
    'The permit is not ready to start.',
  ),
  unbalancedExit: defineError(
    'JH_ERR_LOCK_EXIT_WITHOUT_ENTRY',
    409,
    '该人员没有进入记录，不能登记出来。',
    'That person has no entry on record, so no exit can be logged.',
  ),
  notActive: defineError(
    'JH_ERR_LOCK_PERMIT_NOT_ACTIVE',
    409,
    '作业票不在作业中，不能登记进入。',
    'The permit is not active: no entry can be logged.',
  ),
};
