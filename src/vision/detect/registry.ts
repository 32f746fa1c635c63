import { DetectErrors } from './errors.ts';
import type { ModelEntry } from './manifest.ts';
import type { Detector, HeadDecoder } from './types.ts';

/** What a plugin factory receives besides its manifest entry. */
export interface PluginContext {
  modelsDir: string;
  /** onnxruntime intra-op threads for each session the plugin opens */
  threads: number;
  /** per-model overrides from config.detect.overrides[model name] */
  settings: Readonly<Record<string, unknown>>;
}

export type DetectorFactory = (entry: ModelEntry, ctx: PluginContext) => Detector;
export type DecoderFactory = (entry: ModelEntry, settings: Readonly<Record<string, unknown>>) => HeadDecoder;

/**
 * Detector plugins keyed by type (Frigate's detector_types): the manifest's `plugin` field picks the
 * factory. Built-ins are registered in plugins/index.ts; a new plugin adds one line there.
 */
export class PluginRegistry {
  private readonly factories = new Map<string, DetectorFactory>();
  private readonly decoders = new Map<string, DecoderFactory>();

  /** `decoder`: the plugin's pure output decoder, if it can run merged on a shared backbone. */
  register(type: string, factory: DetectorFactory, decoder?: DecoderFactory): this {
    if (this.factories.has(type)) throw new Error(`detector plugin "${type}" registered twice`);
    this.factories.set(type, factory);
    if (decoder) this.decoders.set(type, decoder);
    return this;
  }

  decoderFor(entry: ModelEntry, settings: Readonly<Record<string, unknown>>): HeadDecoder | undefined {
    return this.decoders.get(entry.plugin)?.(entry, settings);
  }

  types(): string[] {
    return [...this.factories.keys()];
  }

  create(entry: ModelEntry, ctx: PluginContext): Detector {
    const factory = this.factories.get(entry.plugin);
    if (!factory) {
      throw DetectErrors.pluginUnknown(
        { model: entry.name, plugin: entry.plugin, known: this.types() },
        `model ${entry.name} needs detector plugin "${entry.plugin}", which is not registered 未注册的检测插件 (known: ${this.types().join(', ')})`,
      );
    }
    return factory(entry, ctx);
  }
}
