/** Turns JSON-schema errors into one sentence a plant's admin can act on. */
interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

/** Keys a release replaced: the error says where the setting went, not only "unknown". */
const MOVED_KEYS: Record<string, string> = {
  '/retention/videoDays':
    'retention.videoDays was never applied and is replaced by recording.retention (defaultDays, byKind; 特级 动火 ≥ 31 days) — 已由 recording.retention 取代',
};

export function describeSchemaError(err: SchemaError): { pointer: string; message: string } | undefined {
  const p = err.params;
  switch (err.keyword) {
    case 'boolean':
      return undefined; // "schema is false" duplicates the additionalProperties error below
    case 'additionalProperties': {
      const keys = (p.additionalProperties as string[] | undefined) ?? [];
      const pointer = `${err.instancePath}/${keys[0] ?? ''}`;
      const moved = MOVED_KEYS[pointer];
      if (moved) return { pointer, message: moved };
      return {
        pointer,
        message: `unknown key "${keys.join('", "')}" (未知配置项): check its spelling or remove it`,
      };
    }
    case 'required': {
      const keys = (p.requiredProperties as string[] | undefined) ?? [];
      return {
        pointer: `${err.instancePath}/${keys[0] ?? ''}`,
        message: `missing required key "${keys.join('", "')}" (缺少必填项)`,
      };
    }
    case 'minItems':
      return {
        pointer: err.instancePath,
        message: `needs at least ${String(p.limit)} items (项数不足); ${hint(err.instancePath)}`,
      };
    case 'maxItems':
      return { pointer: err.instancePath, message: `allows at most ${String(p.limit)} items (项数过多)` };
    case 'type':
      return { pointer: err.instancePath, message: `must be of type ${String(p.type)} (类型错误)` };
    case 'pattern':
      return {
        pointer: err.instancePath,
        message: `has a form that is not allowed (格式错误): ${String(p.pattern)}`,
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { pointer: err.instancePath, message: `is out of range (超出范围): ${err.message}` };
    case 'anyOf':
    case 'const':
    case 'enum':
      return { pointer: err.instancePath, message: `is not one of the allowed values (取值不在允许范围内)` };
    default:
      return { pointer: err.instancePath, message: err.message };
  }
}

function hint(pointer: string): string {
  if (pointer.endsWith('/points')) return 'a zone is a polygon of at least 3 points';
  return 'add the missing items';
}
