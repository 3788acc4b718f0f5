// What cli.ts hands a command: the arguments parsed and judged, and the one clock reading of the
// run. Commands read nothing else from argv or the clock for what is published when, so a command
// run at one instant judges every episode against that instant.

export interface CommandContext {
  /** The show folder: the first positional argument, `episodes` by default. cli.ts has checked it is a folder when the command needs one. */
  dir: string;
  options: Record<string, string | boolean | undefined>;
  /** Every positional argument, the show folder (or import's SOURCE) first. */
  positionals: string[];
  /** When this run happens: what is published, scheduled or due is judged against it. */
  now: Date;
}
