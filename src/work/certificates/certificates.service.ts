import type { UsersRepo } from '../../platform/auth/users.repo.ts';
import type { Clock } from '../../platform/shared/clock.ts';
import { defineError } from '../../platform/shared/errors.ts';
import type { EnterpriseScope } from '../../platform/tenancy/scope.ts';
import { certificateCategories } from './certificate-categories.ts';
import { endOfDayYearsLater, parseCertificateDate } from './certificate-dates.ts';
import { standingIn, statusOf, type CertificateStatus, type Standing } from './certificate-standing.ts';
import type { Certificate, CertificateReview, CertificatesRepo } from './certificates.repo.ts';

/** 焊接与热切割作业 — the special-operation category a welder must hold for hot work. */
export const WELDING_CATEGORY = '焊接与热切割作业';
const DAY = 86_400_000;
/** §21: the card is valid 6 years; a day's slack per year for leap days and end-of-day dates */
const MAX_SPAN_MS = 6 * 366 * DAY;
/** §21: reviewed every 3 years */
const REVIEW_EVERY_YEARS = 3;

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
    '证书日期不合法：日期写作 YYYY-MM-DD（或带时区的时间）；有效期、复审日期须晚于发证日期，且不超过 6 年。',
    'Certificate dates are not valid: write YYYY-MM-DD (or a date-time with a zone); expiry and review must follow issue, at most 6 years later.',
  ),
  unknownCategory: defineError(
    'JH_ERR_CERT_UNKNOWN_CATEGORY',
    400,
    '作业类别不在《特种作业目录》中，也不是任何作业类型要求的类别。',
    'The category is neither in the special-work catalogue nor required by any kind of work.',
  ),
  notFound: defineError('JH_ERR_CERT_NOT_FOUND', 404, '证书不存在。', 'The certificate does not exist.'),
  badReview: defineError(
    'JH_ERR_CERT_BAD_REVIEW',
    409,
    '复审记录不合法：复审日期须在发证之后、不晚于今天，且证书未过期、未注销（过期证书须重新考核）。',
    'The review cannot be recorded: it must fall after issue and not in the future, on a card neither expired nor revoked (an expired card needs a new examination).',
  ),
};

export interface RegisterInput {
  username: string;
  number: string;
  category?: string;
  /** YYYY-MM-DD (start of that local day) or an RFC 3339 date-time */
  issuedAt: string;
  /** YYYY-MM-DD (valid through that local day) or an RFC 3339 date-time (exclusive) */
  expiresAt: string;
  /** 复审日期, as expiresAt; default: the same day 3 years after issue */
  reviewDueAt?: string;
}

/** 特种作业操作证 (valid 6 years, reviewed every 3) of the workers named on permits. */
export class CertificatesService {
  constructor(
    private readonly repo: CertificatesRepo,
    private readonly users: UsersRepo,
    private readonly clock: Clock,
    private readonly warnDays: number,
    /** the plant's UTC offset: a date alone means that day there */
    readonly utcOffsetMinutes: number,
  ) {}

  register(scope: EnterpriseScope, body: RegisterInput): Certificate {
    const u = this.users.byUsername(body.username);
    if (!u || !scope.can(u.enterpriseId)) throw CertificateErrors.unknownUser({ username: body.username });
    const category = body.category ?? WELDING_CATEGORY;
    if (!certificateCategories().some((c) => c.category === category))
      throw CertificateErrors.unknownCategory({ category });
    const off = this.utcOffsetMinutes;
    const issuedAt = parseCertificateDate(body.issuedAt, 'from', off);
    const expiresAt = parseCertificateDate(body.expiresAt, 'until', off);
    const reviewDueAt =
      body.reviewDueAt === undefined
        ? issuedAt === null
          ? null
          : endOfDayYearsLater(issuedAt, REVIEW_EVERY_YEARS, off)
        : parseCertificateDate(body.reviewDueAt, 'until', off);
    const after = (t: number | null) =>
      t !== null && issuedAt !== null && t > issuedAt && t - issuedAt <= MAX_SPAN_MS;
    if (issuedAt === null || !after(expiresAt) || !after(reviewDueAt))
      throw CertificateErrors.badDates({ issuedAt: body.issuedAt, expiresAt: body.expiresAt });
    if (this.repo.exists(category, body.number)) throw CertificateErrors.duplicate({ number: body.number });
    return this.repo.insert(
      {
        enterpriseId: u.enterpriseId!,
        userId: u.userId,
        number: body.number,
        category,
        issuedAt,
        expiresAt: expiresAt!,
        reviewDueAt: reviewDueAt!,
      },
      this.clock.now(),
    );
  }

