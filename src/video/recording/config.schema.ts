import Type, { type Static } from 'typebox';

/**
 * Recording by permit (#27, owned by src/video/recording): while a camera is named on an active or
 * suspended permit, plus the pre/post roll, its main stream is written as stream-copied MP4 segments.
 */
export const RecordingConfigSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: true, description: 'record permit cameras (needs the fMP4 relay)' }),
    dir: Type.Optional(
      Type.String({ minLength: 1, description: 'segment files; default <dataDir>/recordings' }),
    ),
    segmentSeconds: Type.Integer({
      minimum: 4,
      maximum: 900,
      default: 60,
      description: 'a segment is cut at the first keyframe after this long',
    }),
    preRollSeconds: Type.Integer({
      minimum: 0,
      maximum: 120,
      default: 10,
      description: 'video kept from before the permit started (>0 keeps every camera subscribed)',
    }),
    postRollSeconds: Type.Integer({
      minimum: 0,
      maximum: 900,
      default: 30,
      description: 'recording goes on this long after the last permit on the camera ended',
    }),
    retention: Type.Object(
      {
        defaultDays: Type.Integer({ minimum: 1, default: 7, description: 'permits of other kinds' }),
        byKind: Type.Record(
          Type.String({ pattern: '^[a-z_]+(/[a-z0-9_]+)?$' }),
          Type.Integer({ minimum: 1 }),
          {
            default: { hot_work: 7, 'hot_work/special': 31 },
            description: '`kind` or `kind/level` → days; hot_work/special is never below 31 (GB 30871)',
          },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    diskBudgetGb: Type.Number({
      exclusiveMinimum: 0,
      default: 1300,
      description: 'space the recordings may use (8 cameras × 2 Mbit/s × 7 days ≈ 1210 GB)',
    }),
    alarmAtPct: Type.Integer({
      minimum: 50,
      maximum: 99,
      default: 85,
      description:
        'alarm (health, wall) when recordings use this share of the budget or the disk is this full',
    }),
  },
  { additionalProperties: false, default: {} },
);

export type RecordingConfig = Static<typeof RecordingConfigSchema>;

/** GB 30871: process video of 特级 hot work is kept at least a month, whatever the config says. */
export const SPECIAL_HOT_WORK_MIN_DAYS = 31;

/** Days a segment recorded under a permit of this kind and level is kept. */
export function retentionDays(cfg: RecordingConfig['retention'], kind: string, level: string | null): number {
  const byLevel = level ? cfg.byKind[`${kind}/${level}`] : undefined;
  const days = byLevel ?? cfg.byKind[kind] ?? cfg.defaultDays;
  return kind === 'hot_work' && level === 'special' ? Math.max(days, SPECIAL_HOT_WORK_MIN_DAYS) : days;
}
