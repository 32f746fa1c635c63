import type { HazardLevel, HazardState, Stage } from './hazard.machine.ts';

/** Domain events of the closed loop (listed in DomainEventMap). Photos carry path + sha256, so the
 * audit chain commits to the files and `jianhu audit verify` re-hashes them. */
export interface HazardPhotoRef {
  path: string;
  sha256: string;
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
  };
  'hazard.assessed': Step & { level: HazardLevel };
  'hazard.dispatched': Step & {
    level: HazardLevel;
    responsibleUserId: number;
    deadline: string;
    five: Record<string, unknown> | null;
  };
  'hazard.rectified': Step & { photos: HazardPhotoRef[] };
  'hazard.verified': Step & { passed: boolean };
  'hazard.closed': Step;
  'hazard.overdue': {
    hazardId: number;
    level: HazardLevel | null;
    deadline: string;
    escalation: number;
    overdueHours: number;
    responsibleUserId: number | null;
  };
}
