import Type, { type Static } from 'typebox';

/** Detection runtime settings (owned by src/detect; extended there as plugins are added). */
export const DetectConfigSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    modelsDir: Type.String({
      default: '../shared/models',
      description: 'external models (YOLOX-Nano, re-id); relative paths resolve against the project root',
    }),
    threads: Type.Integer({
      minimum: 1,
      maximum: 16,
      default: 1,
      description: 'onnxruntime intra-op threads per session',
    }),
    sessions: Type.Integer({
      minimum: 1,
      maximum: 16,
      default: 2,
      description: 'parallel inference sessions (one worker thread each)',
    }),
    models: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description:
          'model names from models/manifest.json; default: those flagged defaultPipeline (YOLOX-Nano and our trained models); add ppe-hardhat-crops for overhead CCTV with small heads',
      }),
    ),
    shareBackbone: Type.Boolean({
      default: true,
      description:
        'run the project heads (hard hat, fire/smoke) merged with YOLOX-Nano: one backbone pass per frame instead of three; false runs each model alone (same detections, about 3× the CPU)',
    }),
    inputSize: Type.Integer({
      minimum: 160,
      maximum: 1280,
      multipleOf: 32,
      default: 416,
      description:
        'input side of YOLOX-Nano and the heads on its backbone (hard hat, fire/smoke); larger finds smaller heads and people at more CPU per frame (src/vision/detect/README.md: 416 holds 12 cameras with the default pipeline on 2 cores)',
    }),
    overrides: Type.Record(
      Type.String(),
      Type.Object(
        {
          score: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
          nms: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
        },
        { additionalProperties: false },
      ),
      { default: {}, description: 'per-model thresholds, keyed by model name' },
    ),
    scheduler: Type.Object(
      {
        activeFps: Type.Number({
          exclusiveMinimum: 0,
          maximum: 25,
          default: 2,
          description: 'detections per second for cameras with an active permit or people in view',
        }),
        idleFps: Type.Number({
          exclusiveMinimum: 0,
          maximum: 25,
          default: 0.5,
          description: 'detections per second for the other cameras',
        }),
        peopleHoldMs: Type.Integer({
          minimum: 0,
          default: 10_000,
          description: 'a camera counts as "people in view" this long after its last person detection',
        }),
        motionHoldMs: Type.Integer({
          minimum: 0,
          default: 3_000,
          description:
            'a camera whose picture moved this recently runs at activeFps (a person walking into an idle view is inferred within a frame, not after up to 1/idleFps); 0 turns motion off',
        }),
        motionCells: Type.Integer({
          minimum: 1,
          maximum: 576,
          default: 2,
          description:
            'cells of the 32×18 motion grid (20×20 px at 640×360) that must differ from the background by more than 12 luma levels for a frame to count as motion',
        }),
        maxFrameAgeMs: Type.Integer({
          minimum: 100,
          default: 1_000,
          description: 'per-frame budget: a frame older than this is dropped (counted), never inferred late',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

export type DetectConfig = Static<typeof DetectConfigSchema>;
