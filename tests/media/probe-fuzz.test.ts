// Generated hostile media: the tiny fixtures mutated a few hundred ways by a seeded generator
// (the same cases on every run), each probed through probeMedia, the function `check` runs on
// every media file, and a batch through a real `check` of a show folder. No case may hang, throw,
// grow memory without bound, or end in a message that is a program's error rather than the
// file's; every problem must name its file.
//
// Mutations: byte flips, truncations, duplicated boxes/elements (parents' sizes fixed so the copy
// is well-formed), sizes made huge, zero, too small or (EBML) unknown, and MP3 seek-header counts
// made huge.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { probeMedia, type ProbeResult } from '../../src/media/probe.js';
import { checkShow } from '../../src/catalog/check-show.js';
import { episodeYaml, makeShow } from '../support/show-folder.js';
import { fixture } from './fixtures.js';
import { tempDir } from '../support/temp-dir.js';

/** mulberry32: a small seeded generator of numbers in [0, 1). */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// --- The structure of the seeds, to mutate boxes and elements rather than random bytes ----------

interface Node {
  /** Offset of the header. */
  start: number;
  /** Offset of the size field and its length in bytes. */
  sizeAt: number;
  sizeLength: number;
  /** Offset where the data starts and ends. */
  data: number;
  end: number;
  /** Enclosing nodes, innermost first. */
  parents: Node[];
  kind: 'box' | 'ebml';
}

const MP4_CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'dinf', 'mvex', 'tref', 'udta']);

/** Every box of an MP4, containers walked into. */
function mp4Nodes(b: Buffer, start = 0, end = b.length, parents: Node[] = []): Node[] {
  const nodes: Node[] = [];
  for (let o = start; o + 8 <= end; ) {
    let size = b.readUInt32BE(o);
    let header = 8;
    if (size === 1 && o + 16 <= end) {
      size = Number(b.readBigUInt64BE(o + 8));
      header = 16;
    } else if (size === 0) size = end - o;
    if (size < header || o + size > end) break;
    const node: Node = { start: o, sizeAt: o, sizeLength: header === 16 ? 0 : 4, data: o + header, end: o + size, parents, kind: 'box' };
    nodes.push(node);
    if (MP4_CONTAINERS.has(b.toString('latin1', o + 4, o + 8))) nodes.push(...mp4Nodes(b, node.data, node.end, [node, ...parents]));
    o += size;
  }
  return nodes;
}

const EBML_MASTERS = new Set([
  0x1a45dfa3, 0x18538067, 0x1549a966, 0x1654ae6b, 0xae, 0xe0, 0xe1, 0x1f43b675, 0xa0, 0x1c53bb6b, 0xbb, 0x1254c367, 0x7373, 0x114d9b74,
  0x4dbb,
]);

function vint(b: Buffer, o: number): { value: number; length: number; unknown: boolean } | undefined {
  if (o >= b.length || b[o] === 0) return undefined;
  const length = Math.clz32(b[o]) - 23;
  if (o + length > b.length) return undefined;
  let value = b[o] & (0xff >> length);
  let ones = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + b[o + i];
    if (b[o + i] !== 0xff) ones = false;
  }
  return { value, length, unknown: ones };
}

/** Every element of a WebM, master elements walked into. */
function ebmlNodes(b: Buffer, start = 0, end = b.length, parents: Node[] = []): Node[] {
  const nodes: Node[] = [];
  for (let o = start; o < end; ) {
    const idLength = b[o] ? Math.clz32(b[o]) - 23 : 9;
    if (idLength > 4 || o + idLength > end) break;
    const id = b.readUIntBE(o, idLength);
    const size = vint(b, o + idLength);
    if (!size) break;
    const data = o + idLength + size.length;
    const stop = size.unknown ? end : data + size.value;
    if (stop > end) break;
    const node: Node = {
      start: o,
      sizeAt: o + idLength,
      sizeLength: size.unknown ? 0 : size.length,
      data,
      end: stop,
      parents,
      kind: 'ebml',
    };
    nodes.push(node);
    if (EBML_MASTERS.has(id)) nodes.push(...ebmlNodes(b, data, stop, [node, ...parents]));
    o = stop;
  }
  return nodes;
}

