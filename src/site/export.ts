// The static export: a SiteMap written out as files any web server or CDN can serve.
// Built in a sibling temporary folder and swapped into place with renames, so a failure (a file
// gone, a full disk) leaves the previous output as it was, and a visitor never sees half a site.
//
// The file system calls are synchronous: a show of 300 episodes is a few thousand small writes
// and links, each cheaper than a round trip through libuv's thread pool, and `build` has nothing
// else to do meanwhile.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { renderErrorPage } from '../pages/error-page.js';
import { publicDir } from '../paths.js';
import type { SiteEntry, SiteMap } from './types.js';

/** The file an URL path is written to: '/' -> index.html, '/episodes/x/' -> episodes/x/index.html. */
export function fileForUrlPath(urlPath: string): string {
  if (!urlPath.startsWith('/')) throw new Error(`site path must start with "/": ${urlPath}`);
  const segments = urlPath.slice(1).split('/');
  if (segments[segments.length - 1] === '') segments[segments.length - 1] = 'index.html';
  const decoded = segments.map((s) => {
    const name = decodeURIComponent(s);
    // The catalog only makes paths from folder and file names; anything that could climb out of
    // the output folder is a fault of the program, not something to write.
    if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) throw new Error(`unsafe site path: ${urlPath}`);
    return name;
  });
  return path.join(...decoded);
}

/**
 * Writes every entry of the site under outDir, plus 404.html for static hosts (GitHub Pages,
 * Netlify, nginx `error_page`) unless the site has its own '/404.html'.
 * Files (media, artwork) are hard-linked where the file system allows, else copied.
 * `later`, when given, brings more entries to write before the swap: a build's feeds, which wait
 * for the hashes of the alternates while everything else is already being written.
 */
export async function exportSite(site: SiteMap, outDir: string, later?: Promise<SiteMap>): Promise<{ files: number }> {
  const out = path.resolve(outDir);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${randomBytes(6).toString('hex')}`;
  const entries = [...site.entries()];
  if (!site.has('/404.html')) entries.push(['/404.html', { kind: 'content', contentType: 'text/html; charset=utf-8', body: renderErrorPage(404, 'There is nothing at this address.') }]);
  let files = 0;
  later?.catch(() => undefined); // awaited after the writes; should those fail first, its failure must not go unhandled
  try {
    fs.mkdirSync(tmp);
    const folders = new Set<string>([tmp]);
    const write = (batch: [string, SiteEntry][]) => {
      // Sorted so directories are made in a stable order; each write is independent of the others.
      batch.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [urlPath, entry] of batch) {
        const file = path.join(tmp, fileForUrlPath(urlPath));
        const folder = path.dirname(file);
        if (!folders.has(folder)) {
          fs.mkdirSync(folder, { recursive: true });
          folders.add(folder);
        }
        writeEntry(file, entry);
        files++;
      }
    };
    write(entries);
    if (later) write([...(await later).entries()]);
    swapInto(tmp, out);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return { files };
}

function writeEntry(file: string, entry: SiteEntry): void {
  if (entry.kind === 'content') return fs.writeFileSync(file, entry.body);
  try {
    fs.linkSync(entry.path, file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // EXDEV: another file system; EPERM/ENOTSUP/EMLINK: links not allowed there. Copy instead.
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK' && code !== 'EACCES') {
      throw new Error(`cannot export ${entry.path}: ${(err as Error).message}`, { cause: err });
    }
    fs.copyFileSync(entry.path, file);
  }
}

/** tmp -> out with renames: the old out is moved aside first and put back if the swap fails. */
function swapInto(tmp: string, out: string): void {
  let old: fs.Stats | undefined;
  try {
    old = fs.lstatSync(out);
  } catch {
    return fs.renameSync(tmp, out);
  }
  if (!old.isDirectory()) throw new Error(`${out} exists and is not a folder; not replacing it`);
  const aside = `${out}.old-${randomBytes(6).toString('hex')}`;
  fs.renameSync(out, aside);
  try {
    fs.renameSync(tmp, out);
  } catch (err) {
    fs.renameSync(aside, out);
    throw err;
  }
  fs.rmSync(aside, { recursive: true, force: true });
}

/** The text files of public/ (style sheet, player script) for buildSiteMap's publicFiles. */
export async function readPublicFiles(dir: string = publicDir): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of fs.readdirSync(dir).sort()) {
    if (/\.(css|js|svg|txt|webmanifest)$/.test(name)) files[name] = fs.readFileSync(path.join(dir, name), 'utf8');
  }
  return files;
}
