/**
 * The command's failures, as values. Each is one line for stderr; its kind
 * picks the exit code: 2 for bad usage, bad input or an output the system
 * refused to write (the user can fix it), 1 for an internal failure (a bug).
 */
import * as E from 'fp-ts/lib/Either.js'
import { escapeControls, isDisplayControl } from '../core/display.ts'

/** Why a command failed. */
export type CliErrorKind = 'usage' | 'input' | 'output' | 'internal'

/** A failure with its one-line message. */
export interface CliError {
  readonly kind: CliErrorKind
  readonly message: string
}

/** A `Right` or a `CliError`. */
export type CliResult<A> = E.Either<CliError, A>

/** Bad flags or arguments: `nmfkit fit: option -k: expected ...`. */
export const usageError = (message: string): CliError => ({ kind: 'usage', message })

/** Bad content in a file: the message starts with the file's name (see `fileName`). */
export const inputError = (file: string, message: string): CliError => ({
  kind: 'input',
  message: `${fileName(file)}: ${message}`,
})

/** An output the system refused to write: the message starts with the output's name. */
export const outputError = (file: string, message: string): CliError => ({
  kind: 'output',
  message: `${fileName(file)}: ${message}`,
})

/**
 * Something that should not happen: a command threw (`main` catches it). The message
 * asks for a report and gives the exception's first line: `internal error, please report
 * it: TypeError: ...`.
 */
export const internalError = (exception: string): CliError => ({
  kind: 'internal',
  message: `internal error, please report it: ${exception}`,
})

/** The exit code of a failure. */
export const exitCode = (error: CliError): number => (error.kind === 'internal' ? 1 : 2)

/**
 * `text` in double quotes, escaped as JSON escapes it, and the other characters `isDisplayControl`
 * names too, which JSON leaves as they are and a terminal may act on (U+009B starts a code
 * as ESC [ does; U+202E reverses what follows).
 */
const quoted = (text: string): string => escapeControls(JSON.stringify(text))

/** Whether a name is shown quoted and escaped: it holds a character `isDisplayControl` names. */
const needsQuotes = (path: string): boolean => [...path].some(isDisplayControl)

/** A short, quoted rendering of a cell for messages: `"abc"`, cut after 20 characters. */
export const quoteCell = (cell: string): string =>
  quoted(cell.length > 20 ? `${cell.slice(0, 20)}…` : cell)

/**
 * A file's name for messages: as it is, unless it holds a character `isDisplayControl` names (a
 * line break, ESC, a bidirectional control), which would break the message's one line,
 * reach the terminal as a code or reorder what it shows: then quoted and escaped as
 * `quoteCell` shows a cell, whole (`"a\nb.csv"`). An empty name is quoted too (`""`), which
 * as it is would leave nothing before the message's colon.
 */
export const fileName = (path: string): string =>
  path === '' || needsQuotes(path) ? quoted(path) : path

/**
 * Something the user gave, for a message that shows it in quotes: a flag's value, a
 * command's name, a word read from a file: `'abc'`, or, when it holds a character
 * `isDisplayControl` names, quoted and escaped as `fileName` quotes a name (`"a\nb"`), not
 * in a second pair.
 */
export const quotedToken = (text: string): string =>
  needsQuotes(text) ? quoted(text) : `'${text}'`

/** A file's name for a message that shows it in quotes: `'a.csv'`, or `"a\nb.csv"`. */
export const quotedFileName = (path: string): string => quotedToken(path)

/**
 * The first `count` bytes of a file for a message, in double quotes: printable ASCII as it
 * is (`"` and `\` escaped), \n, \r and \t, and any other byte as \xNN, so that binary
 * or text in any encoding shows on one line and reaches the terminal as nothing but
 * these characters; `…` after them when the file has more.
 *
 * @example
 * quotedBytes(new TextEncoder().encode('garbage\n')) // '"garbage\\n"'
 * quotedBytes(Uint8Array.of(0x50, 0x4b, 3, 4)) // '"PK\\x03\\x04"'
 */
export const quotedBytes = (bytes: Uint8Array, count = 16): string => {
  const named: Readonly<Record<number, string>> = { 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t' }
  let text = ''
  for (const byte of bytes.subarray(0, count)) {
    if (byte === 0x22 || byte === 0x5c) text += `\\${String.fromCharCode(byte)}`
    else if (byte >= 0x20 && byte < 0x7f) text += String.fromCharCode(byte)
    else text += named[byte] ?? `\\x${byte.toString(16).padStart(2, '0')}`
  }
  return `"${text}"${bytes.length > count ? '…' : ''}`
}