/** Adds `delta` to a node's size field, if it has one that can hold the new size. */
function growSize(b: Buffer, node: Node, delta: number): void {
  if (node.sizeLength === 0) return; // unknown size, or a 64-bit box size: nothing to fix
  if (node.kind === 'box') {
    b.writeUInt32BE(Math.min(0xffffffff, b.readUInt32BE(node.sizeAt) + delta), node.sizeAt);
    return;
  }
  const size = vint(b, node.sizeAt)!;
  const value = size.value + delta;
  if (value >= 2 ** (7 * size.length) - 1 || size.length > 6) return;
  const marker = 2 ** (8 * size.length - size.length);
  b.writeUIntBE(marker + value, node.sizeAt, size.length);
}

// --- Mutations ---------------------------------------------------------------------------------

type Mutation = (b: Buffer, random: () => number, nodes: Node[]) => { bytes: Buffer; what: string };

const pick = <T>(random: () => number, list: T[]): T => list[Math.floor(random() * list.length)];

const mutations: Mutation[] = [
  function flipBytes(b, random) {
    const out = Buffer.from(b);
    const count = 1 + Math.floor(random() * 16);
    for (let i = 0; i < count; i++)
      out[Math.floor(random() * out.length)] = pick(random, [0x00, 0xff, 0x80, 0x7f, Math.floor(random() * 256)]);
    return { bytes: out, what: `${count} bytes changed` };
  },
  function truncate(b, random) {
    const at = Math.floor(random() ** 2 * b.length); // more cuts near the start, where the headers are
    return { bytes: b.subarray(0, at), what: `cut at ${at}` };
  },
  function duplicate(b, random, nodes) {
    const node = pick(random, nodes);
    const copy = b.subarray(node.start, node.end);
    const out = Buffer.concat([b.subarray(0, node.end), copy, b.subarray(node.end)]);
    for (const parent of node.parents) growSize(out, parent, copy.length);
    return { bytes: out, what: `node at ${node.start} duplicated (${copy.length} bytes)` };
  },
  function duplicateMany(b, random, nodes) {
    // The same node repeated many times: thousands of tracks, boxes or elements.
    const node = pick(random, nodes.filter((n) => n.end - n.start <= 64).concat(nodes[0]));
    const copy = b.subarray(node.start, node.end);
    const times = Math.min(5000, Math.floor((256 * 1024) / Math.max(1, copy.length)));
    const out = Buffer.concat([b.subarray(0, node.end), ...Array.from({ length: times }, () => copy), b.subarray(node.end)]);
    for (const parent of node.parents) growSize(out, parent, copy.length * times);
    return { bytes: out, what: `node at ${node.start} repeated ${times} times` };
  },
  function hugeSize(b, random, nodes) {
    const node = pick(random, nodes);
    const out = Buffer.from(b);
    if (node.kind === 'box') {
      out.writeUInt32BE(pick(random, [0xffffffff, 0x7fffffff, 0, 1, 8, 9]), node.start);
    } else if (node.sizeLength > 0) {
      // The largest known size its field can hold: all ones but the last bit (all ones means "unknown").
      out[node.sizeAt] = 0xff >> (node.sizeLength - 1);
      for (let i = 1; i < node.sizeLength; i++) out[node.sizeAt + i] = 0xff;
      out[node.sizeAt + node.sizeLength - 1] &= 0xfe;
    }
    return { bytes: out, what: `size of node at ${node.start} made huge or odd` };
  },
  function unknownSize(b, random, nodes) {
    const node = pick(random, nodes);
    const out = Buffer.from(b);
    if (node.kind === 'ebml' && node.sizeLength > 0) {
      out[node.sizeAt] = 0xff >> (node.sizeLength - 1);
      for (let i = 1; i < node.sizeLength; i++) out[node.sizeAt + i] = 0xff;
    } else if (node.kind === 'box') {
      out.writeUInt32BE(0, node.start); // "to the end of the file"
    }
    return { bytes: out, what: `size of node at ${node.start} made unknown` };
  },
  function seekHeaderCounts(b, random) {
    // MP3 only: the Xing/Info frame and byte counts made huge, zero or small.
    const out = Buffer.from(b);
    const at = Math.max(out.indexOf('Xing', 0, 'latin1'), out.indexOf('Info', 0, 'latin1'));
    if (at >= 0 && at + 16 <= out.length)
      out.writeUInt32BE(pick(random, [0xffffffff, 0, 1, 0x7fffffff, Math.floor(random() * 2 ** 32)]), at + pick(random, [8, 12]));
    return { bytes: out, what: 'seek header counts changed' };
  },
];

