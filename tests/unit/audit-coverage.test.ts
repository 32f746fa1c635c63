import { describe, expect, it } from 'vitest';
import {
  auditCoverage,
  changesToIntervals,
  mergeIntervals,
  type CameraTimeline,
} from '../../src/oversight/audit/coverage.ts';

const M = 60_000;
const opts = { require: 'any' as const, maxGapMs: 5 * M, minCoveragePct: 90 };
const cam = (cameraId: string, ...xs: [number, number, string, string?][]): CameraTimeline => ({
  cameraId,
  intervals: xs.map(([s, e, state, reason]) => ({
    start: s * M,
    end: e * M,
    state: state as never,
    reason: reason ?? (state === 'online' ? 'ok' : 'connection_refused'),
  })),
});

describe('permit-to-video coverage', () => {
  it('fully monitored when a camera is online for the whole window', () => {
    const r = auditCoverage([{ start: 0, end: 60 * M }], [cam('c1', [0, 120, 'online'])], opts);
    expect(r).toMatchObject({
      workMs: 60 * M,
      monitoredMs: 60 * M,
      coveragePct: 100,
      verdict: 'fully_monitored',
      gaps: [],
    });
  });

  it('a short outage is a gap with its cause; coverage is time-weighted', () => {
    const r = auditCoverage(
      [{ start: 0, end: 100 * M }],
      [cam('c1', [0, 40, 'online'], [40, 43, 'offline', 'connection_refused'], [43, 100, 'online'])],
      opts,
    );
    expect(r.coveragePct).toBe(97);
    expect(r.verdict).toBe('gaps');
    expect(r.gaps).toEqual([
      {
        start: 40 * M,
        end: 43 * M,
        durationMs: 3 * M,
        cause: 'c1 offline (connection_refused)',
        causeText: 'c1 离线',
        causes: [{ cameraId: 'c1', state: 'offline', reason: 'connection_refused' }],
      },
    ]);
  });

  it("a gap's cause for people is Chinese first, with the health record's own sentence", () => {
    const c1: CameraTimeline = {
      cameraId: 'c1',
      intervals: [
        { start: 0, end: 4 * M, state: 'online', reason: 'ok' },
        {
          start: 4 * M,
          end: 6 * M,
          state: 'dark',
          reason: 'mean_luma_low',
          message: '画面全黑 Picture is black',
        },
      ],
    };
    const r = auditCoverage([{ start: 0, end: 8 * M }], [c1], opts);
    expect(r.gaps.map((g) => g.causeText)).toEqual([
      'c1 画面过暗：画面全黑 Picture is black',
      'c1 无健康记录',
    ]);
    expect(auditCoverage([{ start: 0, end: M }], [], opts).gaps[0]!.causeText).toBe(
      '未绑定摄像头 No camera bound to the permit',
    );
  });

  it('a gap longer than maxGap, or low coverage, is work without monitoring', () => {
    const long = auditCoverage(
      [{ start: 0, end: 100 * M }],
      [cam('c1', [0, 50, 'online'], [50, 56, 'stalled', 'no_frames'], [56, 100, 'online'])],
      opts,
    );
    expect(long.coveragePct).toBe(94);
    expect(long.longestGapMs).toBe(6 * M);
    expect(long.verdict).toBe('work_without_monitoring');
  });

  it('time without any health record and permits without cameras are unmonitored', () => {
    const r = auditCoverage([{ start: 0, end: 10 * M }], [cam('c1', [5, 10, 'online'])], opts);
    expect(r.gaps[0]).toMatchObject({ start: 0, end: 5 * M, cause: 'c1 unknown (no_health_record)' });
    expect(r.verdict).toBe('work_without_monitoring');
    const none = auditCoverage([{ start: 0, end: 10 * M }], [], opts);
    expect(none).toMatchObject({ coveragePct: 0, verdict: 'work_without_monitoring' });
    expect(none.gaps[0]!.cause).toBe('no_camera_bound');
  });

  it('any: one live camera is enough; all: every camera must be live', () => {
    const cams = [
      cam('c1', [0, 60, 'online']),
      cam('c2', [0, 30, 'online'], [30, 60, 'dark', 'mean_luma_low']),
    ];
    expect(auditCoverage([{ start: 0, end: 60 * M }], cams, opts).verdict).toBe('fully_monitored');
    const all = auditCoverage([{ start: 0, end: 60 * M }], cams, { ...opts, require: 'all' });
    expect(all.coveragePct).toBe(50);
    expect(all.gaps).toHaveLength(1);
    expect(all.gaps[0]!.cause).toBe('c2 dark (mean_luma_low)');
  });

  it('only work windows count: a camera down during a pause is no gap; pauses end a stretch', () => {
    const work = [
      { start: 0, end: 30 * M },
      { start: 60 * M, end: 90 * M },
    ];
    const c = cam('c1', [0, 28, 'online'], [28, 62, 'offline'], [62, 90, 'online']);
    const r = auditCoverage(work, [c], opts);
    expect(r.workMs).toBe(60 * M);
    expect(r.monitoredMs).toBe(56 * M);
    expect(r.gaps.map((g) => [g.start / M, g.end / M])).toEqual([
      [28, 30],
      [60, 62],
    ]);
    expect(r.longestGapMs).toBe(2 * M);
    expect(r.verdict).toBe('gaps');
  });

  it('gaps split where the cause changes', () => {
    const r = auditCoverage(
      [{ start: 0, end: 10 * M }],
      [
        cam(
          'c1',
          [0, 4, 'online'],
          [4, 6, 'offline'],
          [6, 8, 'recovering', 'reconnecting'],
          [8, 10, 'online'],
        ),
      ],
      { ...opts, maxGapMs: 3 * M },
    );
    expect(r.gaps.map((g) => g.cause)).toEqual([
      'c1 offline (connection_refused)',
      'c1 recovering (reconnecting)',
    ]);
    expect(r.longestGapMs).toBe(4 * M);
    expect(r.verdict).toBe('work_without_monitoring');
  });

  it('no work window → no_work', () => {
    expect(auditCoverage([], [cam('c1', [0, 1, 'online'])], opts).verdict).toBe('no_work');
  });

  it('helpers: merge and change points', () => {
    expect(
      mergeIntervals([
        { start: 5, end: 8 },
        { start: 0, end: 5 },
        { start: 9, end: 9 },
      ]),
    ).toEqual([{ start: 0, end: 8 }]);
    expect(
      changesToIntervals(
        [
          { at: 10, state: 'offline', reason: 'x' },
          { at: -5, state: 'online', reason: 'ok' },
        ],
        0,
        20,
      ),
    ).toEqual([
      { start: 0, end: 10, state: 'online', reason: 'ok' },
      { start: 10, end: 20, state: 'offline', reason: 'x' },
    ]);
  });
});

