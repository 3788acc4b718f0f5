// netcaster build [DIR] --out OUT [--base-url URL] [--media-base-url URL]
// Exit 0: site written; 1: the show has problems (OUT left as it was); 2: bad usage.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { checkShowBrief, type BriefCheck } from '../catalog/check-show.js';
import { fileInFolder, realpathOr } from '../catalog/files.js';
import type { LoadedShow } from '../show/load.js';
import { READ_LIMITS } from '../show/show-file.js';
import { HashFailed, IntegrityHashes } from '../catalog/integrity.js';
import { MediaPool } from '../media/pool.js';
import { lockProblemsAt, recordPublished, withBaseUrlFlag } from '../catalog/lock.js';
import { nextRelease, publishedEpisodes } from '../catalog/status.js';
import type { Catalog, CatalogBrief, EpisodeBrief } from '../contract/catalog.js';
import { packageRoot, publicDir } from '../paths.js';
import { checkOutDir, describeWriteError, OutDirBusy, OutDirRefused, removeKilledStages } from '../site/out-dir.js';
// Type only: export.js is loaded when there is something to write (the warm path stays light).
import type { ExportInterrupted } from '../site/export.js';
import { episodeUrl, feedUrl } from '../contract/urls.js';
import type { SiteOptions } from '../contract/site-options.js';
import { podcastGuid } from '../catalog/feed-guid.js';
import { printProblems } from './problem-groups.js';
import { visible } from './terminal.js';
import type { CommandContext } from './context.js';
import { beforeBurst } from './v8-flags.js';

/** Files a build probes on its own thread before it hands probes to workers (issue 12: cold start). */
const PROBE_HERE = 1000;

const usage = 'usage: netcaster build [DIR] --out OUT [--base-url URL] [--media-base-url URL]';

/** Where generated artwork is kept between builds: the site pipeline's (light to import). */
export { artworkCacheDir } from '../site/pipeline.js';
import { artworkCacheDir } from '../site/pipeline.js';

export async function run({ dir, options, now }: CommandContext): Promise<number> {
  const out = typeof options.out === 'string' && options.out !== '' ? options.out : undefined;
  const baseUrlFlag = typeof options['base-url'] === 'string' ? options['base-url'] : undefined;
  const mediaBaseUrl = typeof options['media-base-url'] === 'string' ? options['media-base-url'] : undefined;
  if (!out) return usageError('--out OUT is required: the folder to write the site into');
  const refused = refuseOutDir('build', out, dir);
  if (refused !== undefined) return refused;

  // One set of workers for the whole build: they hash the alternates from the moment the manifests
  // are read, while this thread probes (see pool.ts). A show of up to PROBE_HERE files starts no
  // worker to probe: for hundreds of MP3s the workers' start-up costs more than probing them here.
  const workers = new MediaPool(undefined, { probeHereUpTo: PROBE_HERE });
  try {
    return await checkAndBuild(dir, { out, baseUrlFlag, mediaBaseUrl, workers, now });
  } finally {
    await workers.close();
  }
}

async function checkAndBuild(
  dir: string,
  options: { out: string; baseUrlFlag?: string; mediaBaseUrl?: string; workers: MediaPool; now: Date },
): Promise<number> {
  const { out, baseUrlFlag, mediaBaseUrl, workers, now } = options;
  const hashes = new IntegrityHashes(dir, workers);
  let artworkMade: Promise<void> | undefined;
  const checked = await checkShowBrief(dir, {
    baseUrl: baseUrlFlag,
    workers,
    beforeFreshCheck: beforeBurst,
    onShowManifest: (show) => {
      artworkMade = prepareShowArtwork(show);
    },
    onManifests: (loaded) => hashes.hashFromManifests(loaded),
  });
  const { brief } = checked;
  const problems = [...checked.problems, ...withBaseUrlFlag(lockProblemsAt(checked.lock, now), baseUrlFlag)];
  const publishable = brief && !problems.some((p) => p.level === 'error');
  const baseUrl = brief && (baseUrlFlag ?? brief.show.baseUrl)?.replace(/\/+$/, '');
  // artworkMade: the show was read afresh, and its whole catalog is at hand.
  if (artworkMade && publishable && baseUrl) await renderNotesAhead(await checked.catalog(), { baseUrl, mediaBaseUrl, now });
  await artworkMade;
  if (!publishable) {
    printProblems(problems, process.stderr);
    process.stderr.write(`\nnetcaster build: not publishing ${dir}: fix the errors above (${out} was not changed)\n`);
    return 1;
  }
  if (problems.length) printProblems(problems, process.stderr);
  if (!baseUrl) return usageError('no base URL: pass --base-url URL or set baseUrl in show.yaml (feeds need absolute URLs)');

  let result;
  try {
    result = await buildSite(brief, checked, { out, baseUrl, mediaBaseUrl, now, hashes });
  } catch (err) {
    if (err instanceof OutDirRefused) return usageError(err.message);
    if ((err as Error)?.name === 'ExportInterrupted') {
      const { message, signal } = err as ExportInterrupted;
      process.stderr.write(`\nnetcaster build: ${message}; ${out} was left as it was\n`);
      return signal === 'SIGINT' ? 130 : 143;
    }
    if (err instanceof OutDirBusy) {
      process.stderr.write(`netcaster build: ${err.message}\n`);
      return 1;
    }
    // By name, as ExportInterrupted: export.js is loaded only when there is something to write.
    if (err instanceof ShowChanged || (err as Error)?.name === 'FileChanged') {
      process.stderr.write(
        `netcaster build: ${(err as Error).message}; ${out} was left as it was: build again once the show's files stay put.\n`,
      );
      return 1;
    }
    if (err instanceof HashFailed) {
      process.stderr.write(`netcaster build: ${err.message}. ${out} was left as it was: build again once the show's files stay put.\n`);
      return 1;
    }
    const why = describeWriteError(err);
    if (why === undefined) throw err;
    process.stderr.write(`netcaster build: cannot write the site to ${out}: ${why}. ${out} was left as it was.\n`);
    return 1;
  }
  // Only once the site is out: from now on these guids and feed URLs are promises to subscribers.
  recordPublished(dir, brief, { baseUrl, now, findings: checked.lock });
  process.stdout.write(`${visible(result.summary)}\n`);
  return 0;
}

