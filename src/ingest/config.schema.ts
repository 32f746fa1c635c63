import Type from 'typebox';

/** Camera ingest settings (owned by src/ingest). */
export const IngestConfigSchema = Type.Object(
  {
    detectFps: Type.Number({
      exclusiveMinimum: 0,
      maximum: 30,
      default: 2,
      description: 'frames per second sampled for detection',
    }),
    width: Type.Integer({ minimum: 64, maximum: 3840, default: 640 }),
    height: Type.Integer({ minimum: 64, maximum: 2160, default: 360 }),
  },
  { additionalProperties: false, default: {} },
);
