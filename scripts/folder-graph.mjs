// The value-import graph between folders of src/ (type-only imports left out: they vanish at run time
// and cannot make a load-order cycle). Used by check-folder-deps.mjs and handy on its own:
//   node scripts/folder-graph.mjs [depth]   prints edges and strongly connected groups.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export function listTs(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listTs(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Relative module specifiers this file imports or re-exports as values. */
export function valueImports(file) {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const specs = [];
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st)) {
      const clause = st.importClause;
      if (clause?.isTypeOnly) continue;
      const named = clause?.namedBindings;
      const onlyTypes =
        clause &&
        !clause.name &&
        named &&
        ts.isNamedImports(named) &&
        named.elements.length > 0 &&
        named.elements.every((e) => e.isTypeOnly);
      if (!onlyTypes) specs.push(st.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(st) && st.moduleSpecifier) {
      if (st.isTypeOnly) continue;
      const named = st.exportClause;
      if (named && ts.isNamedExports(named) && named.elements.every((e) => e.isTypeOnly)) continue;
      specs.push(st.moduleSpecifier.text);
    }
  }
  return specs.filter((s) => s.startsWith('.'));
}

/** The folder of a file under root, cut to `depth` segments ('' for files directly in root). */
export function folderOf(root, file, depth) {
  const parts = relative(root, file).split(sep);
  parts.pop();
  return parts.slice(0, depth).join('/');
}

/** Edges folder → folder → example import (file → target). */
export function folderEdges(root, depth) {
  const edges = new Map();
  for (const file of listTs(root)) {
    const from = folderOf(root, file, depth);
    for (const spec of valueImports(file)) {
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(root + sep)) continue;
      const to = folderOf(root, target, depth);
      if (from === to || from === '' || to === '') continue;
      if (!edges.has(from)) edges.set(from, new Map());
      const m = edges.get(from);
      if (!m.has(to)) m.set(to, `${relative(root, file)} → ${relative(root, target)}`);
    }
  }
  return edges;
}

/** Strongly connected groups with more than one folder (Tarjan). */
export function cycles(edges) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const groups = [];
  let i = 0;
  const nodes = new Set([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])]);
  const visit = (v) => {
    index.set(v, i);
    low.set(v, i++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const g = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        g.push(w);
      } while (w !== v);
      if (g.length > 1) groups.push(g.sort());
    }
  };
  for (const v of [...nodes].sort()) if (!index.has(v)) visit(v);
  return groups;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const depth = Number(process.argv[2] ?? 1);
  const root = resolve('src');
  const edges = folderEdges(root, depth);
  for (const [from, m] of [...edges].sort())
    for (const [to, ex] of m) console.log(`${from} -> ${to}   (${ex})`);
  const groups = cycles(edges);
  console.log(`\n${groups.length} cyclic group(s)`);
  for (const g of groups) console.log(`  ${g.length}: ${g.join(' ')}`);
}
