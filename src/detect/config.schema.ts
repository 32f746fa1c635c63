import Type from 'typebox';

/** Detection runtime settings (owned by src/detect; extended there as plugins are added). */
export const DetectConfigSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    modelsDir: Type.String({
      default: '../shared/models',
      description: 'external models (YOLOX-Nano, re-id)',
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
      description: 'parallel inference sessions',
    }),
  },
  { additionalProperties: false, default: {} },
);