const SEEDS: { name: string; structure: (b: Buffer) => Node[] }[] = [
  { name: 'good-cbr.mp3', structure: () => [] },
  { name: 'vbr-xing.mp3', structure: () => [] },
  { name: 'good-faststart.m4v', structure: mp4Nodes },
  { name: 'moov-at-end.m4v', structure: mp4Nodes },
  { name: 'audio-only.m4v', structure: mp4Nodes },
  { name: 'good.webm', structure: ebmlNodes },
  { name: 'webm-named.mp3', structure: ebmlNodes },
];
const CASES_PER_SEED = 40;

/** What the generated case is: file name, bytes, and how it was made (for failure messages). */
interface Case {
  name: string;
  bytes: Buffer;
  what: string;
}

function cases(): Case[] {
  const all: Case[] = [];
  SEEDS.forEach((seed, s) => {
    const bytes = fs.readFileSync(fixture(seed.name));
    const nodes = seed.structure(bytes);
    // Structural mutations for boxes and elements; the MP3 seeds get their seek header changed instead.
    const structural = new Set(['duplicate', 'duplicateMany', 'hugeSize', 'unknownSize']);
    const usable = mutations.filter((m) => (nodes.length > 0 ? m.name !== 'seekHeaderCounts' : !structural.has(m.name)));
    for (let i = 0; i < CASES_PER_SEED; i++) {
      const random = generator(1000 * (s + 1) + i);
      // Most cases one mutation, some two in a row.
      let current: { bytes: Buffer; what: string } = { bytes, what: '' };
      for (let n = random() < 0.3 ? 2 : 1; n > 0; n--) {
        const mutation = pick(random, usable);
        const next = mutation(current.bytes, random, nodes.length ? seed.structure(current.bytes) : []);
        current = { bytes: next.bytes, what: `${current.what}${current.what ? ', then ' : ''}${mutation.name}: ${next.what}` };
        if (current.bytes.length === 0 || (nodes.length && seed.structure(current.bytes).length === 0)) break;
      }
      all.push({ name: `${String(all.length).padStart(3, '0')}-${seed.name}`, bytes: current.bytes, what: current.what });
    }
  });
  return all;
}

/** Words of a program's error (a bug) rather than of a message about the file. */
const INTERNAL =
  /RangeError|TypeError|out of range|Cannot read propert|is not a function|is not iterable|undefined|NaN|Infinity|Maximum call stack|ERR_/;

function checkResult(c: Case, result: ProbeResult): void {
  const where = `${c.name} (${c.what})`;
  assert.ok(Array.isArray(result.findings), where);
  assert.ok(result.facts || result.findings.some((f) => f.level === 'error'), `${where}: no facts and no error`);
  for (const f of result.findings) {
    assert.ok(typeof f.message === 'string' && f.message.length > 0, where);
    assert.doesNotMatch(f.message, INTERNAL, `${where}: ${f.message}`);
  }
  const facts = result.facts;
  if (facts?.duration !== undefined)
    assert.ok(Number.isFinite(facts.duration) && facts.duration >= 0, `${where}: duration ${facts.duration}`);
  if (facts?.bitrate !== undefined) assert.ok(Number.isFinite(facts.bitrate) && facts.bitrate >= 0, `${where}: bitrate ${facts.bitrate}`);
}

