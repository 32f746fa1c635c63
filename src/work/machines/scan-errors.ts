import { defineError } from '../../platform/shared/errors.ts';

/** Every refusal of a 一机一码 scan, each saying what to do (Chinese first). */
export const ScanErrors = {
  tokenInvalid: defineError(
    'JH_ERR_SCAN_TOKEN_INVALID',
    400,
    '二维码无效或不是本系统签发的，请扫描焊机上的二维码。',
    'The QR code is not valid or was not issued by this system; scan the label on the machine.',
  ),
  qrOrCode: defineError(
    'JH_ERR_SCAN_QR_OR_CODE',
    400,
    '请扫描焊机二维码，或输入二维码下方的焊机编号（二者选一）。',
    'Scan the machine QR or type the machine code printed under it (one of the two).',
  ),
  codeUnknown: defineError(
    'JH_ERR_SCAN_CODE_UNKNOWN',
    400,
    '没有这个焊机编号，请核对二维码下方印的编号。',
    'No machine has this code; check the code printed under the QR.',
  ),
  tokenRevoked: defineError(
    'JH_ERR_SCAN_TOKEN_REVOKED',
    403,
    '该二维码已作废，请联系管理员更换焊机标签。',
    'This QR label has been revoked; ask the administrator for a new label.',
  ),
  tokenExpired: defineError(
    'JH_ERR_SCAN_TOKEN_EXPIRED',
    403,
    '该二维码已过期，请联系管理员重新打印标签。',
    'This QR label has expired; ask the administrator to print a new one.',
  ),
  replayed: defineError(
    'JH_ERR_SCAN_REPLAYED',
    409,
    '重复提交的扫码请求已被拒绝，请重新扫码。',
    'This scan request was already used (replay); scan again.',
  ),
  stale: defineError(
    'JH_ERR_SCAN_STALE',
    400,
    '扫码时间与服务器时间相差过大，请校准手机时间后重新扫码。',
    'The scan time is too far from server time; fix the phone clock and scan again.',
  ),
  noCertificate: defineError(
    'JH_ERR_SCAN_NO_CERTIFICATE',
    403,
    '未登记有效的焊接与热切割作业操作证，不得动火。',
    'No welding and thermal cutting certificate on record: hot work is not allowed.',
  ),
  certificateExpired: defineError(
    'JH_ERR_SCAN_CERTIFICATE_EXPIRED',
    403,
    '特种作业操作证已过期，请复审换证后再作业。',
    'The special-operation certificate has expired; renew it before working.',
  ),
  certificateReviewOverdue: defineError(
    'JH_ERR_SCAN_CERTIFICATE_REVIEW_OVERDUE',
    403,
    '特种作业操作证已超过复审日期，复审合格并登记后方可作业。',
    'The special-operation certificate is past its review date; work again once the passed review is recorded.',
  ),
  noPermit: defineError(
    'JH_ERR_SCAN_NO_PERMIT',
    403,
    '没有覆盖此焊机的已批准动火作业票，请先办理作业票。',
    'No approved hot-work permit covers this machine; get a permit first.',
  ),
  permitExpired: defineError(
    'JH_ERR_SCAN_PERMIT_EXPIRED',
    403,
    '作业票已过期，请重新办理作业票。',
    'The permit has expired; a new permit is needed.',
  ),
  permitNotYet: defineError(
    'JH_ERR_SCAN_PERMIT_NOT_STARTED',
    403,
    '尚未到作业票的开始时间。',
    'The permit’s work window has not started yet.',
  ),
  permitSuspended: defineError(
    'JH_ERR_SCAN_PERMIT_SUSPENDED',
    403,
    '作业票已暂停，待监控恢复或安全员处理后再作业。',
    'The permit is suspended; wait for monitoring to return or the safety officer to resume it.',
  ),
  notOnPermit: defineError(
    'JH_ERR_SCAN_NOT_ON_PERMIT',
    403,
    '您不是该作业票登记的作业人员。',
    'You are not listed as a worker on this permit.',
  ),
  noGuardian: defineError(
    'JH_ERR_SCAN_NO_GUARDIAN',
    403,
    '作业票未指定监护人，不得动火。',
    'The permit has no guardian assigned: no hot work.',
  ),
  cameraOffline: defineError(
    'JH_ERR_SCAN_CAMERA_OFFLINE',
    403,
    '无监控不作业：作业点摄像头不在线，请恢复监控后再扫码。',
    'No monitoring, no work: the camera on this work point is not live; restore it, then scan again.',
  ),
  inaccurate: defineError(
    'JH_ERR_SCAN_LOCATION_INACCURATE',
    400,
    '手机定位精度不足，请到开阔处或开启高精度定位后重新扫码。',
    'The phone location is too inaccurate; enable precise location and scan again.',
  ),
  tooFar: defineError(
    'JH_ERR_SCAN_TOO_FAR',
    403,
    '扫码位置距离焊机过远，请在焊机旁扫码。',
    'You scanned too far from the machine; scan next to it.',
  ),
  notReady: defineError(
    'JH_ERR_SCAN_PERMIT_NOT_READY',
    409,
    '作业票尚不具备开工条件（如气体分析），请先完成开工前检查。',
    'The permit is not ready to start (e.g. gas analysis); finish the pre-work checks first.',
  ),
};