describe('ingest health source', () => {
  it('maps camera_health_log rows to intervals; a closed row leaves unknown time; unknown cameras fall back', async () => {
    const { IngestHealthSource } = await import('../../src/oversight/audit/permit-audit.ts');
    const rows = [
      { state: 'online' as const, reason: 'ok', sinceMs: 0, untilMs: 10 * M }, // service stopped at 10
      { state: 'online' as const, reason: 'ok', sinceMs: 15 * M, untilMs: null }, // open: until now
    ];
    const fallback = { history: () => [{ start: 0, end: 1, state: 'dark' as const, reason: 'fb' }] };
    const src = new IngestHealthSource(
      {
        history: (id: string) => {
          if (id !== 'c1') throw new Error('unknown camera');
          return rows;
        },
      },
      fallback,
      { now: () => 40 * M },
    );
    const iv = src.history('c1', 5 * M, 60 * M);
    expect(iv.map((x) => [x.start / M, x.end / M])).toEqual([
      [5, 10],
      [15, 40],
    ]);
    const r = auditCoverage([{ start: 5 * M, end: 40 * M }], [{ cameraId: 'c1', intervals: iv }], opts);
    expect(r.gaps).toEqual([
      expect.objectContaining({ start: 10 * M, end: 15 * M, cause: 'c1 unknown (no_health_record)' }),
    ]);
    expect(src.history('c9', 0, 1)[0]!.reason).toBe('fb');
  });
});
