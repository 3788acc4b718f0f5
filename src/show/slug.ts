// An episode folder's name (its slug, the last part of /episodes/<slug>/) from a title: plain
// lower-case ASCII words joined by hyphens, so URLs stay readable and need no escaping.
// Used by `new` and by `import`.

/** "The Mega Edition!" -> "the-mega-edition": lower-case ASCII letters, digits and dashes. */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents, split off by NFKD
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
}
