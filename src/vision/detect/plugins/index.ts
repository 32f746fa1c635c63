import { PluginRegistry } from '../registry.ts';
import { YoloxDetector, yoloxDecoder } from './yolox.plugin.ts';
import { OwnYoloxHeadDetector, ownHeadDecoder } from './ppe-yolox-head.ts';
import { VestClassifier } from './ppe-vest.ts';
import { HeadCropDetector } from './ppe-head-crops.ts';

/**
 * Every detector plugin the service knows, keyed by the manifest's `plugin` field.
 * To add one: implement `Detector` (src/vision/detect/types.ts) in plugins/<type>.plugin.ts and add a line.
 * A plugin that also gives its pure output decoder can run merged with others on a shared backbone.
 */
export function builtinPlugins(): PluginRegistry {
  return new PluginRegistry()
    .register('yolox', (entry, ctx) => new YoloxDetector(entry, ctx), yoloxDecoder)
    .register('own-yolox-head', (entry, ctx) => new OwnYoloxHeadDetector(entry, ctx), ownHeadDecoder)
    .register('own-vest-classifier', (entry, ctx) => new VestClassifier(entry, ctx))
    .register('own-head-crops', (entry, ctx) => new HeadCropDetector(entry, ctx));
}
