/**
 * What every text format shares: the check that a file is UTF-8 text, and the refusal of
 * a decimal literal too small for a double (which would be read as 0), in the words the
 * flags' values use too.
 */
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
 * Whether text read as UTF-8 was UTF-16: it starts with a UTF-16 byte-order mark, which
 * reads as two replacement characters, or every other character of its start is NUL.
 */
const looksUtf16 = (text: string): boolean => {
  if (text.startsWith('\uFFFD\uFFFD')) return true
  const start = text.slice(0, 256)
  const nuls = [0, 0]
  for (let i = 0; i < start.length; i++) if (start[i] === '\u0000') nuls[i % 2]++
  return Math.max(...nuls) >= Math.floor(start.length / 2) / 2 && Math.max(...nuls) > 0
}

/**
 * The error for text that is UTF-16, not UTF-8 (see `looksUtf16`), or that holds a NUL,
 * which no text has.
 */
export const notUtf8Text = (text: string, file: string): CliError | undefined => {
  const nul = text.indexOf('\u0000')
  if (!text.startsWith('\uFFFD\uFFFD') && nul < 0) return undefined
  if (looksUtf16(text)) return inputError(file, UTF16)
  if (nul < 0) return undefined
  const before = text.slice(0, nul)
  const column = nul - before.lastIndexOf('\n')
  return inputError(
    file,
    `line ${before.split('\n').length}, column ${column}: expected text, found a NUL byte`,
  )
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

/** Decodes UTF-8 and throws at the first invalid byte; a byte-order mark is kept. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * Bytes as UTF-8 text, a byte-order mark kept for the parsers to strip; bytes that are not
 * UTF-8 are an error (they would otherwise be read as replacement characters, into a name
 * or a cell, without a word) that names the first bad byte's line, column and offset. The
 * place is searched for only when the fast, strict decoding fails.
 */
export const decodeUtf8 = (bytes: Uint8Array, file: string): CliResult<string> => {
  try {
    return E.right(strictUtf8.decode(bytes))
  } catch {
    // Below: the file is not UTF-8.
  }
  if (looksUtf16(new TextDecoder().decode(bytes.subarray(0, 512)))) {
    return E.left(inputError(file, UTF16))
  }
  const at = firstInvalidUtf8(bytes)
  const lineStart = at === 0 ? 0 : bytes.lastIndexOf(0x0a, at - 1) + 1
  let line = 1
  for (let i = bytes.indexOf(0x0a); i >= 0 && i < at; i = bytes.indexOf(0x0a, i + 1)) line++
  // The column counts characters, as the other messages' columns do in text.
  const column = [...strictUtf8.decode(bytes.subarray(lineStart, at))].length + 1
  const byte = bytes[at].toString(16).toUpperCase().padStart(2, '0')
  return E.left(
    inputError(
      file,
      `line ${line}, column ${column} (byte offset ${at}): expected UTF-8 text, found the ` +
        `byte 0x${byte}, which UTF-8 does not allow there (convert the file to UTF-8, ` +
        `e.g. with iconv -f LATIN1 -t UTF-8 if it is Latin-1)`,
    ),
  )
}
