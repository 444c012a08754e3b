/**
 * What every text format shares: the check that a file is UTF-8 text, and the refusal of
 * a decimal literal too small for a double (which would be read as 0), in the words the
 * flags' values use too.
 */
import { constants } from 'node:buffer'
import * as E from 'fp-ts/lib/Either.js'
import { inputError, type CliError, type CliResult } from '../errors.ts'

/**
 * Whether a decimal literal writes a nonzero number too small for a double, which would
 * be read as 0 (`1e-400`; subnormals such as `5e-324` are read as they are).
 */
export const underflows = (cell: string, value: number): boolean =>
  value === 0 && /[1-9]/.test(cell.split(/[eE]/)[0])

/** Why an underflowing literal is refused, in a file or a flag's value. */
export const TOO_SMALL = 'too small for a double (the smallest is 5e-324; write 0 for 0)'

/** The message for a file in UTF-16. */
const UTF16 = 'expected UTF-8 text, found UTF-16 (save the file as UTF-8)'

/**
 * Whether NULs fill every other place of `units`, the first 64 bytes (or UTF-16 code
 * units) of a file: more than half of its even places or of its odd ones hold 0, and
 * under a quarter of the others do. So is UTF-16 text of Latin letters and digits, each
 * a byte of its code and a 0; UTF-8 text holds no NUL.
 */
const alternatingNuls = (units: ArrayLike<number>): boolean => {
  const length = Math.min(units.length, 64)
  const places = [Math.ceil(length / 2), Math.floor(length / 2)]
  const zeros = [0, 0]
  for (let i = 0; i < length; i++) if (units[i] === 0) zeros[i % 2]++
  return [0, 1].some((at) => 2 * zeros[at] > places[at] && 4 * zeros[1 - at] < places[1 - at])
}

/**
 * Whether bytes are UTF-16: they start with its byte-order mark (`FF FE` or `FE FF`), or
 * NULs fill every other place of their start. Told by the bytes, not by their reading as
 * UTF-8, where a byte-order mark and any two bytes that UTF-8 does not allow (the `C4 D6`
 * of Latin-1 `ÄÖ`) read alike, as two replacement characters.
 */
const isUtf16 = (bytes: Uint8Array): boolean =>
  (bytes[0] === 0xff && bytes[1] === 0xfe) ||
  (bytes[0] === 0xfe && bytes[1] === 0xff) ||
  alternatingNuls(bytes.subarray(0, 64))

/**
 * `line L, column C` (from 1) of the place `at` (an index in UTF-16 code units) in `text`.
 * The column counts characters, not code units (a character past U+FFFF is one), and on
 * line 1 starts after a byte-order mark, which the parsers strip.
 */
export const placeOf = (text: string, at: number): string => {
  let line = 1
  let lineStart = 0
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) {
    line++
    lineStart = i + 1
  }
  if (lineStart === 0 && text.charCodeAt(0) === 0xfeff) lineStart = 1
  let column = 1
  for (let i = lineStart; i < at; i += (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1) column++
  return `line ${line}, column ${column}`
}

/**
 * The error for text that holds a NUL, which no text has: UTF-16 read as UTF-8 where NULs
 * fill every other place of its start (see `alternatingNuls`), else the first NUL's place.
 * Each parser checks the text it is given: the CLI's files have passed `decodeUtf8`, which
 * told UTF-16 by the bytes, but a parser takes any string.
 */
export const notUtf8Text = (text: string, file: string): CliError | undefined => {
  const nul = text.indexOf('\u0000')
  if (nul < 0) return undefined
  const start = Array.from({ length: Math.min(text.length, 64) }, (_, i) => text.charCodeAt(i))
  if (alternatingNuls(start)) return inputError(file, UTF16)
  return inputError(file, `${placeOf(text, nul)}: expected text, found a NUL byte`)
}

/**
 * The offset of the first byte of `bytes` that starts no valid UTF-8 sequence, or starts
 * one that is cut short, overlong, a surrogate or past U+10FFFF (as the Encoding Standard
 * decides); -1 when there is none.
 */
