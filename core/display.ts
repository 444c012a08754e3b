/**
 * Text shown on one line of a terminal, whoever wrote it (a user's file name, a plugin's
 * name): the characters that would break the line, act on the terminal or hide what the
 * text says, and their escapes as JavaScript and JSON write them. The command's messages
 * (cli/errors.ts) and `formatReport`'s headers escape with the same list.
 */

/**
 * Whether `char` would change what a terminal shows of the text around it: a control
 * character (C0, such as a line break or ESC, DEL or C1), a line or paragraph separator
 * (U+2028, U+2029), a bidirectional control (U+061C, U+200E, U+200F, U+202A to U+202E,
 * U+2066 to U+2069), which can show a name's end before its start, or a character that
 * shows as nothing (the soft hyphen U+00AD, U+200B to U+200D, the word joiner U+2060 and
 * U+FEFF), which makes a name look like another (`fit` and `fit\u200b`).
 */
export const isDisplayControl = (char: string): boolean =>
  char < ' ' ||
  (char >= '\u007f' && char <= '\u009f') ||
  char === '\u00ad' ||
  char === '\u061c' ||
  (char >= '\u200b' && char <= '\u200d') ||
  char === '\u2060' ||
  char === '\ufeff' ||
  char === '\u200e' ||
  char === '\u200f' ||
  (char >= '\u2028' && char <= '\u202e') ||
  (char >= '\u2066' && char <= '\u2069')

/** JSON's short escapes, which it writes for these controls instead of `\u00XX`. */
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
}

/** A character written out as JSON escapes it: `\n`, `\u001b`. */
export const unicodeEscape = (char: string): string =>
  SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`

/** `text` with each character `isDisplayControl` names written as its escape, the rest as it is. */
export const escapeControls = (text: string): string =>
  [...text].map((char) => (isDisplayControl(char) ? unicodeEscape(char) : char)).join('')
