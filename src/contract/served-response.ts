// What the server tells of each response it finished: the seam between serving (src/site/app.ts)
// and download counting (src/audience/live.ts), so neither room imports the other.

/** A finished response as download counting needs it: who (as Express's trust-proxy setting says), what, which bytes. */
export interface ServedResponse {
  time: number;
  ip: string;
  userAgent: string;
  method: string;
  status: number;
  range?: string;
  /** The path asked for, /media/<slug>/<file>, /download/<slug>/<file> or /feeds/<name>.xml (percent-encoded or not). */
  key: string;
  /** The file's byte intervals actually sent, inclusive. */
  sent: [number, number][];
}
