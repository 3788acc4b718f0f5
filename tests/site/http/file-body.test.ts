// The file body sender on a real socket: exact bytes for fast and slow clients, the file held
// open across a rename, a response cut short when the file shrinks, no descriptor left behind.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { OpenFile, sendFileBody, type BodyPart } from '../../../src/site/http/file-body.js';
import { listen } from './client.js';
import { tempDir } from '../../support/temp-dir.js';

const SIZE = 5 * 1024 * 1024 + 777; // several large buffers and a ragged end
let tmp: string;
let bytes: Buffer;

before(() => {
  tmp = tempDir('file-body');
  bytes = randomBytes(SIZE);
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function writeFile(name: string, content: Buffer): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, content);
  return file;
}

/** A server whose every response is `parts` of the file at `file()`, opened per request. */
async function serveParts(file: () => string, parts: BodyPart[], onOpen?: (path: string) => void) {
  return listen((_req, res) => {
    const open = new OpenFile(file());
    onOpen?.(file());
    res.once('close', () => open.close());
    sendFileBody(res, open, parts);
  });
}

/** GETs `/` and collects the body; `pauseMs` makes a slow client (a pause after every chunk). */
function fetchBody(port: number, pauseMs = 0): Promise<{ body: Buffer; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        if (pauseMs > 0) {
          res.pause();
          setTimeout(() => res.resume(), pauseMs);
        }
      });
      res.on('end', () => resolve({ body: Buffer.concat(chunks), complete: res.complete }));
      res.on('aborted', () => resolve({ body: Buffer.concat(chunks), complete: false }));
      res.on('error', () => resolve({ body: Buffer.concat(chunks), complete: false }));
    });
    req.on('error', reject);
  });
}

function openDescriptors(): number {
  return fs.readdirSync('/proc/self/fd').length;
}

/** The count once sockets of earlier requests have finished closing. */
async function settledDescriptors(): Promise<number> {
  let last = openDescriptors();
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    const now = openDescriptors();
    if (now === last) return now;
    last = now;
  }
}

test('a whole file, several times on one server: every byte, in order', async () => {
  const file = writeFile('whole.bin', bytes);
  const server = await serveParts(() => file, [{ start: 0, end: SIZE - 1 }]);
  try {
    for (let i = 0; i < 3; i++) {
      const { body, complete } = await fetchBody(server.port);
      assert.ok(complete);
      assert.ok(body.equals(bytes), `round ${i}: ${body.length} bytes, want ${SIZE}`);
    }
  } finally {
    await server.close();
  }
});

test('ranges and our own bytes between them come out in order (the shape of multipart/byteranges)', async () => {
  const file = writeFile('parts.bin', bytes);
  const parts: BodyPart[] = [
    Buffer.from('<head>'),
    { start: 10, end: 20 },
    Buffer.from('<mid>'),
    { start: SIZE - 2 * 1024 * 1024, end: SIZE - 1 },
    Buffer.from('<tail>'),
  ];
  const server = await serveParts(() => file, parts);
  try {
    const { body } = await fetchBody(server.port);
    const want = Buffer.concat([
      Buffer.from('<head>'),
      bytes.subarray(10, 21),
      Buffer.from('<mid>'),
      bytes.subarray(SIZE - 2 * 1024 * 1024),
      Buffer.from('<tail>'),
    ]);
    assert.ok(body.equals(want));
  } finally {
    await server.close();
  }
});

test('a slow client gets every byte too', async () => {
  const file = writeFile('slow.bin', bytes.subarray(0, 1024 * 1024 + 5));
  const server = await serveParts(() => file, [{ start: 0, end: 1024 * 1024 + 4 }]);
  try {
    const { body } = await fetchBody(server.port, 2);
    assert.ok(body.equals(bytes.subarray(0, 1024 * 1024 + 5)));
  } finally {
    await server.close();
  }
});

test('a file replaced by a rename mid-response: the listener gets the file the headers described', async () => {
  const file = writeFile('replaced.bin', bytes);
  const replacement = writeFile('replacement.tmp', randomBytes(SIZE));
  // Replace it as soon as the response has the file open.
  const server = await serveParts(
    () => file,
    [{ start: 0, end: SIZE - 1 }],
    (opened) => fs.renameSync(replacement, opened),
  );
  try {
    const { body } = await fetchBody(server.port, 1);
    assert.ok(body.equals(bytes));
  } finally {
    await server.close();
  }
});

test('a file cut short mid-response: the response is cut too, never padded or hung', async () => {
  const file = writeFile('shrinks.bin', bytes);
  const server = await serveParts(
    () => file,
    [{ start: 0, end: SIZE - 1 }],
    (opened) => fs.truncateSync(opened, 100_000),
  );
  try {
    const { body, complete } = await fetchBody(server.port);
    assert.equal(complete, false);
    assert.ok(body.length <= 100_000);
    assert.ok(body.equals(bytes.subarray(0, body.length)));
  } finally {
    await server.close();
  }
});

test('no descriptor is left open: finished, abandoned and slow responses all close their file', async () => {
  const file = writeFile('count.bin', bytes);
  const server = await serveParts(() => file, [{ start: 0, end: SIZE - 1 }]);
  try {
    await fetchBody(server.port); // warm up: the server's own sockets and pools
    const before = await settledDescriptors();
    await Promise.all([fetchBody(server.port), fetchBody(server.port, 1)]);
    // Clients that leave after the first chunk, while reads are in flight.
    await Promise.all(
      Array.from(
        { length: 10 },
        () =>
          new Promise<void>((resolve) => {
            const req = http.get({ host: '127.0.0.1', port: server.port, path: '/', agent: false }, (res) =>
              res.once('data', () => (req.destroy(), resolve())),
            );
            req.on('error', () => resolve());
          }),
      ),
    );
    const until = Date.now() + 2000;
    while (openDescriptors() > before && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.equal(openDescriptors(), before);
  } finally {
    await server.close();
  }
});
