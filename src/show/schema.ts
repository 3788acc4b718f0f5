// Descriptions read after "must be" in problem messages, so they start in lower case.
// The schema of show.yaml and episode.yaml: one source for the TypeScript types, the validator
// and the JSON Schema files in schema/ that editors use (`npm run schema` writes them; a test
// keeps them in step). The shape is documented in docs/show-folder.md.
// The one module that imports TypeBox (the manifests' schema, its error list, its compiled checks).
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value, type ValueError } from '@sinclair/typebox/value';

/** Format names are the usual file-type names: mp3, m4a, m4v, mp4, webm, ogg, opus, ... */
const FormatName = Type.String({ pattern: '^[a-z0-9]+$', description: 'a file-type name such as mp3, m4v, webm' });
// No whitespace and no control characters (C0, DEL, C1): they are never part of a URL as written,
// and XML 1.0 cannot carry most of them. src/show/urls.ts judges the rest in code.
const Url = Type.String({ pattern: '^https?://[^\\s\\u0000-\\u001f\\u007f-\\u009f]+$', description: 'an absolute http(s) URL' });
/** The site's base URL: every URL of the site is it plus a path, so no query, fragment or credentials. */
const BaseUrl = Type.String({
  pattern: '^https?://[^\\s/?#@\\u0000-\\u001f\\u007f-\\u009f]+(/[^\\s?#\\u0000-\\u001f\\u007f-\\u009f]*)?$',
  description: 'an absolute http(s) URL with no query (?), fragment (#), user name or control characters, e.g. https://example.com',
});
/** A podcast:guid (https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/tags/guid.md): a UUID. */
const PodcastGuid = Type.String({ pattern: '^[0-9a-fA-F-]{36}$', description: 'a UUID such as 917393e3-1b1e-5cef-ace4-edaa54e1f810' });
const strict = { additionalProperties: false } as const;

const Person = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    role: Type.Optional(Type.String()),
    group: Type.Optional(Type.String()),
    img: Type.Optional(Url),
    href: Type.Optional(Url),
  },
  strict,
);

const Feed = Type.Object(
  {
    title: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    enclosure: FormatName,
    alternates: Type.Optional(Type.Array(FormatName)),
    // One feed, one podcast:guid: by default the UUIDv5 of the feed's URL, kept in netcaster.lock once published.
    guid: Type.Optional(PodcastGuid),
    // Only the newest N episodes (as Podlove's feed limit): apps and directories time out on feeds
    // of thousands of items; an archive feed that lists every episode is another entry without it.
    limit: Type.Optional(
      Type.Integer({ minimum: 1, description: 'a whole number of 1 or more (how many of the newest episodes the feed lists)' }),
    ),
  },
  strict,
);

/** Settings of `netcaster encode` (src/encode/settings.ts holds the defaults and their reasons). */
const Encode = Type.Object(
  {
    loudness: Type.Optional(
      Type.Number({ minimum: -40, maximum: -5, description: 'a loudness target in LUFS, e.g. -16 (a mono output gets 3 LU less)' }),
    ),
    truePeak: Type.Optional(Type.Number({ minimum: -9, maximum: 0, description: 'a true-peak ceiling in dBTP, e.g. -1' })),
    formats: Type.Optional(Type.Array(FormatName, { minItems: 1 })),
  },
  strict,
);

