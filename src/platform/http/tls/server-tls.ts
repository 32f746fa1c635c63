import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../../config/schema.ts';
import { defineError } from '../../shared/errors.ts';
import { issueSelfSigned } from './x509-self-signed.ts';

export const TlsErrors = {
  unreadable: defineError(
    'JH_ERR_TLS_FILE_UNREADABLE',
    500,
    '无法读取 HTTPS 证书或私钥文件（server.https.certFile / keyFile），服务未启动。',
    'Cannot read the HTTPS certificate or key file (server.https.certFile / keyFile); nothing was started.',
  ),
  invalid: defineError(
    'JH_ERR_TLS_CERT_INVALID',
    500,
    'HTTPS 证书或私钥不是有效的 PEM 文件，服务未启动。',
    'The HTTPS certificate or key is not a valid PEM file; nothing was started.',
  ),
  mismatch: defineError(
    'JH_ERR_TLS_KEY_MISMATCH',
    500,
    'HTTPS 证书与私钥不匹配，服务未启动。',
    'The HTTPS certificate does not match its private key; nothing was started.',
  ),
};

/** What an enterprise admin sees of the certificate (GET /api/server/tls, the admin screen). */
export interface TlsInfo {
  /** 'file': the plant's own certificate (server.https.certFile); 'self-signed': made by the service */
  source: 'self-signed' | 'file';
  /** colon-separated upper-case hex, as browsers show it */
  fingerprintSha256: string;
  subjectAltNames: string[];
  subject: string;
  notAfter: string;
}

export interface ServerTls {
  /** PEM certificate (chain) and key for the HTTPS server; null when server.https.enabled is off */
  credentials: { cert: string; key: string } | null;
  info: TlsInfo | null;
  /** Called once the servers listen: a port 0 in the config becomes the port the OS gave. */
  setBoundPorts(ports: { http: number; https: number | null }): void;
  /** Base URL a phone on the plant LAN opens (QR labels): server.publicUrl, else the LAN address. */
  publicBaseUrl(): string;
}

/** Renew a self-signed certificate this long before it expires. */
const RENEW_BEFORE_MS = 30 * 86_400_000;
/** Apple's limit for a trusted TLS server certificate. */
const LIFETIME_MS = 825 * 86_400_000;

export const lanIPv4Addresses = (): string[] =>
  Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && a.family === 'IPv4' && !a.internal)
    .map((a) => a!.address);

const WILDCARD = new Set(['0.0.0.0', '::', '']);
const isLoopback = (host: string) => host === 'localhost' || host.startsWith('127.') || host === '::1';

/**
 * The base URL a phone on the plant LAN opens: `server.publicUrl`, else HTTPS on the configured host
 * when it is a LAN address, else on the first LAN address (the service listening on all of them).
 */
export function publicBaseUrlOf(
  config: Config,
  lan: readonly string[] = lanIPv4Addresses(),
  ports: { http: number; https: number | null } = {
    http: config.server.port,
    https: config.server.https.enabled ? config.server.https.port : null,
  },
): string {
  if (config.server.publicUrl) return config.server.publicUrl.replace(/\/$/, '');
  const host = config.server.host;
  const lanHost = !WILDCARD.has(host) && !isLoopback(host) ? host : (lan[0] ?? '127.0.0.1');
  return ports.https === null ? `http://${lanHost}:${ports.http}` : `https://${lanHost}:${ports.https}`;
}

/**
 * The service's HTTPS identity, read or made before anything starts: the plant's own certificate
 * (server.https.certFile + keyFile, fail closed when unreadable or not matching), or a self-signed one
 * in `<dataDir>/tls/` kept across restarts and made again when the LAN addresses change or it is
 * within 30 days of expiring (a phone that trusted the old one must be shown the new fingerprint).
 */
