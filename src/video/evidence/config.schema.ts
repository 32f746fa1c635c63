import Type, { type Static } from 'typebox';

/** Evidence capture (owned by src/video/evidence): snapshots and pre/post-roll clips per violation. */
export const EvidenceConfigSchema = Type.Object(
  {
    snapshots: Type.Boolean({ default: true, description: 'annotated JPEG per violation' }),
    clips: Type.Boolean({
      default: true,
      description: 'video clip per violation from a per-camera ring of recent segments (ffmpeg -c copy)',
    }),
    preSeconds: Type.Number({ minimum: 0, maximum: 60, default: 5, description: 'clip starts this early' }),
    postSeconds: Type.Number({ minimum: 0, maximum: 60, default: 5, description: 'clip ends this late' }),
    segmentSeconds: Type.Number({ minimum: 1, maximum: 10, default: 2, description: 'ring segment length' }),
    ringSeconds: Type.Integer({
      minimum: 20,
      maximum: 600,
      default: 60,
      description: 'how much recent video each camera ring keeps',
    }),
    ringDir: Type.Optional(
      Type.String({ minLength: 1, description: 'ring segments (temp); default <dataDir>/ring' }),
    ),
    maxClipsInFlight: Type.Integer({
      minimum: 1,
      maximum: 32,
      default: 4,
      description: 'clip jobs beyond this are skipped (and counted), never queued without bound',
    }),
  },
  { additionalProperties: false, default: {} },
);

export type EvidenceConfig = Static<typeof EvidenceConfigSchema>;
