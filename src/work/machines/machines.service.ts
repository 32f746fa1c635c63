import type { Config } from '../../config/schema.ts';
import type { Clock } from '../../platform/shared/clock.ts';
import { defineError } from '../../platform/shared/errors.ts';
import type { EnterpriseScope } from '../../platform/tenancy/scope.ts';
import { signQr } from './machine-token.ts';
import type { Machine, MachinesRepo } from './machines.repo.ts';

export const MachineErrors = {
  notFound: defineError(
    'JH_ERR_MACHINE_NOT_FOUND',
    404,
    '焊机不存在。',
    'The welding machine does not exist.',
  ),
  duplicate: defineError(
    'JH_ERR_MACHINE_DUPLICATE',
    409,
    '焊机编号已存在。',
    'A machine with that id already exists.',
  ),
  badSite: defineError(
    'JH_ERR_MACHINE_UNKNOWN_SITE',
    400,
    '厂区不存在或不属于本企业。',
    'The site does not exist or belongs to another enterprise.',
  ),
  badCamera: defineError(
    'JH_ERR_MACHINE_UNKNOWN_CAMERA',
    400,
    '摄像头不存在或不属于该厂区。',
    'The camera does not exist or is not at that site.',
  ),
  revoked: defineError(
    'JH_ERR_MACHINE_REVOKED',
    409,
    '该焊机的二维码已作废，请先重新生成。',
    'This machine’s QR code is revoked; rotate it first.',
  ),
};

/** 一机一码: the register of welding machines and their signed QR labels. */
export class MachinesService {
  constructor(
    private readonly repo: MachinesRepo,
    private readonly key: Buffer,
    private readonly config: Config,
    private readonly clock: Clock,
    /** where a camera is now (the permits' view of the camera catalog: run-time cameras too) */
    private readonly cameraSite: (cameraId: string) => { siteId: string } | undefined,
  ) {}

  register(
    scope: EnterpriseScope,
    body: { id: string; name: string; siteId: string; cameraId?: string; lat: number; lon: number },
  ): Machine {
    const site = this.config.sites.find((s) => s.id === body.siteId);
    if (!site || !scope.can(site.enterpriseId)) throw MachineErrors.badSite({ siteId: body.siteId });
    if (body.cameraId && this.cameraSite(body.cameraId)?.siteId !== site.id)
      throw MachineErrors.badCamera({ cameraId: body.cameraId });
    if (this.repo.get(body.id)) throw MachineErrors.duplicate({ id: body.id });
    this.repo.insert(
      { ...body, cameraId: body.cameraId ?? null, enterpriseId: site.enterpriseId },
      this.clock.now(),
    );
    return this.repo.get(body.id)!;
  }

  get(scope: EnterpriseScope | null, id: string): Machine {
    const m = this.repo.get(id);
    if (!m || (scope && !scope.can(m.enterpriseId))) throw MachineErrors.notFound({ machineId: id });
    return m;
  }

  list(scope: EnterpriseScope): Machine[] {
    return this.repo.list([...scope.enterpriseIds]);
  }

  /** The text printed in the machine's QR label (current version). */
  qrToken(scope: EnterpriseScope | null, id: string): string {
    const m = this.get(scope, id);
    if (m.revoked) throw MachineErrors.revoked({ machineId: id });
    return signQr(this.key, {
      machineId: m.id,
      version: m.tokenVersion,
      iat: Math.floor(this.clock.now() / 1000),
    });
  }

  /** New label, old ones stop working (`revoke: true` leaves the machine without a valid label). */
  rotate(scope: EnterpriseScope, id: string, revoke: boolean): Machine {
    this.get(scope, id);
    this.repo.bumpVersion(id, revoke);
    return this.repo.get(id)!;
  }

  scans(scope: EnterpriseScope, id: string, limit: number) {
    this.get(scope, id);
    return this.repo.scans(id, limit);
  }
}
