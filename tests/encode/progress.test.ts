// encode/progress.ts: what the person at the terminal sees while encode runs; a log (not a
// terminal) gets one line when an output starts and one when it is done.
import test from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { ProgressDisplay, seconds } from '../../src/encode/progress.js';

/** A stream that keeps what is written, as a terminal (isTTY) or as a log. */
function output(tty: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  }) as unknown as NodeJS.WriteStream;
  if (tty) stream.isTTY = true;
  return { stream, text: () => text };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('seconds: m:ss, rounded, never negative', () => {
  assert.equal(seconds(75), '1:15');
  assert.equal(seconds(0), '0:00');
  assert.equal(seconds(59.6), '1:00');
  assert.equal(seconds(3725), '62:05');
  assert.equal(seconds(-4), '0:00');
});

test('in a log: one line when an output starts and one when it is done, with its speed; nothing while it runs', () => {
  const out = output(false);
  const display = new ProgressDisplay(out.stream);
  const report = display.add('046.mp3', 60);
  report({ outTime: 10, speed: 12.5, done: false });
  report({ outTime: 30, speed: 12.5, done: false });
  assert.equal(out.text(), '  046.mp3: started\n');
  report({ outTime: 60, speed: 12.54, done: true });
  report({ outTime: 60, done: true });
  assert.match(out.text(), /^ {2}046\.mp3: started\n {2}046\.mp3: done in 0:0\d, 12\.5x real time\n$/);
});

test('in a log: a note is a line of its own, with no escape codes', () => {
  const out = output(false);
  const display = new ProgressDisplay(out.stream);
  display.add('046.mp3', 60);
  display.note('046: encoded');
  display.finish();
  assert.equal(out.text(), '  046.mp3: started\n046: encoded\n');
});

test('on a terminal: a row per output with its percent and speed, redrawn in place', async () => {
  const out = output(true);
  const display = new ProgressDisplay(out.stream);
  const mp3 = display.add('046.mp3', 100);
  display.add('046.webm', 100);
  display.note('encoding 046'); // forces a draw of both rows
  const drawn = out.text();
  assert.match(drawn, /encoding 046\n {2}046\.mp3 +0% +\n {2}046\.webm +0% +\n$/);
  await wait(110);
  mp3({ outTime: 25, speed: 3, done: false });
  const redraw = out.text().slice(drawn.length);
  // Up over the two rows, clear, then the rows again.
  assert.ok(redraw.startsWith('\x1b[2A\x1b[J'), JSON.stringify(redraw));
  assert.match(redraw, / {2}046\.mp3 +25% +3\.0x {2}\d+:\d\d left\n/);
});

test('on a terminal: updates within 100 ms of the last draw are not drawn (ffmpeg reports many times a second)', async () => {
  const out = output(true);
  const display = new ProgressDisplay(out.stream);
  const report = display.add('046.mp3', 100);
  display.note('start');
  const after = out.text().length;
  report({ outTime: 10, done: false });
  report({ outTime: 20, done: false });
  assert.equal(out.text().length, after);
  await wait(110);
  report({ outTime: 30, done: false });
  assert.match(out.text().slice(after), /30%/);
  // ffmpeg's output time can run past the programme (its last packet): the row stops at 100%.
  await wait(110);
  const before = out.text().length;
  report({ outTime: 130, done: false });
  assert.match(out.text().slice(before), / 100% /);
});

test('on a terminal: a done output shows 100% and done; finish leaves the rows and starts afresh', async () => {
  const out = output(true);
  const display = new ProgressDisplay(out.stream);
  const report = display.add('046.mp3', 100);
  report({ outTime: 99.9, done: true });
  display.finish();
  assert.match(out.text(), / {2}046\.mp3 +100% +done\n$/);
  const before = out.text().length;
  display.note('next episode');
  assert.equal(out.text().slice(before), 'next episode\n', 'the finished rows are not erased or drawn again');
});
