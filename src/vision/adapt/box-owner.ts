import { AdaptErrors } from './errors.ts';

/**
 * Who may read and change the box's site model over HTTP. One model serves every camera on the box and
 * learns from every crop kept there, whatever enterprise they belong to, so an enterprise admin may act
 * on it only while all of them are their own enterprise's. Otherwise the admin of one tenant could
 * retrain or roll back the detector another tenant's cameras (and permits) depend on, and read how many
 * of that tenant's no-hard-hat violations were confirmed. A box with nothing of anyone's on it refuses
 * no enterprise admin. The box operator's `jianhu adapt` (a shell on the box) is not bound by this.
 */
export function assertSoleEnterprise(
  callerEnterpriseId: string | null,
  enterprisesOnTheBox: Iterable<string>,
): void {
  if (!callerEnterpriseId) throw AdaptErrors.sharedBox();
  for (const e of enterprisesOnTheBox) if (e !== callerEnterpriseId) throw AdaptErrors.sharedBox();
}
