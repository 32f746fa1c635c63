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
    recentFrameSeconds: Type.Number({
      minimum: 1,
      maximum: 10,
      default: 3,
      description:
        "decoded frames kept in memory per camera, so a snapshot shows the detection's own frame (and a good one near it when that is black)",
    }),
    nearestFrameMs: Type.Integer({
      minimum: 0,
      maximum: 5000,
      default: 1000,
      description:
        "how far from the detection a snapshot may take a good frame when the detection's frame is black",
    }),
    blackFrame: Type.Object(
      {
        maxMeanLuma: Type.Number({ minimum: 0, maximum: 255, default: 24 }),
        maxLumaStdDev: Type.Number({ minimum: 0, maximum: 128, default: 8 }),
      },
      {
        additionalProperties: false,
        default: {},
        description:
          'a frame this dark AND this flat (BT.601 luma) is no evidence of a scene rule, only of a camera fault',
      },
    ),
    maxClipsInFlight: Type.Integer({
      minimum: 1,
      maximum: 32,
      default: 4,
      description:
        'clips cut at once (one ffmpeg each); a clip whose window has ended waits for a free cut, its segments kept meanwhile',
    }),
    maxClipsPending: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 64,
      description:
        'clips scheduled and not yet written (most wait for the end of their window: a timer each, no process); beyond this a violation gets no clip (skipped, counted, logged), never a queue without bound',
    }),
  },
  { additionalProperties: false, default: {} },
);

export type EvidenceConfig = Static<typeof EvidenceConfigSchema>;
