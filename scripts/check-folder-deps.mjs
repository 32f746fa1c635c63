#!/usr/bin/env node
// Part of `npm run check`: which folder of src/ may import which, written down once, and no
// value-import cycle between capability folders. Type-only imports are free: they vanish at run time.
// Files directly in src/ (main.ts, app.ts, http-routes.ts: the composition root) may import anything.
import { resolve } from 'node:path';
import { cycles, folderEdges } from './folder-graph.mjs';

/** context → the contexts it may import values from (beside itself). */
export const MAY_IMPORT = {
  platform: [],
  vision: ['platform'],
  video: ['platform'],
  supervision: ['platform', 'vision', 'video'],
  work: ['platform', 'video'],
  oversight: ['platform', 'video', 'vision', 'supervision', 'work'],
  // the county hub (#24): its own service; reuses the platform's wire format and auth, and the
  // oversight's pure coverage and ranking
  hub: ['platform', 'oversight'],
  // The edge: the config's root schema is made of every context's section; ui and cli drive them all.
  config: ['platform', 'video', 'vision', 'supervision', 'work', 'oversight'],
  ui: ['platform', 'video', 'vision', 'supervision', 'work', 'oversight', 'config'],
  cli: ['platform', 'video', 'vision', 'supervision', 'work', 'oversight', 'config', 'hub'],
};

export function problems(root) {
  const found = [];
  for (const [from, targets] of folderEdges(root, 1)) {
    const allowed = MAY_IMPORT[from];
    if (!allowed) {
      found.push(
        `src/${from}/ is not a known context: add it to MAY_IMPORT in scripts/check-folder-deps.mjs`,
      );
      continue;
    }
    for (const [to, example] of targets)
      if (!allowed.includes(to)) found.push(`${from} may not import ${to}: ${example}`);
  }
  for (const group of cycles(folderEdges(root, 2)))
    found.push(`value-import cycle between folders: ${group.join(' ↔ ')}`);
  return found;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const found = problems(resolve(process.argv[2] ?? 'src'));
  for (const p of found) console.error(`folder-deps: ${p}`);
  if (found.length > 0) process.exit(1);
  console.log('folder-deps: OK (contexts import only downwards; no value-import cycle between folders)');
}