export function loadServerTls(config: Config, lan: readonly string[] = lanIPv4Addresses()): ServerTls {
  const cfg = config.server.https;
  const ports = { http: config.server.port, https: cfg.enabled ? cfg.port : null };
  const publicBaseUrl = () => publicBaseUrlOf(config, lan, ports);
  const setBoundPorts = (p: { http: number; https: number | null }) => Object.assign(ports, p);
  if (!cfg.enabled) return { credentials: null, info: null, setBoundPorts, publicBaseUrl };

  let credentials: { cert: string; key: string };
  let source: TlsInfo['source'];
  if (cfg.certFile && cfg.keyFile) {
    credentials = { cert: readPem(cfg.certFile), key: readPem(cfg.keyFile) };
    checkPair(credentials, cfg.certFile, cfg.keyFile);
    source = 'file';
  } else {
    const publicHost = config.server.publicUrl ? new URL(config.server.publicUrl).hostname : null;
    const names = [...new Set(['localhost', '127.0.0.1', ...lan, ...(publicHost ? [publicHost] : [])])];
    credentials = selfSigned(join(config.store.dataDir, 'tls'), names);
    source = 'self-signed';
  }
  const x = new X509Certificate(credentials.cert);
  return {
    credentials,
    info: {
      source,
      fingerprintSha256: x.fingerprint256,
      subjectAltNames: altNamesOf(x),
      subject: x.subject.replace(/\n/g, ', '),
      notAfter: new Date(x.validTo).toISOString(),
    },
    setBoundPorts,
    publicBaseUrl,
  };
}

function readPem(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw TlsErrors.unreadable({ file }, `cannot read ${file}: ${(e as Error).message}`);
  }
}

function checkPair(c: { cert: string; key: string }, certFile: string, keyFile: string): void {
  let x: X509Certificate;
  try {
    x = new X509Certificate(c.cert);
  } catch (e) {
    throw TlsErrors.invalid(
      { file: certFile },
      `${certFile} is not a PEM certificate: ${(e as Error).message}`,
    );
  }
  let key;
  try {
    key = createPrivateKey(c.key);
  } catch (e) {
    throw TlsErrors.invalid(
      { file: keyFile },
      `${keyFile} is not a PEM private key: ${(e as Error).message}`,
    );
  }
  if (!x.checkPrivateKey(key))
    throw TlsErrors.mismatch(
      { certFile, keyFile },
      `the certificate ${certFile} does not match the private key ${keyFile}`,
    );
}

/** "DNS:localhost, IP Address:127.0.0.1" → ["localhost", "127.0.0.1"] */
export function altNamesOf(x: X509Certificate): string[] {
  return (x.subjectAltName ?? '')
    .split(', ')
    .map((s) => s.replace(/^(DNS|IP Address):/, ''))
    .filter(Boolean);
}

/** The stored self-signed pair when it still fits `names` and has > 30 days left; else a new one. */
function selfSigned(dir: string, names: string[]): { cert: string; key: string } {
  const certPath = join(dir, 'self-signed.crt');
  const keyPath = join(dir, 'self-signed.key');
  try {
    const pair = { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
    const x = new X509Certificate(pair.cert);
    const sameNames = [...altNamesOf(x)].sort().join() === [...names].sort().join();
    const fresh = Date.parse(x.validTo) - Date.now() > RENEW_BEFORE_MS;
    if (sameNames && fresh && x.checkPrivateKey(createPrivateKey(pair.key))) return pair;
  } catch {
    // none yet, or unreadable: the service's own file, made again below
  }
  const now = Date.now();
  const issued = issueSelfSigned({
    commonName: `Jianhu ${names.find((n) => isIPv4(n) && n !== '127.0.0.1') ?? 'localhost'}`,
    altNames: names,
    notBefore: new Date(now - 60_000), // a phone whose clock is a little behind still accepts it
    notAfter: new Date(now + LIFETIME_MS),
  });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // key first, each written whole then renamed: a crash never leaves a certificate without its key
  writeAtomically(keyPath, issued.keyPem, 0o600);
  writeAtomically(certPath, issued.certPem, 0o644);
  return { cert: issued.certPem, key: issued.keyPem };
}

function writeAtomically(path: string, text: string, mode: number): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}
