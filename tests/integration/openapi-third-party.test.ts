import SwaggerParser from '@apidevtools/swagger-parser';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFullTestService } from '../helpers/test-service.ts';

/**
 * The OpenAPI document at /docs/json as third-party tools read it: @apidevtools/swagger-parser's
 * validate() and `redocly lint` (ruleset in redocly.yaml) must find zero errors. The service is the
 * one `jianhu serve` starts, so every route plugin is in the document.
 */
const run = promisify(execFile);
let t: Awaited<ReturnType<typeof startFullTestService>>;
let doc: { openapi: string; paths: Record<string, Record<string, unknown>> };
let dir: string;

beforeAll(async () => {
  t = await startFullTestService();
  const res = await t.app.inject({ method: 'GET', url: '/docs/json' });
  expect(res.statusCode).toBe(200);
  doc = res.json();
  dir = mkdtempSync(join(tmpdir(), 'jianhu-openapi-'));
});
afterAll(async () => {
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('/docs/json passes third-party OpenAPI checkers', () => {
  it('documents the whole service, not a subset', () => {
    // one route from each bounded context: if a module stopped registering, the checks below would
    // pass on a smaller document and prove nothing about the missing routes
    for (const path of [
      '/metrics',
      '/api/permits',
      '/api/violations',
      '/api/cameras/{id}/zones',
      '/api/hazards',
      '/api/reports/weekly',
      '/api/audit/permits.xlsx',
      '/api/machines/{id}/qr.png',
    ])
      expect(Object.keys(doc.paths)).toContain(path);
  });

  it('validates with @apidevtools/swagger-parser', async () => {
    // validate() dereferences in place: give it a copy
    const problems = await SwaggerParser.validate(structuredClone(doc) as never).then(
      () => [],
      (e: Error & { details?: unknown[] }) => e.details ?? [e.message],
    );
    expect(problems).toEqual([]);
  });

  it('passes `redocly lint` with zero errors', async () => {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const result = await run(
      join('node_modules', '.bin', 'redocly'),
      ['lint', file, '--config', 'redocly.yaml', '--format', 'json'],
      { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } },
    ).catch((e: { code: number; stdout: string; stderr: string }) => e);
    const report = JSON.parse(result.stdout) as {
      problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
    };
    const errors = report.problems
      .filter((p) => p.severity === 'error')
      .map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
    expect(errors).toEqual([]);
    expect('code' in result ? result.code : 0).toBe(0);
  });

  it('declares the real media types of the file downloads, not JSON', () => {
    const okTypes = (path: string) =>
      Object.keys(
        (doc.paths[path]!.get as { responses: Record<string, { content: object }> }).responses['200']!
          .content,
      );
    expect(okTypes('/api/audit/permits.csv')).toEqual(['text/csv']);
    expect(okTypes('/api/audit/permits.xlsx')).toEqual([
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ]);
    expect(okTypes('/api/reports/weekly')).toEqual([
      'application/json',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'text/csv',
      'application/pdf',
    ]);
    expect(okTypes('/metrics')).toEqual(['text/plain']);
  });
});
