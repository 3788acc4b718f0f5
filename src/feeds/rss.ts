// One podcast RSS feed of a show (/feeds/<name>.xml). Pure: catalog + options -> text; no files,
// no clock (`options.now` decides what is published), so an unchanged show rebuilds byte-identical.
//
// Followed:
// - Apple: https://podcasters.apple.com/support/823-podcast-requirements
// - Podcast Index namespace: https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md
// - RSS 2.0: https://www.rssboard.org/rss-specification
import type { Catalog, Episode, EpisodeMedia, FeedDef, ImageFacts, Show } from '../contract/catalog.js';
import { podcastGuid } from '../catalog/feed-guid.js';
import { publishedEpisodes } from '../catalog/status.js';
import type { SiteOptions } from '../contract/site-options.js';
import type { ArtworkSet, ImageVariant } from '../contract/artwork.js';
import { absolute, episodeUrl, feedUrl, mediaUrl, paths } from '../contract/urls.js';
import { renderNotes } from '../notes/markdown.js';
import { APPLE_DESCRIPTION_BYTES, splitCategory } from '../show/apple-categories.js';
import { renderChapters } from './chapters-json.js';
import { renderRss, type RssItem, type XmlNode } from './podcast-adapter.js';

export type FeedOptions = SiteOptions & { artwork: ArtworkSet };

/** Namespace URIs, byte for byte as the specs give them (clients match them as strings). */
export const namespaces = {
  itunes: 'http://www.itunes.com/dtds/podcast-1.0.dtd',
  podcast: 'https://podcastindex.org/namespace/1.0',
  content: 'http://purl.org/rss/1.0/modules/content/',
  atom: 'http://www.w3.org/2005/Atom',
} as const;

export { podcastGuid, podcastGuidNamespace } from '../catalog/feed-guid.js';

// Container names for video: used only when the feed has no files yet to look at.
const videoFormats = new Set(['m4v', 'mp4', 'mov', 'webm', 'mkv', 'ogv', 'avi']);

/** podcast:medium: "video" when the feed's enclosures are video, else "podcast". */
function medium(feed: FeedDef, enclosures: EpisodeMedia[]): 'video' | 'podcast' {
  if (enclosures.length === 0) return videoFormats.has(feed.enclosure) ? 'video' : 'podcast';
  // A cover picture in an MP3 is not a video: trust the MIME the prober derived from the tracks too.
  return enclosures.some((m) => m.facts.hasVideo && m.facts.mime.startsWith('video/')) ? 'video' : 'podcast';
}

