// SRI hash of a media file for podcast:integrity
// (https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md#integrity):
// the W3C Subresource Integrity form, `sha256-` and the base64 digest
// (https://www.w3.org/TR/SRI/#the-integrity-attribute). Streamed: media files are large.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export async function sha256Sri(absPath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(absPath, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return `sha256-${hash.digest('base64')}`;
}
