import { randomBytes } from 'node:crypto';
import type { Principal } from '../../platform/auth/principal.ts';
import type { UsersRepo } from '../../platform/auth/users.repo.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import { iso, type Clock } from '../../platform/shared/clock.ts';
import { defineError } from '../../platform/shared/errors.ts';
import type { Db } from '../../platform/store/db.ts';
import { scopeFor, type EnterpriseScope } from '../../platform/tenancy/scope.ts';
import type { HazardsService } from '../hazards/hazards.service.ts';
import { decodePhoto } from '../hazards/photos.ts';
import { PublicReportsRepo } from './public-reports.repo.ts';
import {
  formatReceipt,
  newReceipt,
  normalizeReceipt,
  receiptHash,
  reportStatus,
  STATUS_WORDS,
  type ReportStatus,
} from './receipt.ts';

/** A reported photo's limit after decoding; the page shrinks a phone photo to about 0.5 MB first. */
export const PUBLIC_PHOTO_MAX_BYTES = 2 * 1024 * 1024;
const TOKEN_RE = /^[A-Za-z0-9_-]{24}$/;

export const PublicReportErrors = {
  tokenUnknown: defineError(
    'JH_ERR_PUBLIC_REPORT_TOKEN_UNKNOWN',
    404,
    '举报二维码无效或已停用，请扫描现场最新张贴的二维码。',
    'This report QR code is unknown or no longer valid; scan the poster currently on site.',
  ),
  receiptUnknown: defineError(
    'JH_ERR_PUBLIC_REPORT_RECEIPT_UNKNOWN',
    404,
    '回执码不存在，请核对后重试。',
    'No report has this receipt code; check it and try again.',
  ),
  photoTooLarge: defineError(
    'JH_ERR_PUBLIC_REPORT_PHOTO_TOO_LARGE',
    413,
    '照片过大（上限 2 MB）。',
    'The photo is too large (2 MB at most).',
  ),
  descriptionEmpty: defineError(
    'JH_ERR_PUBLIC_REPORT_DESCRIPTION_EMPTY',
    400,
    '请填写隐患描述。',
    'Please describe the hazard.',
  ),
  channelUnavailable: defineError(
    'JH_ERR_PUBLIC_REPORT_UNAVAILABLE',
    503,
    '举报通道暂不可用。',
    'The report channel is not available.',
  ),
};

export interface PublicReportInput {
  token: string;
  description: string;
  place?: string;
  contact?: string;
  /** base64 JPEG or PNG */
  photo?: string;
}

export interface ReceiptStatus {
  receipt: string;
  status: ReportStatus;
  statusZh: string;
  statusEn: string;
  /** the day it was reported (what the reporter already knows), nothing finer */
  reportedOn: string;
}

/**
 * 群众/员工举报: a poster's QR (one live token per enterprise) opens the public report page; a report
 * becomes a hazard of that enterprise at stage 群众举报, registered by the system actor of migration
 * 075 with that one enterprise's scope; the reporter gets a receipt to follow it in words only.
 */
export class PublicReportsService {
  readonly repo: PublicReportsRepo;
  constructor(
    db: Db,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly users: UsersRepo,
    private readonly hazards: HazardsService,
    private readonly random: (n: number) => Buffer = randomBytes,
  ) {
    this.repo = new PublicReportsRepo(db);
  }

  /** The enterprise's live poster token, made on first ask. */
  posterToken(p: Principal, scope: EnterpriseScope, enterpriseId: string): string {
    scope.assert(enterpriseId);
    return this.bus.transaction(
      () => this.repo.liveToken(enterpriseId)?.token ?? this.issue(p, enterpriseId),
    );
  }

  /** A new token; every poster printed before stops working. */
  rotate(p: Principal, scope: EnterpriseScope, enterpriseId: string): string {
    scope.assert(enterpriseId);
    return this.bus.transaction(() => {
      this.repo.revoke(enterpriseId, iso(this.clock.now()));
      return this.issue(p, enterpriseId);
    });
  }

  /** Closes the channel until a poster is asked for again. */
  revoke(scope: EnterpriseScope, enterpriseId: string): boolean {
    scope.assert(enterpriseId);
    return this.repo.revoke(enterpriseId, iso(this.clock.now())) > 0;
  }