  list(scope: EnterpriseScope): Certificate[] {
    return this.repo.list([...scope.enterpriseIds]);
  }

  /** A card's label now: 有效 / 将到期 (expiry or review within the warning window) / 已过期 / 待复审 / 已注销. */
  statusOf(c: Certificate, now = this.clock.now()): CertificateStatus {
    return statusOf(c, now, this.warnDays);
  }

  revoke(scope: EnterpriseScope, id: number): void {
    this.visible(scope, id);
    this.repo.revoke(id);
  }

  private visible(scope: EnterpriseScope, id: number): Certificate {
    const c = this.repo.get(id);
    if (!c || !scope.can(c.enterpriseId)) throw CertificateErrors.notFound({ id });
    return c;
  }

  /**
   * 复审 passed on `reviewedAt` (YYYY-MM-DD or a date-time): the next review is due 3 years after
   * that day, never past the card's expiry. A review passed late still counts (the authority passed
   * it); one on an expired card does not: that needs a new examination.
   */
  recordReview(
    scope: EnterpriseScope,
    id: number,
    reviewedAtText: string,
    recordedBy: number,
  ): { certificate: Certificate; review: CertificateReview } {
    const c = this.visible(scope, id);
    const now = this.clock.now();
    const reviewedAt = parseCertificateDate(reviewedAtText, 'from', this.utcOffsetMinutes);
    if (reviewedAt === null) throw CertificateErrors.badDates({ reviewedAt: reviewedAtText });
    if (c.revoked || c.expiresAt <= now || reviewedAt < c.issuedAt || reviewedAt > now)
      throw CertificateErrors.badReview({ id, reviewedAt: reviewedAtText });
    const nextDueAt = Math.min(
      endOfDayYearsLater(reviewedAt, REVIEW_EVERY_YEARS, this.utcOffsetMinutes),
      c.expiresAt,
    );
    const review = this.repo.recordReview(
      { certificateId: id, reviewedAt, previousDueAt: c.reviewDueAt, nextDueAt, recordedBy },
      now,
    );
    return { certificate: { ...c, reviewDueAt: nextDueAt }, review };
  }

  reviewsOf(scope: EnterpriseScope, id: number): CertificateReview[] {
    this.visible(scope, id);
    return this.repo.reviewsOf(id);
  }

  /** The cards of these workers in these categories (what the permit check decides on). */
  ofWorkers(userIds: readonly number[], categories: readonly string[]): Certificate[] {
    return this.repo.ofUsers(userIds, categories);
  }

  /** The welder's standing in 焊接与热切割作业 at `now`, with a warning window before expiry or review. */
  weldingStatus(userId: number, now = this.clock.now()): Standing & { expiringInDays: number | null } {
    const s = standingIn(this.repo.ofUser(userId, WELDING_CATEGORY), WELDING_CATEGORY, now);
    if (!s.ok) return { ...s, expiringInDays: null };
    const days = Math.floor((Math.min(s.certificate.expiresAt, s.certificate.reviewDueAt) - now) / DAY);
    return { ...s, expiringInDays: days < this.warnDays ? days : null };
  }

  /** Numbers of the holder's valid cards in `categories` (recorded on the permit), or null for none. */
  numbersFor(userId: number, categories: readonly string[], now: number): string | null {
    const certs = this.repo.ofUsers([userId], categories);
    const numbers = categories.flatMap((cat) => {
      const s = standingIn(certs, cat, now);
      return s.ok ? [s.certificate.number] : [];
    });
    return numbers.length ? numbers.join('、') : null;
  }
}
