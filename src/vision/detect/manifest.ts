import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import { DetectErrors } from './errors.ts';
import { LABELS } from './types.ts';

/** The project root (where models/manifest.json lives); relative model dirs resolve against it. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const MANIFEST_PATH = join(PROJECT_ROOT, 'models', 'manifest.json');

const strict = { additionalProperties: false } as const;
const LabelSchema = Type.Union(LABELS.map((l) => Type.Literal(l)));

export const InputLayoutSchema = Type.Object(
  {
    name: Type.String(),
    layout: Type.Union([Type.Literal('NCHW'), Type.Literal('NHWC')]),
    width: Type.Integer({ minimum: 8 }),
    height: Type.Integer({ minimum: 8 }),
    channels: Type.Union([Type.Literal('BGR'), Type.Literal('RGB')]),
    /** value = (pixel * scale - mean[c]) / std[c] */
    scale: Type.Number(),
    mean: Type.Tuple([Type.Number(), Type.Number(), Type.Number()]),
    std: Type.Tuple([Type.Number(), Type.Number(), Type.Number()]),
    resize: Type.Union([Type.Literal('letterbox-top-left'), Type.Literal('stretch')]),
    pad: Type.Integer({ minimum: 0, maximum: 255 }),
  },
  strict,
);

export const ModelEntrySchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]*$' }),
    /** registry key of the plugin that runs it (Frigate detector_types style) */
    plugin: Type.String({ minLength: 1 }),
    /** 1 = runs on the whole frame; 2 = runs on stage-1 detections (context); 0 = not a detector */
    stage: Type.Integer({ minimum: 0, maximum: 2 }),
    defaultPipeline: Type.Boolean(),
    /** 'site': a per-site version made by `jianhu adapt` (file = its absolute path in the data folder) */
    location: Type.Union([Type.Literal('external'), Type.Literal('project'), Type.Literal('site')]),
    file: Type.String({ minLength: 1 }),
    bytes: Type.Optional(Type.Integer({ minimum: 1 })),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    licence: Type.String({ minLength: 1 }),
    source: Type.String({ minLength: 1 }),
    download: Type.Optional(Type.String()),
    /** the script that reproduces a project model */
    trainedBy: Type.Optional(Type.String()),
    input: InputLayoutSchema,
    output: Type.Object(
      {
        name: Type.String(),
        decoder: Type.String({ minLength: 1 }),
        shape: Type.Array(Type.Integer()),
        strides: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }))),
        numClasses: Type.Optional(Type.Integer({ minimum: 1 })),
      },
      { additionalProperties: true },
    ),
    /** model class index → project label; classes not listed are ignored */
    classes: Type.Record(Type.String({ pattern: '^[0-9]+$' }), LabelSchema),
    thresholds: Type.Object(
      {
        score: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
        nms: Type.Optional(Type.Number()),
        /** box voting IoU of our YOLOX-layout heads (ppe-postprocess.ts `voteIou`); absent = off */
        vote: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
      },
      { additionalProperties: true },
    ),
    /** plugin-specific settings (e.g. crop margins of a stage-2 classifier) */
    options: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  strict,
);

export const ManifestSchema = Type.Object(
  {
    $comment: Type.Optional(Type.String()),
    version: Type.Literal(1),
    models: Type.Array(ModelEntrySchema),
  },
  strict,
);

export type InputLayout = Static<typeof InputLayoutSchema>;
export type ModelEntry = Static<typeof ModelEntrySchema>;
export type Manifest = Static<typeof ManifestSchema>;

export function parseManifest(raw: unknown, where = MANIFEST_PATH): Manifest {
  if (!Value.Check(ManifestSchema, raw)) {
    const first = [...Value.Errors(ManifestSchema, raw)].slice(0, 3);
    const detail = first.map((e) => `${e.instancePath || '/'}: ${e.message}`).join('; ');
    throw DetectErrors.manifestInvalid({ where, detail }, `${where} is not valid: ${detail}`);
  }
  const names = new Set<string>();
  for (const m of raw.models) {
    if (names.has(m.name))
      throw DetectErrors.manifestInvalid({ where, name: m.name }, `duplicate model ${m.name}`);
    names.add(m.name);
  }
  return raw;
}

export function loadManifest(path = MANIFEST_PATH): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw DetectErrors.manifestInvalid({ where: path }, `cannot read ${path}: ${(e as Error).message}`);
  }
  return parseManifest(raw, path);
}

export function findModel(manifest: Manifest, name: string): ModelEntry {
  const entry = manifest.models.find((m) => m.name === name);
  if (!entry) {
    const known = manifest.models.map((m) => m.name).join(', ');
    throw DetectErrors.modelUnknown(
      { name, known },
      `no model "${name}" in models/manifest.json 清单中无此模型 (known: ${known})`,
    );
  }
  return entry;
}

/** Where the file of `entry` lives: external models under modelsDir, project models under models/. */
export function modelPath(entry: ModelEntry, modelsDir: string): string {
  if (entry.location === 'site') return entry.file;
  const base =
    entry.location === 'project'
      ? join(PROJECT_ROOT, 'models')
      : isAbsolute(modelsDir)
        ? modelsDir
        : resolve(PROJECT_ROOT, modelsDir);
  return join(base, entry.file);
}

function whereToGetIt(entry: ModelEntry): string {
  if (entry.location === 'site')
    return 'roll the site version back or run `jianhu adapt` again 请回退现场版本或重新学习';
  if (entry.location === 'project')
    return `retrain it with ${entry.trainedBy ?? 'the script named in models/manifest.json'} 请用训练脚本重新生成`;
  return `download it from ${entry.download ?? entry.source} into config.detect.modelsDir (JIANHU_MODELS_DIR) 请下载到模型目录`;
}

/** What replaces a manifest model's file: a per-site version and the sha256 recorded at its adoption. */
export interface SiteModelFile {
  file: string;
  sha256: string;
  bytes: number;
}

/** The manifest with each named model's file replaced by its site version (checked like any other). */
export function withSiteModels(
  manifest: Manifest,
  site: Readonly<Record<string, SiteModelFile>> | undefined,
): Manifest {
  if (!site || Object.keys(site).length === 0) return manifest;
  return {
    ...manifest,
    models: manifest.models.map((m) => {
      const s = site[m.name];
      return s ? { ...m, location: 'site' as const, file: s.file, sha256: s.sha256, bytes: s.bytes } : m;
    }),
  };
}

/**
 * Reads the model file and checks its sha256 against the manifest; returns the bytes so the caller
 * loads exactly what was verified (no time-of-check/time-of-use gap).
 */
export function readVerifiedModel(entry: ModelEntry, modelsDir: string): Uint8Array {
  const path = modelPath(entry, modelsDir);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw DetectErrors.modelMissing(
      { model: entry.name, path },
      `model ${entry.name} not found at ${path} 模型文件不存在; ${whereToGetIt(entry)}`,
    );
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== entry.sha256) {
    throw DetectErrors.modelChecksum(
      { model: entry.name, path, expected: entry.sha256, actual },
      `model ${entry.name} at ${path} has sha256 ${actual}, manifest says ${entry.sha256} 校验失败; ${whereToGetIt(entry)}`,
    );
  }
  return bytes;
}