/**
 * Renders the notes of the published episodes while the show artwork's copies are still being
 * made on sharp's threads (prepareShowArtwork): the pages and the feed then find them rendered
 * (renderNotes keeps them). Those copies were the last thing a cold build of 300 episodes waited
 * for, some 50 ms, and the notes some 30 ms of its pages' rendering (issue 12). Not for a show
 * with more published episodes than renderNotes keeps: the first would be let go before their
 * pages were rendered.
 */
async function renderNotesAhead(catalog: Catalog | undefined, options: SiteOptions): Promise<void> {
  if (!catalog) return;
  const { KEPT_NOTES, renderNotes } = await import('../notes/markdown.js');
  const published = publishedEpisodes(catalog, options.now);
  if (published.length > KEPT_NOTES) return;
  for (const episode of published) if (episode.notesMarkdown) renderNotes(episode.notesMarkdown, episodeUrl(options, episode));
}

/**
 * Starts making the show artwork's copies (src/artwork/variants.ts, prepareVariants) as soon as
 * show.yaml is read, while the check reads the episodes' manifests and probes the media: a cold
 * build otherwise made them only after (issue 12: sharp's copies were some 200 ms of a cold build's
 * wall time, waited for once the probing was done). Only a regular file inside the show is read
 * (files.ts); whatever is wrong with it, the check reports.
 */
function prepareShowArtwork(loaded: Pick<LoadedShow, 'dir' | 'manifest'>): Promise<void> | undefined {
  const name = loaded.manifest?.artwork;
  if (!name) return undefined;
  const found = fileInFolder(loaded.dir, realpathOr(loaded.dir), name, READ_LIMITS.artwork);
  if ('message' in found) return undefined;
  return import('../artwork/variants.js').then(
    ({ prepareVariants }) => prepareVariants(found.path, artworkCacheDir(), name),
    () => undefined,
  );
}

