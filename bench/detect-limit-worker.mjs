// Worker-thread entry for bench:detect's limit loop (bench/detect-limit-worker.ts). Worker threads do
// not inherit the main thread's TypeScript loader (Node 20), so this stub registers tsx first, as
// src/vision/detect/worker/inference-worker.mjs does.
import { register } from 'tsx/esm/api';

register();
await import('./detect-limit-worker.ts');
