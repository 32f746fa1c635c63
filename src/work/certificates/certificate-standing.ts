/**
 * Whether a 特种作业操作证 lets its holder work now, and which workers of a permit lack one: pure
 * decisions over certificates already read, so the permit service, the machine scan and the ledger
 * agree. 《特种作业人员安全技术培训考核管理规定》: the card is valid 6 years (§21) and must be reviewed
 * every 3 (§21; up to 6 with the issuing authority's consent, §22); a card past its review date is not
 * valid for work until the review is recorded.
 */

export interface Certificate {
  id: number;
  enterpriseId: string;
  userId: number;
  number: string;
  category: string;
  issuedAt: number;
  /** exclusive end of validity (the local midnight after 有效期至) */
  expiresAt: number;
  /** exclusive end of the last day without a passed review (复审) */
  reviewDueAt: number;
  revoked: boolean;
}

/** Why a worker may not work under a category: no card, only expired cards, or a card awaiting review. */
export type CertificateProblem = 'none' | 'expired' | 'review_overdue';

export type Standing =
  | { ok: true; certificate: Certificate }
  | { ok: false; reason: CertificateProblem; certificate: Certificate | null };

/**
 * The holder's standing in one category at `now`, from their certificates (any category; others are
 * ignored). Revoked and not-yet-issued cards count as none. Among several valid cards the one valid
 * longest is named.
 */
export function standingIn(certs: readonly Certificate[], category: string, now: number): Standing {
  const held = certs.filter((c) => c.category === category && !c.revoked && c.issuedAt <= now);
  const inDate = held.filter((c) => c.expiresAt > now).sort((a, b) => b.expiresAt - a.expiresAt);
  const valid = inDate.find((c) => c.reviewDueAt > now);
  if (valid) return { ok: true, certificate: valid };
  if (inDate[0]) return { ok: false, reason: 'review_overdue', certificate: inDate[0] };
  const latest = [...held].sort((a, b) => b.expiresAt - a.expiresAt)[0];
  return latest
    ? { ok: false, reason: 'expired', certificate: latest }
    : { ok: false, reason: 'none', certificate: null };
}

/** How the ledger and the admin screen label a card (有效 / 将到期 / 已过期 / 待复审 / 已注销). */
export type CertificateStatus = 'valid' | 'expiring' | 'expired' | 'review_overdue' | 'revoked';

/** One card's status at `now`; 'expiring' when its expiry or its review falls within `warnDays`. */
export function statusOf(c: Certificate, now: number, warnDays: number): CertificateStatus {
  if (c.revoked) return 'revoked';
  if (c.expiresAt <= now) return 'expired';
  if (c.reviewDueAt <= now) return 'review_overdue';
  const next = Math.min(c.expiresAt, c.reviewDueAt);
  return next - now < warnDays * 86_400_000 ? 'expiring' : 'valid';
}

export interface WorkerCertificateProblem {
  userId: number;
  username: string;
  category: string;
  reason: CertificateProblem;
  /** the card the reason is about (an expired one, one awaiting review); null when none is on record */
  number: string | null;
}

/**
 * Every (worker, category) pair of a permit without a valid card at `now`: each worker must hold each
 * category the kind requires. Empty: all certified (or the kind requires none).
 */
export function uncertifiedWorkers(
  workers: readonly { userId: number; username: string }[],
  required: readonly string[],
  certs: readonly Certificate[],
  now: number,
): WorkerCertificateProblem[] {
  return workers.flatMap((w) =>
    required.flatMap((category) => {
      const s = standingIn(
        certs.filter((c) => c.userId === w.userId),
        category,
        now,
      );
      return s.ok
        ? []
        : [
            {
              userId: w.userId,
              username: w.username,
              category,
              reason: s.reason,
              number: s.certificate?.number ?? null,
            },
          ];
    }),
  );
}
