import type { Stage } from '../hazards/hazard.machine.ts';

/** What a 执法检查 record says, as its events carry it (the chain commits to every field). */
export interface InspectionFacts {
  inspectionId: number;
  inspectors: string[];
  inspectedAt: string;
  stage: Stage;
  checkingUnit: string;
  penaltyText: string | null;
  penaltyYuan: number;
  supervised: boolean;
  supervisingUnit: string | null;
  note: string | null;
}

interface By {
  byUserId: number;
  by: string;
}

/** Domain events of 执法检查 (listed in DomainEventMap; published through the outbox). */
export interface InspectionEventMap {
  'inspection.recorded': InspectionFacts & By;
  /** `changes`: the fields the regulator changed; the rest of the payload is the record after it */
  'inspection.updated': InspectionFacts & By & { changes: string[] };
  'inspection.findingAdded': By & { inspectionId: number; hazardId: number; description: string };
  /** only a record without findings can be deleted (a finding is a hazard in the enterprise's loop) */
  'inspection.deleted': By & { inspectionId: number };
}
