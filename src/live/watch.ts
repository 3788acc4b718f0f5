// The live loop behind `serve`: scan the show every few seconds, take what is good and settled
// (live-catalog.ts), and hand the result to the server whenever what listeners see changes, be it
// through an edit or through the clock reaching a scheduled episode's date.
// The only module importing node-cron. Its every-minute job is the same re-derivation that
// `netcaster publish-due` runs by hand (or from a system cron) for static sites.
import { createHash } from 'node:crypto';
import cron from 'node-cron';
import { HashFailed, withIntegrity } from '../catalog/integrity.js';
import { MediaPool } from '../media/pool.js';
import { checkShow, type CheckedShow } from '../catalog/check-show.js';
import { LOCK_FILE, recordPublished, withBaseUrlFlag } from '../catalog/lock.js';
import type { Catalog } from '../contract/catalog.js';
import { describeState, mergeCatalog, nextReleaseOf, publishedView, type LiveState } from './live-catalog.js';
import { FolderPrints, fingerprintFolders } from './scan.js';

export interface LiveOptions {
  /** Overrides show.yaml's baseUrl (as `--base-url` does). */
  baseUrl?: string;
  /**
   * Called with the catalog to serve (last good versions, scheduled episodes included: filter
   * with `now`, as buildRoutes does) whenever the published result changes. A throw is logged
   * and the same change is offered again at the next scan.
   */
  onChange: (catalog: Catalog, now: Date) => void | Promise<void>;
  log: (line: string) => void;
  /** The clock (tests pass a fixed one). */
  clock?: () => Date;
  /** Seconds between scans. Default 10: edits are live within 2 scans, well inside 30 s. */
  scanSeconds?: number;
  /** Seconds between the two start-up scans (a version is taken once unchanged across two scans). Default 2. */
  settleSeconds?: number;
  /**
   * A folder first seen with no file modified for this long before the scan is taken at once,
   * without the second scan (live-catalog.ts, Scan.quiet): a show on disk since before `serve`
   * started is served as soon as it is read. Default 10.
   */
  quietSeconds?: number;
  /** Record what is published in netcaster.lock (default true). */
  recordLock?: boolean;
  /** Compute SHA-256 of media for podcast:integrity (default true, as `build` does). */
  integrity?: boolean;
  /**
   * Settles once the server answers no request (or has waited long enough): the bookkeeping after
   * each publication (its key, the lock, the log lines: some 200 ms for 10,000 episodes) waits for
   * it, so that a request that came meanwhile is answered first, compressed body and all.
   */
  answered?: () => Promise<void>;
}

export interface Live {
  stop(): void;
  /** One scan and re-derivation now (what the interval runs). */
  tick(): Promise<void>;
  /** Settles after the two start-up scans: by then a good show has been handed to onChange. */
  ready: Promise<void>;
  /** The current state, for `status`-like reports. */
  state(): LiveState | undefined;
}

/** setTimeout's ceiling (about 24.8 days); a release further away is picked up by the minute job. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Fire the release timer a hair after the release time, so the clock has certainly passed it. */
const RELEASE_SLACK_MS = 5;

/** Resolves after the event loop has polled for I/O once more (two check phases: the poll phase lies between them). */
const turnOfTheLoop = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

