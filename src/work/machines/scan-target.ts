import type { Caller, PermitsService } from '../permits/permits.service.ts';
import type { Permit } from '../permits/domain/types.ts';
import { KINDS } from '../kinds/index.ts';
import { verifyQr } from './machine-token.ts';
import type { Machine, MachinesRepo } from './machines.repo.ts';
import { ScanErrors } from './scan-errors.ts';

/**
 * What a scan is of: the machine (by its signed QR or its typed code) and the permit that binds it now.
 * Each answer is the machine or permit, or the precise coded refusal (scan-errors.ts).
 */

/** The token in what a QR says: the scan-page URL's `#m=` fragment (labels since #21) or the bare token. */
export function tokenOfQr(text: string): string {
  const t = text.trim();
  if (!/^https?:\/\//i.test(t)) return t;
  try {
    return new URLSearchParams(new URL(t).hash.slice(1)).get('m') ?? '';
  } catch {
    return '';
  }
}

/**
 * The machine scanned: by its signed QR token (version and age checked), or by its typed code. A
 * typed code proves less than the label (anyone may read it off), so it counts only with the rest
 * unchanged — the welder's own session, the phone's location within the machine's radius, the
 * permit — and the scan record says it was typed. A revoked machine is refused either way. `rec`
 * learns the machine as soon as it is known, so a refusal after that is recorded against it.
 */
export function scannedMachine(
  deps: { repo: MachinesRepo; key: Buffer; qrMaxAgeDays: number },
  c: Caller,
  req: { qr?: string; code?: string },
  now: number,
  rec: { machine: Machine | null; warnings: string[] },
): Machine {
  if ((req.qr === undefined) === (req.code === undefined)) throw ScanErrors.qrOrCode();
  if (req.code !== undefined) {
    const machine = machineByCode(deps.repo, c, req.code.trim());
    if (!machine) throw ScanErrors.codeUnknown({ code: req.code.trim() });
    rec.machine = machine;
    if (machine.revoked) throw ScanErrors.tokenRevoked({ machineId: machine.id });
    rec.warnings.push('typed_code 手输焊机编号');
    return machine;
  }
  const claims = verifyQr(deps.key, tokenOfQr(req.qr!));
  const machine = claims ? deps.repo.get(claims.machineId) : undefined;
  if (!claims || !machine || !c.scope.can(machine.enterpriseId)) throw ScanErrors.tokenInvalid();
  rec.machine = machine;
  if (machine.revoked || claims.version !== machine.tokenVersion)
    throw ScanErrors.tokenRevoked({ machineId: machine.id });
  if (now - claims.iat * 1000 > deps.qrMaxAgeDays * 86_400_000)
    throw ScanErrors.tokenExpired({ machineId: machine.id });
  return machine;
}

/** The caller's enterprise's machine with this code: exact, else the one match ignoring case. */
function machineByCode(repo: MachinesRepo, c: Caller, code: string): Machine | undefined {
  const exact = repo.get(code);
  if (exact) return c.scope.can(exact.enterpriseId) ? exact : undefined;
  const folded = repo
    .list([...c.scope.enterpriseIds])
    .filter((m) => m.id.toLowerCase() === code.toLowerCase());
  return folded.length === 1 ? folded[0] : undefined;
}

/**
 * The approved or active permit binding this machine now, of a kind that binds welding machines
 * (动火), or the precise refusal.
 */
export function coveringPermit(
  permits: PermitsService,
  machineId: string,
  enterpriseId: string,
  now: number,
): Permit {
  const candidates = permits
    .boundTo('machine', machineId, ['approved', 'active', 'suspended', 'expired'], true)
    .filter((p) => p.enterpriseId === enterpriseId); // defence in depth: creation checks ownership too
  const usable = candidates.filter(
    (p) =>
      KINDS.find(p.kind)?.bindings.machines === true &&
      p.state !== 'expired' &&
      p.validFrom <= now &&
      now <= p.validTo,
  );
  const working = usable.find((p) => p.state === 'active') ?? usable.find((p) => p.state === 'approved');
  if (working) return working;
  if (usable.some((p) => p.state === 'suspended')) throw ScanErrors.permitSuspended();
  if (candidates.some((p) => p.validFrom > now && p.state !== 'expired')) throw ScanErrors.permitNotYet();
  if (candidates.some((p) => p.state === 'expired' || now > p.validTo)) throw ScanErrors.permitExpired();
  throw ScanErrors.noPermit({ machineId });
}
