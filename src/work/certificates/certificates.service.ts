import type { UsersRepo } from '../../platform/auth/users.repo.ts';
import type { Clock } from '../../platform/shared/clock.ts';
import { defineError } from '../../platform/shared/errors.ts';
import type { EnterpriseScope } from '../../platform/tenancy/scope.ts';
import type { Certificate, CertificatesRepo } from './certificates.repo.ts';

/** 焊接与热切割作业 — the special-operation category a welder must hold for hot work. */
export const WELDING_CATEGORY = '焊接与热切割作业';
const DAY = 86_400_000;

export const CertificateErrors = {
  unknownUser: defineError(
    'JH_ERR_CERT_UNKNOWN_USER',
    400,
    '持证人不存在或不属于本企业。',
    'The holder does not exist or belongs to another enterprise.',
  ),
  duplicate: defineError(
    'JH_ERR_CERT_DUPLICATE',
    409,
    '该证书编号已登记。',
    'That certificate number is already registered.',
  ),
  badDates: defineError(
    'JH_ERR_CERT_BAD_DATES',
    400,
    '证书日期不合法：有效期须晚于发证日期，且不超过 6 年。',
    'Certificate dates are not valid: expiry must follow issue and be at most 6 years later.',
  ),
  notFound: defineError('JH_ERR_CERT_NOT_FOUND', 404, '证书不存在。', 'The certificate does not exist.'),
};

export type CertificateStatus =
  | { ok: true; certificate: Certificate; expiringInDays: number | null }
  | { ok: false; reason: 'none' | 'expired'; certificate: Certificate | null };

/** Welders' 特种作业操作证 (valid 6 years, reviewed every 3). */
export class CertificatesService {
  constructor(
    private readonly repo: CertificatesRepo,
    private readonly users: UsersRepo,
    private readonly clock: Clock,
    private readonly warnDays: number,
  ) {}

  register(
    scope: EnterpriseScope,
    body: { username: string; number: string; category?: string; issuedAt: number; expiresAt: number },
  ): Certificate {
    const u = this.users.byUsername(body.username);
    if (!u || !scope.can(u.enterpriseId)) throw CertificateErrors.unknownUser({ username: body.username });
    if (body.expiresAt <= body.issuedAt || body.expiresAt - body.issuedAt > 6 * 366 * DAY)
      throw CertificateErrors.badDates();
    const category = body.category ?? WELDING_CATEGORY;
    if (this.repo.exists(category, body.number)) throw CertificateErrors.duplicate({ number: body.number });
    return this.repo.insert(
      {
        enterpriseId: u.enterpriseId!,
        userId: u.userId,
        number: body.number,
        category,
        issuedAt: body.issuedAt,
        expiresAt: body.expiresAt,
      },
      this.clock.now(),
    );
  }

  list(scope: EnterpriseScope): Certificate[] {
    return this.repo.list([...scope.enterpriseIds]);
  }

  revoke(scope: EnterpriseScope, id: number): void {
    const c = this.repo.get(id);
    if (!c || !scope.can(c.enterpriseId)) throw CertificateErrors.notFound({ id });
    this.repo.revoke(id);
  }

  /** The welder's best valid welding certificate at `now`, with a warning window before expiry. */
  weldingStatus(userId: number, now = this.clock.now()): CertificateStatus {
    const all = this.repo.ofUser(userId, WELDING_CATEGORY).filter((c) => !c.revoked);
    const valid = all.find((c) => c.issuedAt <= now && c.expiresAt > now);
    if (!valid) return { ok: false, reason: all.length ? 'expired' : 'none', certificate: all[0] ?? null };
    const days = Math.floor((valid.expiresAt - now) / DAY);
    return { ok: true, certificate: valid, expiringInDays: days < this.warnDays ? days : null };
  }

  numberFor(userId: number, now: number): string | null {
    const s = this.weldingStatus(userId, now);
    return s.ok ? s.certificate.number : null;
  }
}
