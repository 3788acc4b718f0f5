// The line digests one `stats import` run has counted, kept compactly until they are written with
// the counts (import-logs.ts). A JavaScript Set of 16-character strings took ~100 bytes a line;
// here a digest is its 96 bits, as four 24-bit words in a flat open-addressing table (linear
// probing, at most half full): 34 to 68 bytes a line, and no object for the collector to trace.

const WORDS = 4;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

export class DigestSet {
  private table = new Int32Array(1024 * WORDS);
  private used = new Uint8Array(1024);
  private count = 0;
  private readonly words = new Int32Array(WORDS);

  get size(): number {
    return this.count;
  }

  /** Adds a digest (16 base64url characters, as the store keeps them); false when it was there already. */
  add(digest: string): boolean {
    if (digest.length !== 16) throw new Error(`a line digest has 16 characters, not ${digest.length}`);
    const w = this.words;
    for (let i = 0; i < WORDS; i++) {
      let v = 0;
      for (let j = 0; j < 4; j++) {
        const c = VALUE[digest.charCodeAt(i * 4 + j) & 127];
        if (c < 0) throw new Error(`"${digest}" is not base64url`);
        v = (v << 6) | c;
      }
      w[i] = v;
    }
    return this.addWords(w);
  }

  private addWords(w: Int32Array): boolean {
    if ((this.count + 1) * 2 > this.used.length) this.grow();
    const mask = this.used.length - 1;
    const t = this.table;
    // The digest is an HMAC: its bits are already uniform, any word will do as the hash.
    for (let slot = (w[0] ^ (w[1] << 8)) & mask; ; slot = (slot + 1) & mask) {
      const at = slot * WORDS;
      if (!this.used[slot]) {
        this.used[slot] = 1;
        t[at] = w[0];
        t[at + 1] = w[1];
        t[at + 2] = w[2];
        t[at + 3] = w[3];
        this.count++;
        return true;
      }
      if (t[at] === w[0] && t[at + 1] === w[1] && t[at + 2] === w[2] && t[at + 3] === w[3]) return false;
    }
  }

  /** The digests, as they were added. */
  *strings(): Generator<string> {
    for (let slot = 0; slot < this.used.length; slot++) {
      if (!this.used[slot]) continue;
      let s = '';
      for (let i = 0; i < WORDS; i++) {
        const v = this.table[slot * WORDS + i];
        s += ALPHABET[(v >> 18) & 63] + ALPHABET[(v >> 12) & 63] + ALPHABET[(v >> 6) & 63] + ALPHABET[v & 63];
      }
      yield s;
    }
  }

  private grow(): void {
    const old = this.table;
    const oldUsed = this.used;
    this.table = new Int32Array(old.length * 2);
    this.used = new Uint8Array(oldUsed.length * 2);
    this.count = 0;
    for (let slot = 0; slot < oldUsed.length; slot++) {
      if (oldUsed[slot]) this.addWords(old.subarray(slot * WORDS, slot * WORDS + WORDS));
    }
  }
}
