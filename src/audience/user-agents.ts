// Naming the app and device behind a User-Agent, and telling bots and duplicates apart.
//
// Rules come in the shape of the OPAWG user-agents-v2 lists
// (https://github.com/opawg/user-agents-v2: apps.json, bots.json, browsers.json, libraries.json,
// devices.json; each `{ "entries": [{ "user_agents": [regex...], "app"?, "device"?, "os"?,
// "bot"? ... }] }`), so that those lists can be dropped into $NETCASTER_USER_AGENTS_DIR as they
// are (docs/how-we-count.md). Without them netcaster uses its own short rules (ua-rules.ts).
//
// Order of the checks, each from the IAB v2.2 filtering guidance:
// 1. an empty User-Agent is not a listener;
// 2. Apple Watch: watchOS downloads what the paired iPhone already fetched (IAB v2.1, "Apple
//    watchOS"), so a watchOS UA is a duplicate;
// 3. bots.json entries are bots;
// 4. apps, browsers and libraries name the app (an app is never a bot, whatever it looks like);
// 5. a UA no list names is a bot when it declares itself one (bot, crawler, spider, a URL...:
//    bots.ts), else it counts under "Other".
// devices.json (and an entry's own `device`) names the device.
import fs from 'node:fs';
import path from 'node:path';
import { looksLikeBot } from './bots.js';
import { ownRules, type UserAgentEntry, type UserAgentFiles } from './ua-rules.js';

interface CompiledEntry {
  patterns: RegExp[];
  app?: string;
  device?: string;
}

export interface UserAgentRules {
  bots: CompiledEntry[];
  named: CompiledEntry[];
  devices: CompiledEntry[];
  /** Where the rules came from, for `stats` to say. */
  source: string;
}

export interface UserAgentClass {
  empty?: boolean;
  bot?: boolean;
  appleWatch?: boolean;
  app?: string;
  device?: string;
}

/** An entry's regular expressions: its `user_agents`, or the one `pattern` of an OPAWG user-agents-v2 entry. */
const patternsOf = (e: UserAgentEntry): string[] | undefined =>
  Array.isArray(e.user_agents) ? e.user_agents : typeof e.pattern === 'string' ? [e.pattern] : undefined;

/** OPAWG user-agents-v2 device categories, in the device names netcaster's own rules use. */
function deviceOf(e: UserAgentEntry): string | undefined {
  if (e.device !== undefined || e.category === undefined) return e.device;
  if (e.category === 'mobile') return /tablet|ipad/i.test(e.name ?? '') ? 'tablet' : 'phone';
  if (e.category === 'smart_tv') return 'tv';
  return e.category;
}

function compile(entries: UserAgentEntry[] | undefined): CompiledEntry[] {
  return (entries ?? []).map((e) => ({
    patterns: (patternsOf(e) ?? []).map((p) => new RegExp(p)),
    app: e.app ?? e.browser ?? e.name,
    device: deviceOf(e),
  }));
}

export function compileRules(files: UserAgentFiles, source: string): UserAgentRules {
  return {
    bots: [...compile(files.bots), ...compile(files.apps?.filter((e) => e.bot))],
    named: compile([...(files.apps ?? []).filter((e) => !e.bot), ...(files.browsers ?? []), ...(files.libraries ?? [])]),
    devices: compile(files.devices),
    source,
  };
}

const FILE_NAMES = ['apps', 'bots', 'browsers', 'libraries', 'devices'] as const;

/**
 * The OPAWG lists from `dir` when given (any of the five files; a missing one is empty), else our own.
 * Throws with the file's name when one cannot be read or is not in the expected shape.
 */
export function loadRules(dir = process.env.NETCASTER_USER_AGENTS_DIR): UserAgentRules {
  if (!dir) return compileRules(ownRules, 'netcaster built-in rules');
  const files: UserAgentFiles = {};
  for (const name of FILE_NAMES) {
    const file = path.join(dir, `${name}.json`);
    if (!fs.existsSync(file)) continue;
    try {
      const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { entries?: UserAgentEntry[] } | UserAgentEntry[];
      const entries = Array.isArray(json) ? json : json.entries;
      if (!Array.isArray(entries) || entries.some((e) => !patternsOf(e)))
        throw new Error('expected { "entries": [{ "pattern": "..." }] } (or "user_agents": [...])');
      // A pattern JavaScript cannot read is named with its file, here rather than when compiled.
      for (const e of entries) for (const p of patternsOf(e)!) new RegExp(p);
      files[name] = entries;
    } catch (err) {
      throw new Error(`${file}: ${(err as Error).message}`, { cause: err });
    }
  }
  return compileRules(files, `OPAWG user-agents-v2 lists in ${dir}`);
}

/** Per set of rules, each User-Agent's class: a server or a log sees the same few hundred UAs. */
const caches = new WeakMap<UserAgentRules, Map<string, UserAgentClass>>();

/** Classifies one User-Agent; results are remembered, per set of rules, for each distinct string. */
export function classifyUserAgent(userAgent: string, rules: UserAgentRules): UserAgentClass {
  let cache = caches.get(rules);
  if (!cache) caches.set(rules, (cache = new Map()));
  let found = cache.get(userAgent);
  if (!found) {
    found = classify(userAgent, rules);
    if (cache.size > 20_000) cache.clear();
    cache.set(userAgent, found);
  }
  return found;
}

const matches = (entry: CompiledEntry, ua: string) => entry.patterns.some((p) => p.test(ua));

function classify(ua: string, rules: UserAgentRules): UserAgentClass {
  if (ua.trim() === '' || ua === '-') return { empty: true };
  if (/watchOS\/|\(Watch;|Watch OS/i.test(ua)) return { appleWatch: true };
  if (rules.bots.some((e) => matches(e, ua))) return { bot: true };
  const named = rules.named.find((e) => matches(e, ua));
  const device = named?.device ?? rules.devices.find((e) => matches(e, ua))?.device;
  if (named) return { app: named.app, device };
  if (looksLikeBot(ua)) return { bot: true };
  return { device };
}
