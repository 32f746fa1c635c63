import Type, { type Static } from 'typebox';
import { IdSchema } from '../../platform/shared/id-schema.ts';

/**
 * A camera zone as written in the config file and in the zones API: the same schema for both, so
 * the editor cannot save what the config would refuse.
 */
export const ZONE_KINDS = ['work_area', 'danger_zone', 'confined_entrance', 'guardian_post'] as const;

// A fixed-length array rather than Type.Tuple: OpenAPI 3.x has no tuple form (`items: [...]`), and with
// one item schema for both coordinates the two validate the same; the static type stays [x, y].
export const PointSchema = Type.Unsafe<[number, number]>(
  Type.Array(Type.Number({ minimum: 0, maximum: 1 }), {
    minItems: 2,
    maxItems: 2,
    description: 'normalised [x, y], 0..1 of the frame width and height',
  }),
);

export const ZoneSchema = Type.Object(
  {
    id: IdSchema,
    name: Type.String({ minLength: 1 }),
    kind: Type.Union(ZONE_KINDS.map((k) => Type.Literal(k))),
    points: Type.Array(PointSchema, {
      minItems: 3,
      maxItems: 64,
      description: 'a polygon of at least 3 points',
    }),
  },
  { additionalProperties: false },
);

export type ZoneConfig = Static<typeof ZoneSchema>;
export type ZoneKind = (typeof ZONE_KINDS)[number];
