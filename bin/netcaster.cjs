#!/usr/bin/env node
// What `netcaster` runs: the whole CLI, bundled by `npm run build` into one CommonJS file
// (dist/bundle/netcaster.cjs, see scripts/bundle.mjs), compiled with the V8 code cache that the
// build made beside it.
//
// Why: a cold command's start is mostly V8 compiling JavaScript (about 110 ms of a 550 ms cold
// build of a 300-MP3 show, issue 12). Node 20 cannot cache the compiled code of ES modules
// (module.enableCompileCache needs Node 22.1), but vm.Script takes V8's cache of a script:
// https://nodejs.org/docs/latest-v20.x/api/vm.html#new-vmscriptcode-options
// A cache holds the bytecode of every function one run compiled (a check of the sample show, or
// an import of its feed: see below), so those are never parsed or compiled again. V8 checks it
// against its own version, flags and this source and ignores it on any mismatch (another Node, a
// --flag): then the CLI is compiled as usual, slower and otherwise the same.
// NETCASTER_CODE_CACHE=report says on stderr which of the two happened.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { createRequire } = require('node:module');
const vm = require('node:vm');

const bundle = path.join(__dirname, '..', 'dist', 'bundle', 'netcaster.cjs');
// V8 caches what one run compiled: import runs code that a build never does (the feed's XML,
// downloads, HTML to Markdown), so it has a cache of its own (scripts/bundle.mjs makes both).
const command = process.argv[2];
const cacheFile = `${bundle}${command === 'import' ? '.import' : ''}.v8-cache`;

let source;
try {
  // The bundle is ASCII only (scripts/bundle.mjs makes it so): latin1 is the same text, decoded
  // without UTF-8's validation pass over 4 MB.
  source = fs.readFileSync(bundle, 'latin1');
} catch {
  process.stderr.write(`netcaster: ${bundle} is missing: run \`npm run build\` in ${path.join(__dirname, '..')}\n`);
  process.exit(70);
}
let cachedData;
const cacheOut = process.env.NETCASTER_CODE_CACHE_OUT; // set by scripts/bundle.mjs alone, to make the cache
if (!cacheOut) {
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // no cache: compiled as usual
  }
}

// The same parameters as Node's own CommonJS wrapper, plus the URL that `import.meta.url` stands for in the bundle.
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __netcasterUrl) {${source}\n})`, {
  filename: bundle,
  cachedData,
});
if (process.env.NETCASTER_CODE_CACHE === 'report')
  process.stderr.write(`netcaster: code cache ${!cachedData ? 'missing' : script.cachedDataRejected ? 'rejected' : 'used'}\n`);
if (cacheOut) process.once('exit', () => fs.writeFileSync(cacheOut, script.createCachedData()));

// The short commands raise V8's interrupt budget once they find a burst of work ahead, not here
// (src/commands/v8-flags.ts, beforeBurst): V8 stamps a code cache with its flags, and this one was
// checked against (and made with) the defaults.
const module_ = { exports: {} };
script.runInThisContext()(module_.exports, createRequire(bundle), module_, bundle, path.dirname(bundle), pathToFileURL(bundle).href);