// Bounds for this slow machine: each case normally takes a few ms.
const CASE_LIMIT_MS = 2000;
const TOTAL_LIMIT_MS = 40_000;
const RSS_LIMIT = 1024 * 1024 * 1024;

test('fuzz: a few hundred mutated media files through probeMedia: no hang, no throw, bounded memory, only messages about the file', async (t) => {
  const dir = tempDir('fuzz');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const all = cases();
  assert.ok(all.length >= 250, `${all.length} cases`);
  const started = performance.now();
  let slowest = { ms: 0, name: '' };
  // Every failing case is listed, not only the first.
  const failures: string[] = [];
  for (const c of all) {
    const file = path.join(dir, c.name);
    fs.writeFileSync(file, c.bytes);
    try {
      const before = performance.now();
      let result: ProbeResult;
      try {
        result = await probeMedia(file);
      } catch (err) {
        assert.fail(`${c.name} (${c.what}): probeMedia threw ${(err as Error).stack}`);
      }
      const ms = performance.now() - before;
      if (ms > slowest.ms) slowest = { ms, name: `${c.name} (${c.what})` };
      assert.ok(ms < CASE_LIMIT_MS, `${c.name} (${c.what}) took ${Math.round(ms)} ms`);
      assert.ok(process.memoryUsage().rss < RSS_LIMIT, `${c.name} (${c.what}): ${process.memoryUsage().rss} bytes resident`);
      checkResult(c, result);
    } catch (err) {
      failures.push((err as Error).message);
    }
    fs.rmSync(file);
  }
  assert.deepEqual(failures, []);
  const total = performance.now() - started;
  assert.ok(total < TOTAL_LIMIT_MS, `${all.length} cases took ${Math.round(total)} ms`);
  t.diagnostic(`${all.length} cases in ${Math.round(total)} ms; slowest ${Math.round(slowest.ms)} ms: ${slowest.name}`);
});

test('fuzz: mutated files in a show folder, through check: every problem names its file', async (t) => {
  // Every eighth case, one episode each, the format declared after the seed's container.
  const picked = cases().filter((_, i) => i % 8 === 0);
  const formatOf = (name: string) => (name.endsWith('.m4v') ? 'm4v' : name.endsWith('good.webm') ? 'webm' : 'mp3');
  const episodes = Object.fromEntries(
    picked.map((c) => {
      const slug = `e${c.name.slice(0, 3)}`;
      const format = formatOf(c.name);
      return [slug, { yaml: episodeYaml(slug, '', `  ${format}: a.${format}\n`) }];
    }),
  );
  const show = await makeShow(episodes);
  t.after(() => fs.rmSync(show, { recursive: true, force: true }));
  for (const c of picked) {
    const format = formatOf(c.name);
    fs.writeFileSync(path.join(show, `e${c.name.slice(0, 3)}`, `a.${format}`), c.bytes);
  }
  const started = performance.now();
  const { problems } = await checkShow(show);
  assert.ok(performance.now() - started < 20_000, 'check took too long');
  const files = new Set(fs.readdirSync(show, { recursive: true }).map(String).concat('show.yaml'));
  for (const p of problems) {
    assert.ok(files.has(p.file), `problem names no file of the show: ${JSON.stringify(p)}`);
    assert.doesNotMatch(p.message, INTERNAL, JSON.stringify(p));
  }
  // Each mutated file that is not publishable has a problem naming it (or its episode.yaml).
  const { catalog } = await checkShow(show);
  const published = new Set(catalog?.episodes.map((e) => e.slug));
  for (const c of picked) {
    const slug = `e${c.name.slice(0, 3)}`;
    if (published.has(slug)) continue;
    assert.ok(
      problems.some((p) => p.level === 'error' && p.file.startsWith(`${slug}/`)),
      `${slug} (${c.what}) left out with no error naming it`,
    );
  }
});
