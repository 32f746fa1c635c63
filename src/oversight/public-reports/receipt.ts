import { createHash, randomBytes } from 'node:crypto';
import type { HazardState } from '../hazards/hazard.machine.ts';

/**
 * The reporter's receipt (回执码): 12 characters of Crockford base32 (no I, L, O, U: nothing to misread
 * when copied from a phone), 60 random bits, shown as XXXX-XXXX-XXXX. It is the reporter's only key to
 * the report, a bearer secret: the service keeps its sha256 only. With the status route limited per
 * address, guessing one of even a million live receipts takes far beyond any attacker's patience.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const RECEIPT_LENGTH = 12;

export function newReceipt(random: (n: number) => Buffer = randomBytes): string {
  let bits = random(8).readBigUInt64BE(0);
  let out = '';
  for (let i = 0; i < RECEIPT_LENGTH; i++) {
    out += ALPHABET[Number(bits & 31n)];
    bits >>= 5n;
  }
  return out;
}

/** The canonical receipt of what a person typed (case, dashes, spaces, O for 0, I/L for 1), or null. */
export function normalizeReceipt(typed: string): string | null {
  const s = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return s.length === RECEIPT_LENGTH && [...s].every((c) => ALPHABET.includes(c)) ? s : null;
}

export const formatReceipt = (r: string): string => r.replace(/(.{4})(?=.)/g, '$1-');

export const receiptHash = (r: string): string => createHash('sha256').update(r).digest('hex');

/**
 * What the reporter is told, in words, and nothing of the hazard's inside: 已受理 until a
 * rectification is ordered, 整改中 from dispatch until it is closed (a passed review is not yet closed),
 * 已销号 once closed.
 */
export type ReportStatus = 'accepted' | 'rectifying' | 'closed';
export const STATUS_WORDS: Record<ReportStatus, { zh: string; en: string }> = {
  accepted: { zh: '已受理', en: 'Accepted' },
  rectifying: { zh: '整改中', en: 'Being rectified' },
  closed: { zh: '已销号', en: 'Closed' },
};

export function reportStatus(state: HazardState): ReportStatus {
  if (state === 'closed') return 'closed';
  return state === 'registered' || state === 'assessed' ? 'accepted' : 'rectifying';
}
