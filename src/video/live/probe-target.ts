import { BlockList, isIP } from 'node:net';
import { defineError } from '../../platform/shared/errors.ts';

export const ProbeErrors = {
  notAllowed: defineError(
    'JH_ERR_PROBE_TARGET_NOT_ALLOWED',
    403,
    '只能测试已配置摄像头的地址，或 ingest.probeAllowedNetworks 所列网段内的地址。',
    'Only a configured camera’s host:port, or an address in ingest.probeAllowedNetworks, may be tested.',
  ),
};

const DEFAULT_PORT: Record<string, number> = { 'rtsp:': 554, 'rtsps:': 322, 'http:': 80, 'https:': 443 };

/** `host:port` of a URL, brackets of an IPv6 literal removed, the scheme's port when none is given. */
function authority(url: string): { host: string; port: number } | null {
  try {
    const u = new URL(url);
    const port = u.port ? Number(u.port) : DEFAULT_PORT[u.protocol];
    if (!port) return null;
    return { host: u.hostname.replace(/^\[|\]$/g, '').toLowerCase(), port };
  } catch {
    return null;
  }
}

/**
 * Whether an admin-typed URL may be probed (#23: the probe was an SSRF and port scanner, telling open
 * from closed ports by its answers). Decided from the URL alone, before any connection, so the refusal
 * is the same whatever listens there: the host:port of a configured camera (its detect or record URL),
 * or a literal IP inside `ingest.probeAllowedNetworks`. Hostnames are not resolved for the network
 * check: a name that resolves differently the next time (DNS rebinding) must not get through.
 */
export function probeTargetAllowed(
  url: string,
  cameraUrls: readonly string[],
  allowedNetworks: readonly string[],
): boolean {
  const target = authority(url);
  if (!target) return false;
  const known = cameraUrls.map(authority).some((a) => a && a.host === target.host && a.port === target.port);
  if (known) return true;
  const family = isIP(target.host);
  if (!family) return false;
  const list = new BlockList();
  for (const cidr of allowedNetworks) {
    const [net, bits] = cidr.split('/') as [string, string];
    const f = isIP(net);
    if (f) list.addSubnet(net, Number(bits), f === 6 ? 'ipv6' : 'ipv4');
  }
  return list.check(target.host, family === 6 ? 'ipv6' : 'ipv4');
}

/** Throws the coded 403 unless probeTargetAllowed. */
export function assertProbeTarget(
  url: string,
  cameraUrls: readonly string[],
  allowedNetworks: readonly string[],
): void {
  if (!probeTargetAllowed(url, cameraUrls, allowedNetworks)) throw ProbeErrors.notAllowed();
}
