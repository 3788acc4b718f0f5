// What every builder of the site is given besides the catalog: where the site lives, and when
// "now" is (what is published depends on the clock, which is passed in so schedules are testable).

export interface SiteOptions {
  /** Public URL of the site, no trailing slash. */
  baseUrl: string;
  /** Where enclosures point instead of <baseUrl>/media: M/<slug>/<file>. */
  mediaBaseUrl?: string;
  /** The clock, passed in: what is published depends on it. */
  now: Date;
}
