// Worker-thread entry. Worker threads do not inherit the main thread's TypeScript loader (Node 20), so
// this plain-JS stub registers tsx and then loads the worker proper.
import { register } from 'tsx/esm/api';

register();
await import('./verify-worker.ts');