/** The artwork file itunes:image points at (the original, 1400-3000 px). */
function feedArtworkUrl(options: FeedOptions, image: ImageFacts): string {
  const variant: ImageVariant | undefined = options.artwork.get(image.path)?.find((v) => v.purpose === 'feed');
  // The artwork set is made from the same catalog; a gap is a fault of the program, not of the show.
  if (!variant) throw new Error(`no 'feed' artwork variant for ${image.path}; the artwork set must be made from this catalog`);
  return absolute(options, paths.artwork(variant.fileName));
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Plain text made safe to sit in an HTML field (RSS descriptions are read as HTML). */
const textAsHtml = (s: string) => `<p>${escapeHtml(s)}</p>`;

/**
 * Plain text for a field that some apps read as HTML and others as text: a channel's <description>
 * (RSS 2.0 allows HTML in it; gPodder's podcastparser shows it as text, podcast-partytime and the
 * Universal Feed Parser read it as HTML). Escaped whole, "News & Views" showed in gPodder as
 * "News &amp; Views". So only what HTML would read as markup is escaped: `<` before a letter,
 * `/`, `!` or `?` (a tag, a comment), and `&` before a letter, digit or `#` (a character
 * reference; some named ones need no `;`). Everything else reads the same either way.
 * https://html.spec.whatwg.org/multipage/parsing.html#data-state
 */
const textForHtmlOrText = (s: string) => s.replace(/&(?=[A-Za-z0-9#])/g, '&amp;').replace(/<(?=[A-Za-z/!?])/g, '&lt;');

/** itunes:category elements, sub-categories nested under one element per parent (Apple's form). */
function categoryElements(categories: string[]): XmlNode[] {
  const byParent = new Map<string, string[]>();
  for (const name of categories) {
    const [parent, sub] = splitCategory(name);
    const subs = byParent.get(parent) ?? [];
    if (sub !== undefined && !subs.includes(sub)) subs.push(sub);
    byParent.set(parent, subs);
  }
  return [...byParent].map(([parent, subs]) => ({
    name: 'itunes:category',
    attrs: { text: parent },
    ...(subs.length > 0 ? { children: subs.map((sub) => ({ name: 'itunes:category', attrs: { text: sub } })) } : {}),
  }));
}

function channelElements(show: Show, feed: FeedDef, options: FeedOptions, enclosures: EpisodeMedia[]): XmlNode[] {
  const artworkUrl = feedArtworkUrl(options, show.artwork);
  const home = absolute(options, paths.home());
  const elements: XmlNode[] = [
    // WebSub (https://www.w3.org/TR/websub/#discovery): hubs to which we announce updates.
    ...show.hubs.map((hub) => ({ name: 'atom:link', attrs: { href: hub, rel: 'hub' } })),
    // RSS 2.0 <image>: older readers use it; its link must be the channel's link.
    {
      name: 'image',
      children: [
        { name: 'url', text: artworkUrl },
        { name: 'title', text: feed.title },
        { name: 'link', text: home },
      ],
    },
    { name: 'itunes:image', attrs: { href: artworkUrl } },
    ...categoryElements(show.categories),
    { name: 'itunes:explicit', text: String(show.explicit) },
    { name: 'itunes:author', text: show.author },
  ];
  // Only with a real address: an empty <itunes:email> fails Apple's ownership check.
  if (show.owner) {
    elements.push({
      name: 'itunes:owner',
      children: [
        { name: 'itunes:name', text: show.owner.name },
        { name: 'itunes:email', text: show.owner.email },
      ],
    });
  }
  elements.push({ name: 'itunes:type', text: show.type });
  // Each feed its own guid (set in show.yaml, or recorded in netcaster.lock when first published,
  // so a later --base-url never changes it); else the spec's default, derived from the feed URL.
  elements.push({ name: 'podcast:guid', text: feed.guid ?? podcastGuid(feedUrl(options, feed)) });
  elements.push({ name: 'podcast:medium', text: medium(feed, enclosures) });
  if (show.locked !== undefined) {
    elements.push({ name: 'podcast:locked', attrs: { owner: show.owner?.email }, text: show.locked ? 'yes' : 'no' });
  }
  for (const funding of show.funding) elements.push({ name: 'podcast:funding', attrs: { url: funding.url }, text: funding.text });
  for (const person of show.persons) elements.push(personElement(person));
  return elements;
}

function personElement(person: Show['persons'][number]): XmlNode {
  return {
    name: 'podcast:person',
    attrs: { role: person.role, group: person.group, img: person.img, href: person.href },
    text: person.name,
  };
}

/** A short human name for an alternate file, as apps list them ("WEBM video"). */
const formatTitle = (media: EpisodeMedia) => `${media.format.toUpperCase()} ${media.facts.hasVideo ? 'video' : 'audio'}`;

/** podcast:alternateEnclosure with its source and, when known, its SRI integrity hash. */
function alternateEnclosure(options: FeedOptions, episode: Episode, media: EpisodeMedia): XmlNode {
  const children: XmlNode[] = [{ name: 'podcast:source', attrs: { uri: mediaUrl(options, episode, media) } }];
  if (media.facts.sha256) children.push({ name: 'podcast:integrity', attrs: { type: 'sri', value: media.facts.sha256 } });
  return {
    name: 'podcast:alternateEnclosure',
    attrs: {
      type: media.facts.mime,
      length: media.facts.size,
      bitrate: media.facts.bitrate === undefined ? undefined : Math.round(media.facts.bitrate),
      height: media.facts.hasVideo ? media.facts.height : undefined,
      title: formatTitle(media),
      default: 'false',
    },
    children,
  };
}

/** The other formats of an episode: the feed's listed alternates first, then any others it has. */
function alternates(feed: FeedDef, episode: Episode): EpisodeMedia[] {
  const others = episode.media.filter((m) => m.format !== feed.enclosure);
  const rank = (m: EpisodeMedia) => {
    const i = feed.alternates.indexOf(m.format);
    return i === -1 ? feed.alternates.length : i;
  };
  return [...others].sort((a, b) => rank(a) - rank(b));
}

function itemFor(catalog: Catalog, feed: FeedDef, options: FeedOptions, episode: Episode, enclosure: EpisodeMedia): RssItem {
  const pageUrl = episodeUrl(options, episode);
  const notesHtml = episode.notesMarkdown?.trim() ? renderNotes(episode.notesMarkdown, pageUrl) : textAsHtml(episode.summary);
  const elements: XmlNode[] = [{ name: 'itunes:summary', text: episode.summary }];
  if (enclosure.facts.duration !== undefined) {
    // Apple accepts whole seconds; the probed duration is the truth, not a tag in the file.
    elements.push({ name: 'itunes:duration', text: Math.round(enclosure.facts.duration) });
  }
  // Apple takes "a non-zero integer (1, 2, 3, etc.)": an episode 0 (a pilot, say) goes without one.
  if (episode.number !== undefined && episode.number > 0) elements.push({ name: 'itunes:episode', text: episode.number });
  if (episode.season !== undefined) elements.push({ name: 'itunes:season', text: episode.season });
  elements.push({ name: 'itunes:episodeType', text: episode.episodeType });
  if (episode.explicit !== undefined) elements.push({ name: 'itunes:explicit', text: String(episode.explicit) });
  if (episode.image) elements.push({ name: 'itunes:image', attrs: { href: feedArtworkUrl(options, episode.image) } });
  for (const media of alternates(feed, episode)) elements.push(alternateEnclosure(options, episode, media));
  if (renderChapters(episode) !== undefined) {
    elements.push({
      name: 'podcast:chapters',
      attrs: { url: absolute(options, paths.chapters(episode.slug)), type: 'application/json+chapters' },
    });
  }
  if (episode.transcript) {
    elements.push({
      name: 'podcast:transcript',
      attrs: {
        url: mediaUrl(options, episode, { fileName: episode.transcript.fileName }),
        type: episode.transcript.mime,
        language: catalog.show.language,
        // WebVTT and SRT carry timings: the spec's rel="captions".
        rel: 'captions',
      },
    });
  }
  return {
    title: episode.title,
    link: pageUrl,
    guid: episode.guid,
    date: new Date(episode.date),
    // Apple reads at most 4000 bytes of <description>: longer notes go whole in content:encoded
    // only, with the summary as the description.
    description: Buffer.byteLength(notesHtml) <= APPLE_DESCRIPTION_BYTES ? notesHtml : textAsHtml(episode.summary),
    contentHtml: notesHtml,
    enclosure: { url: mediaUrl(options, episode, enclosure), length: enclosure.facts.size, type: enclosure.facts.mime },
    elements,
  };
}

/** The feed `feed` of the show as RSS, listing what is published at `options.now` in its enclosure format (its newest `feed.limit`, if set). */
export function renderFeed(catalog: Catalog, feed: FeedDef, options: SiteOptions & { artwork: ArtworkSet }): string {
  const { show } = catalog;
  const listed = publishedEpisodes(catalog, options.now)
    .map((episode) => ({ episode, enclosure: episode.media.find((m) => m.format === feed.enclosure) }))
    .filter((x): x is { episode: Episode; enclosure: EpisodeMedia } => x.enclosure !== undefined)
    // Newest first whatever order the catalog came in; equal dates keep a fixed order by slug.
    .sort((a, b) => Date.parse(b.episode.date) - Date.parse(a.episode.date) || (a.episode.slug < b.episode.slug ? -1 : 1))
    // `limit: N`: the newest N only; the older ones stay on the site and in any feed without a limit.
    .slice(0, feed.limit);
  const newest = listed[0] ? new Date(listed[0].episode.date) : undefined;
  return renderRss(
    {
      title: feed.title,
      description: textForHtmlOrText(feed.description ?? show.description),
      link: absolute(options, paths.home()),
      feedUrl: feedUrl(options, feed),
      language: show.language,
      copyright: show.copyright,
      generator: 'netcaster',
      lastBuildDate: newest,
      namespaces: { itunes: namespaces.itunes },
      elements: channelElements(
        show,
        feed,
        options,
        listed.map((x) => x.enclosure),
      ),
    },
    listed.map(({ episode, enclosure }) => itemFor(catalog, feed, options, episode, enclosure)),
  );
}
