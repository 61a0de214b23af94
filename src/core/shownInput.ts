/**
 * Values from the operator's files and the API's bodies appear in error messages, and an error
 * message is one line. A value is shown as typed when it is short and printable; otherwise its
 * control and direction-changing characters are escaped (a line break shows as `\n`, so no value
 * can forge a second line or drive the terminal) and a long one is cut, with its length: a 50 MB
 * cell gives a message of a few dozen characters.
 */

/** Characters shown of a value; more are cut. */
export const SHOWN_CHARACTERS = 40;

function unprintable(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069) ||
    code === 0xfeff
  );
}

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with its control and direction-changing characters escaped (`\n`, `\u001b`); nothing cut. */
export function escaped(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    out += unprintable(code) ? (NAMED[char] ?? `\\u${code.toString(16).padStart(4, '0')}`) : char;
  }
  return out;
}

/** `text` as an error message shows it: printable, and at most `max` characters of it. */
export function shownInput(text: string, max: number = SHOWN_CHARACTERS): string {
  if (text.length <= max) return escaped(text);
  return `${escaped(text.slice(0, max))}… (${text.length} characters)`;
}
