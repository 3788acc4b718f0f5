// The import's report (what came over, what was mended, what could not come) and the migration
// checklist that ends it: what the podcaster does on the old host so that no subscriber notices
// the move.
import type { ShowManifest } from '../show/schema.js';
import type { SourceFeed } from './feed.js';

/** One line of the import report: where (channel, an item, a file) and what. */
export interface ReportLine {
  where: string;
  message: string;
}

export interface ImportReport {
  source: string;
  feedUrl: string;
  feedName?: string;
  format?: string;
  moves: string[];
  /** What was mended in the XML and the values. */
  fixed: ReportLine[];
  /** What has no place in netcaster, or could not be brought over. */
  notImported: ReportLine[];
  /** Episodes that could not be imported this time (a run later picks them up). */
  failed: ReportLine[];
  imported: string[];
  merged: string[];
  unchanged: number;
  checklist: string[];
}

/** What the podcaster does next: the new feed URL, the redirect and itunes:new-feed-url on the old host, what is left to fix. */
export function checklist(
  report: ImportReport,
  manifest: ShowManifest | undefined,
  feedName: string,
  oldUrl: string,
  feed: SourceFeed,
): string[] {
  const lines: string[] = [];
  const base = manifest?.baseUrl;
  const newUrl = base ? `${base.replace(/\/+$/, '')}/feeds/${feedName}.xml` : undefined;
  if (!base)
    lines.push(
      `Set baseUrl in show.yaml to the address where the show will live (or import with --base-url); the new feed is then <baseUrl>/feeds/${feedName}.xml.`,
    );
  else
    lines.push(
      `The new feed: ${newUrl}${newUrl === (feed.selfUrl ?? oldUrl) ? ' (the same URL as before: subscribers need nothing)' : ''}`,
    );
  if (newUrl !== (feed.selfUrl ?? oldUrl)) {
    lines.push(
      `On the old host, set <itunes:new-feed-url>${newUrl ?? '<the new feed URL>'}</itunes:new-feed-url> in ${feed.selfUrl ?? oldUrl}.`,
    );
    lines.push(
      `Answer the old feed URL ${feed.selfUrl ?? oldUrl} with a 301 redirect to the new one, and keep it until subscribers have moved (months, not days).`,
    );
    lines.push(
      'Publish the new site (netcaster build --out, or netcaster serve) before redirecting, and tell Apple Podcasts, Spotify and the Podcast Index if they do not pick up the move on their own.',
    );
  }
  if (report.failed.length)
    lines.push(`${report.failed.length} episode file(s) could not be fetched this time: run the same import again to continue.`);
  if (report.notImported.length) lines.push(`${report.notImported.length} thing(s) could not be imported: see "Not imported" above.`);
  return lines;
}
