// The shape docs/architecture.md draws, held by a test: every import in src/ points down the
// flow (a folder imports only folders below it), no module imports itself round a cycle, and
// every outside library is imported by one module of ours alone.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/paths.js';

const srcDir = path.join(packageRoot, 'src');

/** The layers of docs/architecture.md, bottom first. A folder may import its own layer's folder and any layer below. */
const LAYERS: string[][] = [
  ['paths.ts', 'own-files.ts', 'contract'],
  ['show'],
  ['media', 'artwork', 'notes'],
  ['catalog'],
  ['feeds', 'pages'],
  ['audience', 'import', 'encode'],
  ['site'],
  ['live'],
  ['commands'],
  ['cli.ts'],
];
const layerOf = new Map(LAYERS.flatMap((names, rank) => names.map((name) => [name, rank] as const)));

interface Import {
  from: string;
  specifier: string;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const abs = path.join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(abs);
    return d.name.endsWith('.ts') ? [path.relative(srcDir, abs)] : [];
  });
}

/** Static imports and re-exports (type-only ones too: they tie modules as much), and dynamic import(). */
function importsOf(file: string): Import[] {
  const text = fs.readFileSync(path.join(srcDir, file), 'utf8');
  const found: Import[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^'";]*?\sfrom\s+'([^']+)'|^\s*import\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gm)) {
    found.push({ from: file, specifier: m[1] ?? m[2] ?? m[3] });
  }
  return found;
}

/** src-relative .ts path of a relative specifier, or undefined for a package. */
function resolve(imp: Import): string | undefined {
  if (!imp.specifier.startsWith('.')) return undefined;
  return path.join(path.dirname(imp.from), imp.specifier).replace(/\.js$/, '.ts');
}

const top = (file: string) => file.split(path.sep)[0];
const files = sourceFiles(srcDir);
const imports = files.flatMap(importsOf);

test('every module of src/ sits in a layer of docs/architecture.md', () => {
  const unplaced = [...new Set(files.map(top))].filter((name) => !layerOf.has(name));
  assert.deepEqual(unplaced, [], 'add the folder to LAYERS here and to docs/architecture.md');
  const doc = fs.readFileSync(path.join(packageRoot, 'docs', 'architecture.md'), 'utf8');
  const undocumented = [...layerOf.keys()].filter((name) => !doc.includes(`\`src/${name}`));
  assert.deepEqual(undocumented, []);
});

test('every import points down the flow', () => {
  const upward: string[] = [];
  for (const imp of imports) {
    const target = resolve(imp);
    if (!target) continue;
    const [a, b] = [top(imp.from), top(target)];
    if (a === b) continue;
    if (layerOf.get(b)! >= layerOf.get(a)!) upward.push(`${imp.from} -> ${target}`);
  }
  assert.deepEqual(upward, []);
});

test('no import cycle anywhere in src/', () => {
  const edges = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const imp of imports) {
    const target = resolve(imp);
    if (target && edges.has(target)) edges.get(imp.from)!.push(target);
  }
  // Tarjan's strongly connected components: any component of more than one module is a cycle.
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    indexOf.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)!) {
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || edges.get(v)!.includes(v)) cycles.push(component.sort());
    }
  };
  for (const f of files) if (!indexOf.has(f)) visit(f);
  assert.deepEqual(cycles, []);
});

test('each outside library is imported by one module of ours', () => {
  const byPackage = new Map<string, Set<string>>();
  for (const imp of imports) {
    if (imp.specifier.startsWith('.') || imp.specifier.startsWith('node:')) continue;
    const name = imp.specifier.startsWith('@') ? imp.specifier.split('/').slice(0, 2).join('/') : imp.specifier.split('/')[0];
    if (!byPackage.has(name)) byPackage.set(name, new Set());
    byPackage.get(name)!.add(imp.from);
  }
  const spread = [...byPackage].filter(([, users]) => users.size > 1).map(([name, users]) => `${name}: ${[...users].join(', ')}`);
  assert.deepEqual(spread, []);
  // And the README names each, with its module.
  const readme = fs.readFileSync(path.join(packageRoot, 'README.md'), 'utf8');
  const unlisted = [...byPackage].filter(
    ([name, users]) => !readme.includes(`\`${name}\``) || ![...users].every((u) => readme.includes(`src/${u}`)),
  );
  assert.deepEqual(
    unlisted.map(([name]) => name),
    [],
  );
});
