// UUIDv5 (RFC 9562 section 5.5): a name-based UUID, the same for the same name and namespace on
// every machine. netcaster needs it twice: podcast:guid of a feed URL (feed-guid.ts), and the GUID
// of an episode whose manifest has none (assemble.ts). node:crypto's SHA-1 is all it takes.
import { createHash } from 'node:crypto';

/** SHA-1 of namespace bytes + name, with the version (5) and variant (10) bits set. */
export function uuidV5(name: string, namespace: string): string {
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
