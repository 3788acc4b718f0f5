// One line per output while it encodes: percent, speed against real time, time left, from
// ffmpeg's -progress reports. On a terminal the lines redraw in place; elsewhere (a log, CI) each
// output says once when it starts and once when it is done.
import type { FfmpegProgress } from './ffmpeg.js';

interface Row {
  label: string;
  duration: number;
  outTime: number;
  speed?: number;
  started: number;
  done: boolean;
}

export class ProgressDisplay {
  private rows: Row[] = [];
  private drawn = 0;
  private lastDraw = 0;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  private get tty(): boolean {
    return !!this.stream.isTTY;
  }

  /** A line of its own (a step, a result), above the progress rows. */
  note(text: string): void {
    this.erase();
    this.stream.write(`${text}\n`);
    this.draw(true);
  }

  /** A new output row; returns the callback for its ffmpeg's progress. */
  add(label: string, duration: number): (p: FfmpegProgress) => void {
    const row: Row = { label, duration, outTime: 0, started: Date.now(), done: false };
    this.rows.push(row);
    if (!this.tty) this.stream.write(`  ${label}: started\n`);
    return (p) => {
      row.outTime = p.outTime;
      if (p.speed !== undefined) row.speed = p.speed;
      if (p.done && !row.done) {
        row.done = true;
        row.outTime = row.duration;
        if (!this.tty)
          this.stream.write(
            `  ${label}: done in ${seconds((Date.now() - row.started) / 1000)}${row.speed ? `, ${row.speed.toFixed(1)}x real time` : ''}\n`,
          );
      }
      this.draw();
    };
  }

  /** Stops drawing rows (an episode is done): they stay on screen as they last were. */
  finish(): void {
    this.draw(true);
    this.rows = [];
    this.drawn = 0;
  }

  private erase(): void {
    if (!this.tty || this.drawn === 0) return;
    this.stream.write(`\x1b[${this.drawn}A\x1b[J`);
    this.drawn = 0;
  }

  private draw(force = false): void {
    if (!this.tty || this.rows.length === 0) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.erase();
    for (const row of this.rows) this.stream.write(`${line(row, now)}\n`);
    this.drawn = this.rows.length;
  }
}

function line(row: Row, now: number): string {
  const fraction = row.duration > 0 ? Math.min(1, row.outTime / row.duration) : 0;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const speed = row.speed ? `${row.speed.toFixed(1)}x`.padStart(7) : '       ';
  const elapsed = (now - row.started) / 1000;
  const left = row.done ? 'done' : fraction > 0.01 ? `${seconds((elapsed / fraction) * (1 - fraction))} left` : '';
  return `  ${row.label.padEnd(40)} ${percent} ${speed}  ${left}`;
}

/** 75 -> "1:15". */
export function seconds(s: number): string {
  const total = Math.max(0, Math.round(s));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}
