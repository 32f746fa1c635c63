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

/**
 * A response that is a file or plain text, declared under its real media types (an OpenAPI `content`
 * map) rather than as JSON, so generated clients and doc viewers know what comes back. Fastify
 * serialises nothing for these: the handlers send a Buffer, a string or a stream.
 */
export function fileResponse(description: string, mediaTypes: readonly string[]) {
  return { description, content: fileContent(mediaTypes) };
}

/**
 * The `content` map of a file response: text as a string, anything else as binary. The static type
 * says what a handler may send for it (Fastify writes these bytes out untouched).
 */
export function fileContent<const T extends readonly string[]>(mediaTypes: T) {
  type Sent = string | Buffer | NodeJS.ReadableStream;
  const text = Type.Unsafe<Sent>({ type: 'string' });
  const binary = Type.Unsafe<Sent>({ type: 'string', format: 'binary' });
  return Object.fromEntries(
    mediaTypes.map((type) => [type, { schema: type.startsWith('text/') ? text : binary }]),
  ) as Record<T[number], { schema: typeof binary }>;
}
