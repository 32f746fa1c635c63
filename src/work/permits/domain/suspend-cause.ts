/**
 * Why a permit is suspended, as a typed value: code that must tell "monitoring lost" from a guardian
 * leaving reads `cause.kind`, never a prefix of the text people see. The text (`describeSuspendCause`)
 * is what the wall, the phone and the events show.
 */
export type SuspendCause =
  /** a bound camera stopped being live (无监控不作业): resumes on its own when monitoring returns */
  | { kind: 'monitoring_lost'; cameraId: string; state: string; stateZh: string }
  /** 监护人离开 */
  | { kind: 'guardian_left' }
  /** no gas reading logged within the kind's continuous interval (受限空间: 2 h, 13号令) */
  | { kind: 'gas_monitoring_overdue'; everyHours: number }
  /** 交叉作业: the linked permit hosting this work (受限空间) stopped being active */
  | { kind: 'host_suspended'; hostPermitId: string; hostNumber: string }
  /** a person suspended it, with their words */
  | { kind: 'manual'; note: string };

export type SuspendCauseKind = SuspendCause['kind'];

/** The sentence shown for a cause, its code first (Chinese, then English where one exists). */
export function describeSuspendCause(c: SuspendCause): string {
  switch (c.kind) {
    case 'monitoring_lost':
      return `monitoring_lost 监控中断：${c.cameraId} ${c.stateZh} ${c.state}`;
    case 'guardian_left':
      return 'guardian_left 监护人离开';
    case 'gas_monitoring_overdue':
      return `gas_monitoring_overdue 气体监测超过${c.everyHours}小时未记录`;
    case 'host_suspended':
      return `host_suspended 关联的受限空间作业票 ${c.hostNumber} 已停止作业`;
    case 'manual':
      return c.note;
  }
}

/** Suspended for lost monitoring only: the gate may resume it when every bound camera is live again. */
export function suspendedForMonitoring(p: { state: string; suspendCause?: SuspendCause | null }): boolean {
  return p.state === 'suspended' && p.suspendCause?.kind === 'monitoring_lost';
}
