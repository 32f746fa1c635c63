import { SourceErrors } from '../video/sources/errors.ts';
import { handledSchemes, schemeOf, sourceTypeFor } from '../video/sources/registry.ts';
import type { Config } from './schema.ts';

export interface CrossIssue {
  path: (string | number)[];
  message: string;
}

/** Named cross-checks that a schema alone cannot express (Frigate's verify_* functions). */
export function crossCheck(cfg: Config): CrossIssue[] {
  return [
    ...verifyUniqueIds(cfg),
    ...verifyReferences(cfg),
    ...verifyRegionTree(cfg),
    ...verifyUsersHaveTenancy(cfg),
    ...verifyCameraSources(cfg),
    ...verifyHttpsFiles(cfg),
  ];
}

/** The plant's own certificate needs its key and the key its certificate. */
function verifyHttpsFiles(cfg: Config): CrossIssue[] {
  const { certFile, keyFile } = cfg.server.https;
  if ((certFile === undefined) === (keyFile === undefined)) return [];
  const missing = certFile === undefined ? 'certFile' : 'keyFile';
  return [
    {
      path: ['server', 'https', missing],
      message: `certFile and keyFile go together (证书与私钥须同时配置): add ${missing}`,
    },
  ];
}

function duplicates<T>(
  items: T[],
  key: (t: T) => string,
  path: (i: number) => (string | number)[],
  what: string,
): CrossIssue[] {
  const seen = new Map<string, number>();
  const out: CrossIssue[] = [];
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k))
      out.push({
        path: path(i),
        message: `duplicate ${what} "${k}" (重复的编号), first used at index ${seen.get(k)}`,
      });
    else seen.set(k, i);
  });
  return out;
}

function verifyUniqueIds(cfg: Config): CrossIssue[] {
  const cameras = cfg.sites.flatMap((s, si) => s.cameras.map((c, ci) => ({ c, si, ci })));
  return [
    ...duplicates(
      cfg.regions,
      (r) => r.id,
      (i) => ['regions', i, 'id'],
      'region id',
    ),
    ...duplicates(
      cfg.enterprises,
      (e) => e.id,
      (i) => ['enterprises', i, 'id'],
      'enterprise id',
    ),
    ...duplicates(
      cfg.sites,
      (s) => s.id,
      (i) => ['sites', i, 'id'],
      'site id',
    ),
    ...duplicates(
      cameras,
      (x) => x.c.id,
      (i) => ['sites', cameras[i]!.si, 'cameras', cameras[i]!.ci, 'id'],
      'camera id',
    ),
    ...duplicates(
      cfg.users,
      (u) => u.username,
      (i) => ['users', i, 'username'],
      'username',
    ),
    ...cfg.sites.flatMap((s, si) =>
      s.cameras.flatMap((c, ci) =>
        duplicates(
          c.zones,
          (z) => z.id,
          (i) => ['sites', si, 'cameras', ci, 'zones', i, 'id'],
          'zone id',
        ),
      ),
    ),
  ];
}

function verifyReferences(cfg: Config): CrossIssue[] {
  const regions = new Set(cfg.regions.map((r) => r.id));
  const enterprises = new Set(cfg.enterprises.map((e) => e.id));
  const out: CrossIssue[] = [];
  cfg.enterprises.forEach((e, i) => {
    if (!regions.has(e.regionId))
      out.push({
        path: ['enterprises', i, 'regionId'],
        message: `region "${e.regionId}" is not defined under regions (未定义的辖区)`,
      });
  });
  cfg.sites.forEach((s, i) => {
    if (!enterprises.has(s.enterpriseId))
      out.push({
        path: ['sites', i, 'enterpriseId'],
        message: `enterprise "${s.enterpriseId}" is not defined under enterprises (未定义的企业)`,
      });
  });
  cfg.users.forEach((u, i) => {
    if (u.enterpriseId && !enterprises.has(u.enterpriseId))
      out.push({
        path: ['users', i, 'enterpriseId'],
        message: `enterprise "${u.enterpriseId}" is not defined (未定义的企业)`,
      });
    if (u.regionId && !regions.has(u.regionId))
      out.push({
        path: ['users', i, 'regionId'],
        message: `region "${u.regionId}" is not defined (未定义的辖区)`,
      });
  });
  return out;
}

/** Regions nest (市 → 县 → 镇): every parent is a defined region, and no region is its own ancestor. */
function verifyRegionTree(cfg: Config): CrossIssue[] {
  const parentOf = new Map(cfg.regions.map((r) => [r.id, r.parent]));
  const out: CrossIssue[] = [];
  cfg.regions.forEach((r, i) => {
    if (r.parent === undefined) return;
    if (!parentOf.has(r.parent)) {
      out.push({
        path: ['regions', i, 'parent'],
        message: `parent region "${r.parent}" is not defined under regions (未定义的上级辖区)`,
      });
      return;
    }
    const seen = new Set([r.id]);
    for (let p: string | undefined = r.parent; p !== undefined; p = parentOf.get(p)) {
      if (seen.has(p)) {
        out.push({
          path: ['regions', i, 'parent'],
          message: `region "${r.id}" is its own ancestor (辖区上下级成环): ${[...seen, p].join(' → ')}`,
        });
        break;
      }
      seen.add(p);
    }
  });
  return out;
}

function verifyUsersHaveTenancy(cfg: Config): CrossIssue[] {
  const out: CrossIssue[] = [];
  cfg.users.forEach((u, i) => {
    if (u.role === 'regulator' && !u.regionId)
      out.push({
        path: ['users', i, 'regionId'],
        message: 'a regulator needs the regionId it supervises (监管用户需指定辖区)',
      });
    if (u.role !== 'regulator' && !u.enterpriseId)
      out.push({
        path: ['users', i, 'enterpriseId'],
        message: 'an enterprise user needs enterpriseId (企业用户需指定企业)',
      });
    const secrets = [u.password, u.passwordHash, u.passwordEnv].filter((x) => x !== undefined).length;
    if (secrets !== 1)
      out.push({
        path: ['users', i],
        message: 'give exactly one of password, passwordHash or passwordEnv (密码设置需且仅需一种)',
      });
  });
  return out;
}

/**
 * Every camera URL needs a registered source type (video/sources): a scheme nobody opens would leave
 * the camera dark with no way to fix it at run time, so the service refuses to start instead. The
 * message names the scheme only, never the URL (it may carry a password).
 */
function verifyCameraSources(cfg: Config): CrossIssue[] {
  const { code, zh, en } = SourceErrors.unsupportedScheme.spec;
  const known = handledSchemes()
    .map((s) => (s === '' ? '(file path 文件路径)' : s))
    .join(', ');
  const out: CrossIssue[] = [];
  cfg.sites.forEach((site, si) =>
    site.cameras.forEach((cam, ci) => {
      for (const field of ['url', 'recordUrl'] as const) {
        const url = cam[field];
        if (url === undefined || sourceTypeFor(url)) continue;
        out.push({
          path: ['sites', si, 'cameras', ci, field],
          message: `${code}: ${zh} ${en} (scheme 协议 "${schemeOf(url)}"; handled 支持: ${known})`,
        });
      }
    }),
  );
  return out;
}