  submit(input: PublicReportInput): { receipt: string; status: ReceiptStatus } {
    const token = TOKEN_RE.test(input.token) ? this.repo.byToken(input.token) : undefined;
    if (!token) throw PublicReportErrors.tokenUnknown();
    const description = input.description.trim();
    if (!description) throw PublicReportErrors.descriptionEmpty();
    const photos: string[] = [];
    if (input.photo) {
      // the length bound first: a huge string is never decoded
      if ((input.photo.length * 3) / 4 > PUBLIC_PHOTO_MAX_BYTES + 3) throw PublicReportErrors.photoTooLarge();
      const { data } = decodePhoto(input.photo, 0); // magic bytes: JPEG or PNG, else a coded 400
      if (data.length > PUBLIC_PHOTO_MAX_BYTES) throw PublicReportErrors.photoTooLarge();
      photos.push(input.photo);
    }
    const actor = this.actorFor(token.enterpriseId);
    const contact = input.contact?.trim() || null;
    const receipt = newReceipt(this.random);
    const now = iso(this.clock.now());
    this.bus.transaction(() => {
      const hazard = this.hazards.register(actor.principal, actor.scope, {
        enterpriseId: token.enterpriseId,
        source: 'public',
        stage: 'public_report',
        checker: contact ? '群众举报（留有联系方式）' : '群众举报（匿名）',
        description,
        location: input.place?.trim() || undefined,
        hazardType: '群众举报',
        photos,
        reason: '群众/员工扫码举报，自动登记隐患 public report registered as a hazard',
      });
      this.repo.insertReport({
        receiptHash: receiptHash(receipt),
        hazardId: hazard.id,
        enterpriseId: token.enterpriseId,
        token: token.token,
        contact,
        createdAt: now,
      });
    });
    return { receipt: formatReceipt(receipt), status: this.status(receipt) };
  }

  /** Status in words for a receipt; any unknown or malformed receipt is the same coded 404. */
  status(typed: string): ReceiptStatus {
    const receipt = normalizeReceipt(typed);
    const row = receipt ? this.repo.byReceiptHash(receiptHash(receipt)) : undefined;
    const hazard = row ? this.hazards.repo.get(row.hazardId) : undefined;
    if (!receipt || !row || !hazard) throw PublicReportErrors.receiptUnknown();
    const status = reportStatus(hazard.state);
    return {
      receipt: formatReceipt(receipt),
      status,
      statusZh: STATUS_WORDS[status].zh,
      statusEn: STATUS_WORDS[status].en,
      reportedOn: row.createdAt.slice(0, 10),
    };
  }

  /**
   * How a hazard came in by the public channel, for its readers; the reporter's contact only for a
   * regulator (a worker reporting their own employer is not exposed to it). Undefined: not reported.
   */
  reportOf(
    p: Principal,
    scope: EnterpriseScope,
    hazardId: number,
  ): { reportedAt: string; anonymous: boolean; contact: string | null } {
    this.hazards.detail(scope, hazardId); // tenancy: another enterprise's hazard is a 404
    const row = this.repo.byHazard(hazardId);
    if (!row) throw PublicReportErrors.receiptUnknown();
    return {
      reportedAt: row.createdAt,
      anonymous: row.contact === null,
      contact: p.role === 'regulator' ? row.contact : null,
    };
  }

  private issue(p: Principal, enterpriseId: string): string {
    const token = this.random(18).toString('base64url');
    this.repo.insertToken({ token, enterpriseId, createdAt: iso(this.clock.now()) }, p.userId);
    return token;
  }

  /** The system actor, given the poster's enterprise as its only scope. */
  private actorFor(enterpriseId: string): { principal: Principal; scope: EnterpriseScope } {
    const id = this.repo.systemActorId();
    const found = id === undefined ? undefined : this.users.findAny(id);
    if (!found) throw PublicReportErrors.channelUnavailable();
    const principal: Principal = { ...found, enterpriseId };
    return { principal, scope: scopeFor(principal, () => []) };
  }
}