/** Checked catalog -> artwork variants, pages, (hashes ->) feeds -> files in OUT. */
async function buildSite(
  brief: CatalogBrief,
  checked: Pick<BriefCheck, 'fingerprint' | 'catalog'>,
  options: { out: string; baseUrl: string; mediaBaseUrl?: string; now: Date; hashes: IntegrityHashes },
): Promise<{ episodes: number; files: number; summary: string }> {
  const { now } = options;
  const published = publishedEpisodes(brief, now);
  const next = nextRelease(brief, now);
  const tail = next ? ` (next scheduled episode: ${next.toISOString()}; build again then)` : '';
  const plural = published.length === 1 ? '' : 's';

  // A rebuild of an unchanged show writes byte-identical files; better still, it need not write at
  // all. The stamp says what OUT was built from; when it matches, OUT is already this build (and
  // the brief was all this build read of the check).
  const stamp = buildStamp(brief, published, { ...options, fingerprint: checked.fingerprint });
  const stampFile = path.join(options.out, STAMP_FILE);
  if (readText(stampFile) === stamp) {
    // Nothing to write; what a build killed outright left beside OUT still goes (out-dir.ts).
    removeKilledStages(realpathOr(options.out));
    return {
      episodes: published.length,
      files: 0,
      summary: `${brief.show.title}: ${published.length} episode${plural} published, ${path.resolve(options.out)} is up to date${tail}`,
    };
  }
  beforeBurst(); // a site to write (commands/v8-flags.ts)
  const catalog = await checked.catalog();
  if (!catalog) throw new ShowChanged('the show changed while it was read, and cannot be published now');

  // The alternates are hashed on the workers while this thread renders the pages: only the feeds
  // need the hashes. The renderers load only when there is something to render.
  const hashed = options.hashes.apply(catalog);
  hashed.catch(() => undefined); // awaited below; a failure before then must not go unhandled
  const [{ SitePipeline }, { renderErrorPage }, { exportSite }, { addFeeds }] = await Promise.all([
    import('../site/pipeline.js'),
    import('../pages/error-page.js'),
    import('../site/export.js'),
    import('../site/routes.js'),
  ]);
  const siteOptions = { baseUrl: options.baseUrl, mediaBaseUrl: options.mediaBaseUrl, now };
  // The same pipeline as serve's; the export renders every page as it writes it.
  const { site, mapOptions } = await new SitePipeline({ report: (problem) => printProblems([problem], process.stderr) }).site(catalog, {
    ...siteOptions,
    downloadLinks: 'attribute',
    feeds: false,
  });
  site.set('/404.html', {
    kind: 'content',
    contentType: 'text/html; charset=utf-8',
    body: renderErrorPage(404, 'There is nothing at this address.', catalog, siteOptions),
  });
  site.set(`/${STAMP_FILE}`, { kind: 'content', contentType: 'text/plain; charset=utf-8', body: stamp });
  const feeds = hashed.then((hashedCatalog) => addFeeds(new Map(), hashedCatalog, mapOptions));
  const { files } = await exportSite(site, options.out, feeds);
  const summary = `Built ${catalog.show.title}: ${published.length} episode${plural} published, ${files} files written to ${path.resolve(options.out)}${tail}`;
  return { episodes: published.length, files, summary };
}

/**
 * The whole catalog, read after the brief said OUT is out of date, is not there: the snapshot was
 * gone, and the show read again could not be published (it changed meanwhile).
 */
class ShowChanged extends Error {}

/** Written into OUT: a digest of everything the site is made from. */
const STAMP_FILE = '.netcaster-build';

/**
 * Everything that decides OUT's bytes: the published episodes, the show, the URLs, netcaster's own
 * version, code and page assets. Not the clock: a scheduled episode coming due changes
 * `published`, and so the stamp.
 * The check's fingerprint stands for every episode's files, so the episodes are named by their
 * slugs rather than hashed whole: a rebuild of an unchanged big show does no per-episode hashing
 * (issue 12).
 */
function buildStamp(
  catalog: CatalogBrief,
  published: readonly EpisodeBrief[],
  options: { baseUrl: string; mediaBaseUrl?: string; now: Date; fingerprint: string },
): string {
  // Each feed's podcast:guid as the feed renders it (rss.ts): the first build records the derived
  // one in netcaster.lock, and the next build must not take that for a change and write it all again.
  const feeds = catalog.show.feeds.map((f) => ({ ...f, guid: f.guid ?? podcastGuid(feedUrl(options, f)) }));
  const assets = ['style.css', 'player.js'].map((name) => {
    const st = fs.statSync(path.join(publicDir, name), { throwIfNoEntry: false });
    return st ? `${name}:${st.size}:${st.mtimeMs}` : name;
  });
  const version = readText(path.join(packageRoot, 'package.json'));
  // And the code that renders it, by its file's size and time: a netcaster built again from newer
  // code (a \`git pull\`, the same version number) took OUT for up to date and kept the old pages.
  const running = fs.statSync(fileURLToPath(import.meta.url), { throwIfNoEntry: false });
  const code = running ? `${running.size}:${running.mtimeMs}` : undefined;
  const hash = createHash('sha256').update(
    JSON.stringify({
      show: { ...catalog.show, feeds },
      fingerprint: options.fingerprint,
      published: published.map((e) => e.slug),
      baseUrl: options.baseUrl,
      mediaBaseUrl: options.mediaBaseUrl,
      assets,
      version,
      code,
    }),
  );
  return `netcaster build ${hash.digest('hex')}\n`;
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The guard on OUT (src/site/out-dir.ts), run before the show is read so a refusal costs nothing:
 * the exit code when OUT must not be written (2, with the reason on stderr), else undefined.
 * `publish-due` runs it too, with its own name in the message.
 */
export function refuseOutDir(command: string, out: string, showDir: string): number | undefined {
  try {
    checkOutDir(out, showDir);
    return undefined;
  } catch (err) {
    const machine = err instanceof OutDirRefused ? undefined : describeWriteError(err); // a folder it may not read, say
    if (!(err instanceof OutDirRefused) && machine === undefined) throw err;
    process.stderr.write(
      `netcaster ${command}: ${machine === undefined ? (err as Error).message : `cannot use --out ${out}: ${machine}`}\n`,
    );
    return 2;
  }
}

function usageError(message: string): number {
  process.stderr.write(`netcaster build: ${message}\n${usage}\n`);
  return 2;
}
