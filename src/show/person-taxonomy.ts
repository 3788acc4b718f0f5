// The roles and groups a podcast:person may have: the Podcast Index taxonomy,
// https://github.com/Podcastindex-org/podcast-namespace/blob/main/taxonomy.json (as referenced by
// docs/tags/person.md). Apps match them case-insensitively and show nothing, or the wrong credit,
// for any other value. Written out here by group; the defaults when a person names neither are
// group "cast" and role "host".

const taxonomy: Record<string, string[]> = {
  'Creative Direction': [
    'Director',
    'Assistant Director',
    'Executive Producer',
    'Senior Producer',
    'Producer',
    'Associate Producer',
    'Development Producer',
    'Creative Director',
  ],
  Cast: ['Host', 'Co-Host', 'Guest Host', 'Guest', 'Voice Actor', 'Narrator', 'Announcer', 'Reporter'],
  Writing: [
    'Author',
    'Editorial Director',
    'Co-Writer',
    'Writer',
    'Songwriter',
    'Guest Writer',
    'Story Editor',
    'Managing Editor',
    'Script Editor',
    'Script Coordinator',
    'Researcher',
    'Editor',
    'Fact Checker',
    // The taxonomy file spells it "Translater"; both spellings are accepted.
    'Translator',
    'Translater',
    'Transcriber',
    'Logger',
  ],
  'Audio Production': [
    'Studio Coordinator',
    'Technical Director',
    'Technical Manager',
    'Audio Engineer',
    'Remote Recording Engineer',
    'Post Production Engineer',
  ],
  'Audio Post-Production': [
    'Audio Editor',
    'Sound Designer',
    'Foley Artist',
    'Composer',
    'Theme Music',
    'Music Production',
    'Music Contributor',
  ],
  Administration: [
    'Production Coordinator',
    'Booking Coordinator',
    'Production Assistant',
    'Content Manager',
    'Marketing Manager',
    'Sales Representative',
    'Sales Manager',
  ],
  Visuals: ['Graphic Designer', 'Cover Art Designer'],
  Community: ['Social Media Manager'],
  'Misc.': ['Consultant', 'Intern'],
  'Video Production': ['Camera Operator', 'Lighting Designer', 'Camera Grip', 'Assistant Camera'],
  'Video Post-Production': ['Editor', 'Assistant Editor'],
};

const key = (s: string) => s.trim().toLowerCase();
const groups = new Map(Object.entries(taxonomy).map(([group, roles]) => [key(group), { group, roles: new Set(roles.map(key)) }]));

/** The groups a role belongs to, by their taxonomy names. */
function groupsOf(role: string): string[] {
  return [...groups.values()].filter((g) => g.roles.has(key(role))).map((g) => g.group);
}

/** Why a person's role and group are not in the taxonomy, field by field (empty when they are). */
export function personTaxonomyProblems(person: { role?: string; group?: string }): { field: 'role' | 'group'; message: string }[] {
  const problems: { field: 'role' | 'group'; message: string }[] = [];
  const group = person.group === undefined ? undefined : groups.get(key(person.group));
  if (person.group !== undefined && !group) {
    problems.push({
      field: 'group',
      message: `"${person.group}" is not a group of the Podcast Index person taxonomy (one of: ${Object.keys(taxonomy).join(', ')})`,
    });
  }
  if (person.role === undefined) return problems;
  const homes = groupsOf(person.role);
  if (homes.length === 0) {
    problems.push({
      field: 'role',
      message: `"${person.role}" is not a role of the Podcast Index person taxonomy (such as Host, Co-Host, Guest, Producer, Editor)`,
    });
  } else if (group ? !group.roles.has(key(person.role)) : !homes.includes('Cast')) {
    // Without a group, the spec's default group is "cast".
    const where = group ? `the group "${person.group}"` : 'the default group "cast"';
    problems.push({
      field: 'role',
      message: `"${person.role}" is not a role of ${where} in the Podcast Index person taxonomy: set group to ${homes.map((g) => `"${g}"`).join(' or ')}`,
    });
  }
  return problems;
}
