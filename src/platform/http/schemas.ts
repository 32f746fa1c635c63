import Type from 'typebox';

/** The body of every error response (see src/platform/shared/errors.ts). */
export const ErrorSchema = Type.Object(
  {
    code: Type.String({ description: 'JH_ERR_<AREA>_<REASON>' }),
    message: Type.String(),
    messageZh: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { $id: 'Error' },
);
