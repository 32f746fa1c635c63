import Type from 'typebox';

/** An id written in a config file or an API path: letters, digits, `_` or `-`, at most 64. */
export const IdSchema = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$',
  description: 'letters, digits, _ or -',
});
