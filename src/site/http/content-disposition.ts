// Content-Disposition: attachment with a file name every browser and podcast client can read.
// RFC 6266 §4.3: send an ASCII `filename` for old clients and `filename*` (RFC 8187 ext-value,
// UTF-8 percent-encoded) for the real name; clients that know filename* prefer it.
// https://www.rfc-editor.org/rfc/rfc6266#section-4.3  https://www.rfc-editor.org/rfc/rfc8187#section-3.2

/** attr-char of RFC 8187 §3.2.1: everything else is percent-encoded. */
const notAttrChar = /[^A-Za-z0-9!#$&+\-.^_`|~]/g;

export function attachment(fileName: string): string {
  // The fallback: non-ASCII and the quoted-string specials become '_' (a lossy but safe name).
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const header = `attachment; filename="${ascii}"`;
  if (ascii === fileName) return header;
  const encoded = Array.from(Buffer.from(fileName, 'utf8'))
    .map((byte) => String.fromCharCode(byte))
    .join('')
    .replace(notAttrChar, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
  return `${header}; filename*=UTF-8''${encoded}`;
}