export const ShowManifest = Type.Object(
  {
    title: Type.String({ minLength: 1 }),
    description: Type.String({ minLength: 1 }),
    author: Type.String({ minLength: 1 }),
    // BCP 47 (RFC 5646), loosely: a primary subtag and optional subtags.
    language: Type.String({ pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$', description: 'a BCP 47 language tag, e.g. en or en-US' }),
    baseUrl: Type.Optional(BaseUrl),
    artwork: Type.String({ minLength: 1, description: 'an image file in the show folder: square JPEG or PNG, 1400-3000 px, RGB' }),
    owner: Type.Optional(
      Type.Object({ name: Type.String({ minLength: 1 }), email: Type.String({ pattern: '^[^@\\s]+@[^@\\s]+$' }) }, strict),
    ),
    categories: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    explicit: Type.Optional(Type.Boolean()),
    type: Type.Optional(Type.Union([Type.Literal('episodic'), Type.Literal('serial')])),
    copyright: Type.Optional(Type.String()),
    // The podcast:guid of a show with one feed; with several, each feed's own `guid` (see Feed).
    guid: Type.Optional(PodcastGuid),
    locked: Type.Optional(Type.Boolean()),
    funding: Type.Optional(Type.Array(Type.Object({ url: Url, text: Type.String({ maxLength: 128 }) }, strict))),
    persons: Type.Optional(Type.Array(Person)),
    hub: Type.Optional(Type.Union([Url, Type.Array(Url)], { description: 'the URL of a WebSub hub, or a list of them' })),
    // additionalProperties: a key that breaks the pattern is refused, not left unchecked (TypeBox's default).
    feeds: Type.Record(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]*$' }), Feed, { minProperties: 1, additionalProperties: false }),
    encode: Type.Optional(Encode),
  },
  { ...strict, $id: 'https://netcaster.dev/schema/show.schema.json', title: 'netcaster show.yaml' },
);
export type ShowManifest = Static<typeof ShowManifest>;

export const EpisodeManifest = Type.Object(
  {
    title: Type.String({ minLength: 1 }),
    // ISO 8601 with a time zone, so the publication moment is unambiguous.
    date: Type.String({
      pattern: '^\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})$',
      description: 'a publication time with a time zone, e.g. 2014-09-01T18:00:00-04:00',
    }),
    number: Type.Optional(Type.Integer({ minimum: 0 })),
    season: Type.Optional(Type.Integer({ minimum: 1 })),
    type: Type.Optional(Type.Union([Type.Literal('full'), Type.Literal('trailer'), Type.Literal('bonus')])),
    explicit: Type.Optional(Type.Boolean()),
    image: Type.Optional(Type.String({ minLength: 1 })),
    summary: Type.String({ minLength: 1 }),
    guid: Type.Optional(Type.String({ minLength: 1 })),
    draft: Type.Optional(Type.Boolean()),
    // Absent while only a master exists: `netcaster encode` writes it once its outputs pass check.
    // additionalProperties: `MP3:` is refused, not passed by check and left out of every feed.
    media: Type.Optional(Type.Record(FormatName, Type.String({ minLength: 1 }), { minProperties: 1, additionalProperties: false })),
    master: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'the recording in the episode folder that `netcaster encode` makes the formats from; never published',
      }),
    ),
    chapters: Type.Optional(
      Type.String({ minLength: 1, description: 'a Podcast Index JSON chapters file in the episode folder (default chapters.json)' }),
    ),
    transcript: Type.Optional(
      Type.String({ minLength: 1, description: 'a WebVTT or SRT file in the episode folder (default transcript.vtt or transcript.srt)' }),
    ),
    links: Type.Optional(Type.Array(Type.Object({ title: Type.String({ minLength: 1 }), url: Url }, strict))),
  },
  { ...strict, $id: 'https://netcaster.dev/schema/episode.schema.json', title: 'netcaster episode.yaml' },
);
export type EpisodeManifest = Static<typeof EpisodeManifest>;

/** The JSON Schema documents, as written to schema/. */
export const jsonSchemas: Record<string, TSchema> = {
  'show.schema.json': ShowManifest,
  'episode.schema.json': EpisodeManifest,
};

/** What is wrong with a manifest that failed its compiled check: one message per field (a union reports each branch). */
export function schemaErrors(schema: 'ShowManifest' | 'EpisodeManifest', data: unknown): { field?: string; message: string }[] {
  const errors: { field?: string; message: string }[] = [];
  const seen = new Set<string>();
  for (const e of Value.Errors(schema === 'ShowManifest' ? ShowManifest : EpisodeManifest, data)) {
    const field = e.path.split('/').slice(1).join('.');
    if (seen.has(field)) continue;
    seen.add(field);
    errors.push({ field: field || undefined, message: describe(e) });
  }
  return errors;
}

function describe(e: ValueError): string {
  const got = e.value === undefined ? '' : `, got ${JSON.stringify(e.value)}`;
  const schema = e.schema as TSchema & { anyOf?: TSchema[]; description?: string; const?: unknown };
  if (e.message === 'Unexpected property') return 'unknown key (a typo?)';
  if (e.message === 'Expected required property') return 'is required';
  if (schema.anyOf?.every((s) => s.const !== undefined)) {
    return `must be one of ${schema.anyOf.map((s) => String(s.const)).join(', ')}${got}`;
  }
  if (schema.description) return `must be ${schema.description}${got}`;
  return `${lowerFirst(e.message)}${got}`;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** A schema as plain JavaScript that tests a value against it (TypeBox's TypeCompiler), for manifest-checks.ts. */
export function compiledCheckCode(schema: TSchema): string {
  // TypeCompiler's TypeScript output is not valid TypeScript (it annotates for-of variables), so
  // the JavaScript output goes into a file the compiler does not type-check.
  return `(() => {\n${TypeCompiler.Code(schema, [], { language: 'javascript' })}\n})()`;
}
