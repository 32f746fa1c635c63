import { createReadStream, existsSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
import { ErrorSchema, fileResponse } from '../../platform/http/schemas.ts';
import { defineError } from '../../platform/shared/errors.ts';
import { permitTimeline } from './recording-timeline.ts';

export const RecordingErrors = {
  notFound: defineError('JH_ERR_RECORDING_NOT_FOUND', 404, '录像片段不存在。', 'No such recording segment.'),
  deleted: defineError(
    'JH_ERR_RECORDING_DELETED',
    410,
    '该录像片段已按保存期删除（删除记录在审计链中）。',
    'This recording segment was deleted by retention (the deletion is in the audit chain).',
  ),
  badRange: defineError(
    'JH_ERR_RECORDING_BAD_RANGE',
    416,
    '请求的字节范围无效。',
    'The requested byte range cannot be served.',
  ),
};

const Json = Type.Record(Type.String(), Type.Unknown());
const TimelineSchema = Type.Object({
  permit: Json,
  from: Type.String(),
  to: Type.String(),
  windows: Type.Array(Json),
  segments: Type.Array(Json),
  gaps: Type.Array(Json),
  violations: Type.Array(Json),
});

/** `bytes=a-b` / `bytes=a-` / `bytes=-n` (one range; several are answered whole, as RFC 9110 allows). */
function byteRange(header: string | undefined, size: number): { start: number; end: number } | null | 'bad' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return null;
  const [, a, b] = m;
  let start: number;
  let end: number;
  if (a === '') {
    if (b === '') return 'bad';
    start = Math.max(0, size - Number(b));
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  return start > end || start >= size ? 'bad' : { start, end };
}

/**
 * A permit's recording (#27): its timeline (segments, gaps, violations) and the segment files, with the
 * audit's permission and scope: another tenant's permit or segment is 404, like a missing one.
 */
export const recordingRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const tags = ['audit'];
  const errors = { 403: ErrorSchema, 404: ErrorSchema };

  app.get(
    '/api/recordings/permits/:id',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags,
        summary: "A permit's recording timeline: segments, gaps, violations 作业票录像时间轴",
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: TimelineSchema, ...errors },
      },
    },
    async (req) => {
      const caller = principalOf(req);
      const { permit, history } = services.work.permits.detail(req.params.id, caller);
      return permitTimeline(
        services.db,
        services.recording.repo,
        services.config.recording,
        {
          id: permit.id,
          number: permit.number,
          kind: permit.kind,
          level: permit.level,
          enterpriseId: permit.enterpriseId,
          cameraIds: permit.cameraIds,
        },
        history,
        services.clock.now(),
      );
    },
  );

  app.get(
    '/api/recordings/segments/:id',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags,
        summary: 'Download a recording segment (MP4; Range supported) 下载录像片段',
        description:
          '`x-content-sha256` is the sha256 chained when the segment closed (`recording.segmentClosed`); a segment deleted by retention is 410 JH_ERR_RECORDING_DELETED.',
        params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) }),
        response: {
          200: fileResponse('the MP4 segment 录像片段', ['video/mp4']),
          206: fileResponse('part of the MP4 segment', ['video/mp4']),
          410: ErrorSchema,
          416: ErrorSchema,
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const { scope } = principalOf(req);
      const seg = services.recording.repo.segment(req.params.id);
      if (!seg || !scope.can(seg.enterpriseId)) throw RecordingErrors.notFound({ id: req.params.id });
      if (seg.deletedAt !== null) throw RecordingErrors.deleted({ id: seg.id });
      const file = isAbsolute(seg.path) ? seg.path : join(services.config.store.dataDir, seg.path);
      if (!existsSync(file)) throw RecordingErrors.notFound({ id: seg.id });
      const size = statSync(file).size;
      const range = byteRange(req.headers.range, size);
      if (range === 'bad') {
        reply.header('content-range', `bytes */${size}`);
        throw RecordingErrors.badRange({ range: req.headers.range });
      }
      reply
        .header('content-type', 'video/mp4')
        .header('accept-ranges', 'bytes')
        .header('x-content-sha256', seg.sha256)
        .header('cache-control', 'private, max-age=3600')
        .header('content-disposition', `inline; filename="recording-${seg.cameraId}-${seg.id}.mp4"`);
      if (!range) return reply.header('content-length', size).send(createReadStream(file));
      return reply
        .code(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
        .header('content-length', range.end - range.start + 1)
        .send(createReadStream(file, { start: range.start, end: range.end }));
    },
  );
};
