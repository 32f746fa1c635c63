import type { HazardLevel, HazardState, Stage } from './hazard.machine.ts';

/** Domain events of the closed loop (listed in DomainEventMap). Photos carry path + sha256, so the
 * audit chain commits to the files and `jianhu audit verify` re-hashes them. */
export interface HazardPhotoRef {
  path: string;
  sha256: string;
}

export interface ResponsibleNotice {
  hazardId: number;
  /** whom it is for: realtime sends it to this user's sessions only */
  recipientUserId: number;
  why: 'dispatched' | 'overdue';
  level: HazardLevel | null;
  deadline: string;
  /** 0 on dispatch; the overdue escalation level */
  escalation: number;
  description: string;
  titleZh: string;
  title: string;
}

/** The hazard's columns the annex forms read that no step carries (hazards.repo.ts's names). */
export interface HazardFormFields {
  siteId: string | null;
  checker: string;
  supervisingUnit: string | null;
  location: string | null;
  basis: string | null;
  hazardType: string;
  penaltyYuan: number;
  penaltyNote: string | null;
  /** when it was found (an inspection's day may precede its registration) */
  foundAt: string;
}

interface Step {
  hazardId: number;
  from: HazardState | null;
  to: HazardState;
  byUserId: number;
  by: string;
  reason: string;
}

export interface HazardEventMap {
  'hazard.registered': Step & {
    source: 'violation' | 'inspection' | 'public';
    violationId: string | null;
    stage: Stage;
    description: string;
    photos: HazardPhotoRef[];
    /**
     * What the annex forms print besides (the county hub builds them from these events). Optional
     * because boxes of earlier versions did not ship them: the hub then prints the cells empty.
     */
    form?: HazardFormFields;
  };
  'hazard.assessed': Step & { level: HazardLevel; five?: Record<string, unknown> | null };
  'hazard.dispatched': Step & {
    level: HazardLevel;
    responsibleUserId: number;
    deadline: string;
    five: Record<string, unknown> | null;
  };
  'hazard.rectified': Step & { photos: HazardPhotoRef[] };
  'hazard.verified': Step & { passed: boolean };
  'hazard.closed': Step;
  /**
   * To the responsible person alone (socket.io room of that user; a site alert on MQTT): a hazard was
   * dispatched to them, or its rectification is overdue (each escalation level once).
   */
  'hazard.responsibleNotified': ResponsibleNotice;
  'hazard.overdue': {
    hazardId: number;
    level: HazardLevel | null;
    deadline: string;
    escalation: number;
    overdueHours: number;
    responsibleUserId: number | null;
  };
}
