import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
const f = '/tmp/cnt/app-test.duckdb'; fs.rmSync(f, { force: true }); fs.rmSync(f + '.wal', { force: true });
const rss = () => Math.round(process.memoryUsage().rss / 2 ** 20);
const i = await DuckDBInstance.create(f, { memory_limit: '256MB', threads: '1' }); const c = await i.connect();
await c.run(`create table if not exists imported_lines (digest varchar primary key)`);
const N = 1_000_000, CH = Number(process.argv[2] ?? N);
let peak = 0; const timer = setInterval(() => (peak = Math.max(peak, rss())), 50);
const t0 = Date.now();
for (let done = 0; done < N; done += CH) {
  await c.run('begin transaction');
  const a = await c.createAppender('imported_lines');
  for (let k = 0; k < CH; k++) { a.appendVarchar(randomBytes(12).toString('base64url')); a.endRow(); }
  a.flushSync(); a.closeSync();
  console.log('appended', done + CH, rss(), 'MB');
  await c.run('commit');
  console.log('committed', rss(), 'MB');
}
clearInterval(timer); peak = Math.max(peak, rss());
console.log('chunk', CH, 'peak', peak, 'MB', Date.now() - t0, 'ms');
