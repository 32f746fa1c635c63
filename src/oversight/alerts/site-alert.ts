/**
 * What the officer's wall must hear besides the detectors' violations (#22): 无票动火 / 无监控动火
 * reported by a welding machine's chip, a confined-space lock opened without a grant, a refused QR
 * scan, and permitted work stopped (suspended, or held down at resume) because its video or its
 * guardian is gone. Pure: a chained event in, an alert or null out.
 */

export type AlertSeverity = 'high' | 'medium';

export interface SiteAlert {
  /** the outbox id of the event it comes from: stable, so a wall can tell what it has shown */
  eventId: number;
  type: string;
  enterpriseId: string | null;
  siteId: string | null;
  cameraId: string | null;
  permitId: string | null;
  severity: AlertSeverity;
  titleZh: string;
  title: string;
  at: string;
  /** a notice for one person (a hazard dispatched to them, or overdue): whom; null otherwise */
  recipientUserId: number | null;
}

/** The event types that can make an alert (the wall listens to these over socket.io). */
export const ALERT_EVENT_TYPES = [
  'machine.violationDetected',
  'lock.violationDetected',
  'machine.scanned',
  'permit.suspended',
  'permit.resumeBlocked',
  'hazard.responsibleNotified',
] as const;

/**
 * The service's own alarms (#27: recording storage nearly full): published with no enterprise, they
 * concern every wall and carry no tenant data, so every signed-in wall lists them.
 */
export const SYSTEM_ALERT_EVENT_TYPES = ['recording.diskAlarm'] as const;

export interface AlertSourceEvent {
  outboxId: number;
  type: string;
  enterpriseId: string | null;
  occurredAt: string;
  payload: Record<string, unknown>;
}

/** A coded error's sentences, for scan refusals (the scan event carries only the code). */
export type DescribeCode = (code: string) => { zh: string; en: string } | undefined;

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

export function siteAlertOf(e: AlertSourceEvent, describe: DescribeCode): SiteAlert | null {
  const p = e.payload;
  const base = {
    eventId: e.outboxId,
    type: e.type,
    enterpriseId: e.enterpriseId,
    siteId: str(p['siteId']),
    cameraId: str(p['cameraId']),
    permitId: str(p['permitId']),
    at: e.occurredAt,
    recipientUserId: typeof p['recipientUserId'] === 'number' ? p['recipientUserId'] : null,
  };
  switch (e.type) {
    case 'machine.violationDetected':
      return {
        ...base,
        severity: 'high',
        titleZh: str(p['titleZh']) ?? '焊机违规动火',
        title: str(p['title']) ?? 'Welding outside a valid permit',
      };
    case 'lock.violationDetected':
      return {
        ...base,
        severity: 'high',
        titleZh: str(p['messageZh']) ?? '受限空间门锁未经授权被打开',
        title: str(p['message']) ?? 'Confined-space lock opened without authorisation',
      };
    case 'machine.scanned': {
      const result = str(p['result']);
      if (result === null || result === 'accepted') return null;
      const d = describe(result);
      return {
        ...base,
        severity: 'medium',
        titleZh: `扫码被拒：${d?.zh ?? result}`,
        title: `Scan refused: ${d?.en ?? result}`,
      };
    }
    case 'permit.suspended':
    case 'permit.resumeBlocked':
      return {
        ...base,
        severity: 'high',
        titleZh: str(p['messageZh']) ?? '作业暂停',
        title: str(p['message']) ?? 'Work suspended',
      };
    case 'hazard.responsibleNotified':
      return {
        ...base,
        // overdue rectification is what escalates; a fresh dispatch is work to plan
        severity: p['why'] === 'overdue' ? 'high' : 'medium',
        titleZh: str(p['titleZh']) ?? '隐患整改通知',
        title: str(p['title']) ?? 'Hazard rectification notice',
      };
    case 'recording.diskAlarm':
      // raised high (a siren may sound: recordings stop when the disk is full); the all-clear is medium
      return {
        ...base,
        severity: p['alarm'] === true ? 'high' : 'medium',
        titleZh: str(p['titleZh']) ?? '录像存储即将用满',
        title: str(p['title']) ?? 'Recording storage is nearly full',
      };
    default:
      return null;
  }
}

/**
 * MQTT topic for alerts, under the configured prefix (integrations: sirens, a plant's dashboards):
 * `<prefix>/alerts/<enterprise>/<severity>`, so a siren can subscribe to `+/high` alone.
 */
export const alertTopic = (prefix: string, a: Pick<SiteAlert, 'enterpriseId' | 'severity'>): string =>
  `${prefix}/alerts/${a.enterpriseId ?? '_'}/${a.severity}`;
