// The order of folder and file names (episode slugs, the files problems name, public/'s files):
// String.prototype.localeCompare's, as before, without its cost where it changes nothing.
//
// Why: the first localeCompare of a process makes ICU's collator, 6 ms on a quiet machine and
// 15-30 ms on a busy one, paid by every cold build only to sort names like "001-episode"
// (issue 12). For names of lower-case ASCII letters, digits, '-', '.' and '/', the root
// collation orders exactly as their code units do: punctuation ('-' < '.' < '/') before digits
// before letters, all told apart at the first level
// (https://unicode.org/reports/tr10/#Default_Unicode_Collation_Element_Table;
// tests/show/name-order.test.ts holds it to localeCompare). Any other name goes to localeCompare.

const PLAIN = /^[a-z0-9./-]*$/;

/** a.localeCompare(b), in sign. */
export function compareNames(a: string, b: string): number {
  if (PLAIN.test(a) && PLAIN.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return a.localeCompare(b);
}