export function startLive(showDir: string, options: LiveOptions): Live {
  const clock = options.clock ?? (() => new Date());
  const scanMs = (options.scanSeconds ?? 10) * 1000;
  const settleMs = (options.settleSeconds ?? 2) * 1000;
  const quietMs = (options.quietSeconds ?? 10) * 1000;
  const { log } = options;

  let state: LiveState | undefined;
  let publishedKey: string | undefined;
  let logged = new Set<string>();
  let announced = false;
  let stopped = false;
  let interval: NodeJS.Timeout | undefined;
  let releaseTimer: NodeJS.Timeout | undefined;
  let settleTimer: NodeJS.Timeout | undefined;
  let endSettle: (() => void) | undefined;

  // One job at a time: a scan and a timer firing together must not hand out two catalogs out of order.
  let queue: Promise<void> = Promise.resolve();
  let scanWaiting = false;
  const serial = (job: () => Promise<void>): Promise<void> => {
    const run = queue.then(() => (stopped ? undefined : job()));
    queue = run.catch(() => undefined);
    return run;
  };

  const scan = async () => {
    scanWaiting = false;
    // One set of workers per scan, started only if something needs probing or hashing.
    const media = new MediaPool();
    // File times are the machine's real clock, whatever clock the schedule runs on.
    const checkStartedMs = Date.now();
    let fresh: CheckedShow;
    // The check's own walk of the folder gives the folder prints (one walk, not two) when the
    // check read no file after it: answered from its snapshot, and nothing hashed.
    const walked = new FolderPrints();
    let readAfterWalk = true;
    try {
      fresh = await checkShow(showDir, { baseUrl: options.baseUrl, workers: media, walk: walked });
      if (fresh.catalog && (options.integrity ?? true)) fresh.catalog = await withIntegrity(fresh.catalog, showDir, media);
      readAfterWalk = !fresh.fromSnapshot || media.started;
    } finally {
      await media.close();
    }
    // Otherwise fingerprints after the check: a version is taken only if its files did not change
    // between the end of the previous scan and the end of this one, i.e. not while this check was
    // reading them.
    const lastChanged = new Map<string, number>();
    const folderFingerprints = readAfterWalk ? fingerprintFolders(showDir, lastChanged) : walked.result(lastChanged);
    const quiet = new Set<string>();
    for (const [key, ms] of lastChanged) if (ms < checkStartedMs - quietMs) quiet.add(key);
    const lockProblems = withBaseUrlFlag(fresh.lock.problems, options.baseUrl).filter(
      (p) => p.level === 'error' || p.file !== 'show.yaml' || p.field !== 'baseUrl',
    );
    // An unreadable lock (a merge conflict, a truncated file) cannot tell a published guid or feed
    // URL from a changed one: as build refuses to publish, the whole show stays at its last good
    // version (a show-level problem, logged as "waiting    show: netcaster.lock ...") until the
    // lock is restored.
    const problems = [...fresh.problems, ...lockProblems];
    state = mergeCatalog(state, { catalog: fresh.catalog, problems }, { folderFingerprints, quiet }, clock());
    await derive();
  };

  const derive = async () => {
    if (!state) return;
    const now = clock();
    const current = state;
    // Publish first, report after: the log lines of a big show take a while to write, and
    // listeners should not wait for them.
    const publish = async () => {
      const catalog = current.catalog;
      if (!catalog) return;
      // What listeners see, as one key: a scan or a tick that changes none of it publishes nothing.
      // The first publication has nothing to compare with, and its key (the text of every published
      // episode: some 70 ms for 10,000) is made once the site is live.
      const keyOfView = () =>
        createHash('sha1')
          .update(JSON.stringify(publishedView(current, now)))
          .digest('hex');
      let key: string | undefined;
      if (publishedKey !== undefined) {
        key = keyOfView();
        if (key === publishedKey) return;
      }
      try {
        await options.onChange(catalog, now);
      } catch (err) {
        log(`could not publish the new version: ${(err as Error).message}; trying again at the next scan`);
        return;
      }
      // The key, the lock and the log lines of a big show take a fifth of a second: a request that
      // came in while the site was being made is answered first. Two turns: a connection accepted in
      // one poll phase has its request read in the next; then the server says when it is done.
      await turnOfTheLoop();
      await turnOfTheLoop();
      await options.answered?.();
      publishedKey = key ?? keyOfView();
      if (options.recordLock ?? true) recordLock(catalog, now);
    };
    try {
      await publish();
    } finally {
      reportChanges(current, now);
      armReleaseTimer(current, now);
    }
  };

  const recordLock = (catalog: Catalog, now: Date) => {
    try {
      const recorded = recordPublished(showDir, catalog, { baseUrl: options.baseUrl, now });
      if (recorded.added.feeds.length) log(`${LOCK_FILE}: recorded feeds ${recorded.added.feeds.join(', ')}`);
      if (recorded.added.episodes.length) log(`${LOCK_FILE}: recorded ${recorded.added.episodes.join(', ')}`);
    } catch (err) {
      log(`could not write ${LOCK_FILE}: ${(err as Error).message}`);
    }
  };

  /** Logs the lines of describeState that are new since the last report. */
  const reportChanges = (s: LiveState, now: Date) => {
    const lines = describeState(s, now, { relative: false });
    if (s.catalog && !announced) {
      // The first time the show is served: one summary line instead of a line per back-catalog episode.
      announced = true;
      const published = publishedView(s, now).episodes.length;
      log(`serving ${s.catalog.show.title}: ${published} episode${published === 1 ? '' : 's'} published`);
      for (const line of lines) if (!line.startsWith('published') && !logged.has(line)) log(line);
    } else {
      // Before the first publication every folder is "settling" (nothing to compare with yet): not news.
      for (const line of lines) if (!logged.has(line) && (s.catalog || !line.startsWith('settling'))) log(line);
    }
    logged = new Set(lines);
  };

  const armReleaseTimer = (s: LiveState, now: Date) => {
    clearTimeout(releaseTimer);
    releaseTimer = undefined;
    const next = nextReleaseOf(s, now);
    if (!next || stopped) return;
    const delay = next.getTime() - now.getTime() + RELEASE_SLACK_MS;
    if (delay > MAX_TIMER_MS) return;
    releaseTimer = setTimeout(() => void serial(derive).catch(fault), delay);
  };

  const fault = (err: unknown) =>
    log(
      err instanceof HashFailed
        ? `waiting    ${err.message} (the next scan tries again)`
        : `internal error while scanning the show: ${(err as Error)?.message ?? String(err)}`,
    );
  const scanSerially = () => serial(scan).catch(fault);

  // The minute job: started with the interval, once start-up is over. Its first schedule costs some
  // 40 ms of this thread (node-cron's first date formatter loads ICU's time zone data), which a
  // show's first answer need not wait for; until then the release timer keeps the schedule.
  let task: ReturnType<typeof cron.schedule> | undefined;
  const startMinuteJob = () =>
    cron.schedule('* * * * *', () => serial(derive).catch(fault), {
      name: 'publish-due',
      noOverlap: true,
      logger: {
        info: () => {},
        debug: () => {},
        warn: (m) => log(`schedule: ${m}`),
        error: (m) => log(`schedule: ${m instanceof Error ? m.message : m}`),
      },
    });

  // Two scans a moment apart at start-up, so the show on disk is served within seconds, yet a
  // file still being copied at start-up is not taken.
  // When the first scan took everything (every folder quiet: a show on disk since before start-up),
  // the second has nothing to settle and is left to the interval.
  const settledAtFirst = () => state?.catalog !== undefined && state.settling.size === 0;
  const ready = scanSerially()
    .then(() =>
      settledAtFirst()
        ? undefined
        : new Promise<void>((resolve) => {
            endSettle = resolve;
            settleTimer = setTimeout(resolve, settleMs);
          }).then(() => scanSerially()),
    )
    .then(() => {
      if (stopped) return;
      task = startMinuteJob();
      interval = setInterval(() => {
        if (scanWaiting) return; // the previous scan is still waiting its turn: one is enough
        scanWaiting = true;
        void scanSerially();
      }, scanMs);
    });

  return {
    stop() {
      stopped = true;
      clearInterval(interval);
      clearTimeout(releaseTimer);
      clearTimeout(settleTimer);
      endSettle?.(); // `ready` settles even when stopped during start-up
      void task?.destroy();
    },
    tick: () => serial(scan),
    ready,
    state: () => state,
  };
}
