// Text from a show (a YAML title, a tag embedded in a media file, a file name) on its way to a
// terminal. A terminal obeys escape sequences in what it prints: ESC [ 2 J clears the screen,
// OSC 8 makes links, OSC 52 writes the clipboard, a bare CR overwrites the line before it. So
// every printer of show data (check, status, build, publish-due, the serve log) passes it through
// `visible`, which shows such characters as escapes instead of obeying them.
//
// Escaped: C0 controls (ECMA-48; U+0000-U+001F), DEL, C1 controls (U+0080-U+009F: U+009B is a
// one-character CSI to terminals that read C1), and the bidirectional controls that make text
// read differently from what it is (Unicode TR9; CVE-2021-42574, "Trojan Source").
const unsafe = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const named: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\u001b': '\\e' };

const escape = (c: string) => named[c] ?? `\\u{${c.charCodeAt(0).toString(16).padStart(2, '0')}}`;

/** `text` with every character a terminal would obey shown as an escape (`\e`, `\n`, `\u{9b}`). */
export function visible(text: string): string {
  return text.replace(unsafe, escape);
}