export const firstInvalidUtf8 = (bytes: Uint8Array): number => {
  for (let at = 0; at < bytes.length;) {
    const lead = bytes[at]
    if (lead < 0x80) {
      at++
      continue
    }
    // The number of continuation bytes, and the range the first of them must be in (the
    // ranges that rule out overlong forms, surrogates and code points past U+10FFFF).
    let count: number
    let low = 0x80
    let high = 0xbf
    if (lead >= 0xc2 && lead <= 0xdf) count = 1
    else if (lead >= 0xe0 && lead <= 0xef) {
      count = 2
      if (lead === 0xe0) low = 0xa0
      if (lead === 0xed) high = 0x9f
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      count = 3
      if (lead === 0xf0) low = 0x90
      if (lead === 0xf4) high = 0x8f
    } else return at
    for (let k = 1; k <= count; k++) {
      const next = bytes[at + k] as number | undefined
      if (next === undefined || next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) {
        return at
      }
    }
    at += count + 1
  }
  return -1
}

/** Whether `bytes` start with `magic`, a file format's first bytes. */
const startsWith = (bytes: Uint8Array, magic: readonly number[]): boolean =>
  magic.every((byte, q) => bytes[q] === byte)

const NPY = 'a NumPy .npy file'
const ZIP = 'a zip archive'

/** What a binary file the command knows by its first bytes is (a .npy, a zip), if it is one. */
export const binaryName = (bytes: Uint8Array): string | undefined => {
  // \x93NUMPY
  if (startsWith(bytes, [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59])) return NPY
  // PK\x03\x04, and PK\x05\x06 for an empty archive.
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) {
    return ZIP
  }
  return undefined
}

/**
 * The binary formats a user may hand a reader of text, by their first bytes, as a message
 * says what was found and what to do: a NumPy .npy under another name (read it as one), a
 * zip archive such as NumPy's .npz (not read: take a .npy out of it). Else undefined.
 */
const knownBinary = (bytes: Uint8Array): string | undefined => {
  if (binaryName(bytes) === NPY) {
    return (
      'a NumPy .npy file (it starts with "\\x93NUMPY"): read it with --format npy, ' +
      'or give it a name ending in .npy'
    )
  }
  if (binaryName(bytes) === ZIP) {
    return (
      'a zip archive (it starts with "PK\\x03\\x04"), such as a NumPy .npz, which nmfkit ' +
      'does not read: take a .npy out of it (unzip FILE.npz writes one per array) and read that'
    )
  }
  return undefined
}

/** The most UTF-16 code units a string may hold (V8's limit, 2^29 − 24 on 64-bit systems). */
const { MAX_STRING_LENGTH } = constants

/** Decodes UTF-8 and throws at the first invalid byte; a byte-order mark is kept. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * Bytes as UTF-8 text, a byte-order mark kept for the parsers to strip; UTF-16 (see
 * `isUtf16`) and bytes that are not UTF-8 are an error (they would otherwise be read as
 * replacement characters, into a name or a cell, without a word) that names the first bad
 * byte's line, column and offset. The place is searched for only when the fast, strict
 * decoding fails.
 */
export const decodeUtf8 = (bytes: Uint8Array, file: string): CliResult<string> => {
  const binary = knownBinary(bytes)
  if (binary !== undefined) return E.left(inputError(file, `expected UTF-8 text, found ${binary}`))
  // UTF-16 of Latin letters and digits, without a byte-order mark, is valid UTF-8 too.
  if (isUtf16(bytes)) return E.left(inputError(file, UTF16))
  try {
    return E.right(strictUtf8.decode(bytes))
  } catch {
    // Below: the file is not UTF-8.
  }
  const at = firstInvalidUtf8(bytes)
  // Valid UTF-8 that no string can hold: more characters than a JavaScript string may have.
  if (at < 0) {
    return E.left(
      inputError(
        file,
        `expected text of at most ${MAX_STRING_LENGTH} characters (the most a JavaScript ` +
          `string holds), found ${bytes.length} bytes of it: save the matrix as .npy, ` +
          'which is read up to 2 GiB',
      ),
    )
  }
  // The bytes before the bad one are UTF-8: placed in their text, as a parser places text.
  const before = strictUtf8.decode(bytes.subarray(0, at))
  const byte = bytes[at].toString(16).toUpperCase().padStart(2, '0')
  return E.left(
    inputError(
      file,
      `${placeOf(before, before.length)} (byte offset ${at}): expected UTF-8 text, found the ` +
        `byte 0x${byte}, which UTF-8 does not allow there (convert the file to UTF-8, ` +
        `e.g. with iconv -f LATIN1 -t UTF-8 if it is Latin-1)`,
    ),
  )
}
