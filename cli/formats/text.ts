/**
 * What every text format shares: the check that a file is UTF-8 text, and the refusal of
 * a decimal literal too small for a double (which would be read as 0), in the words the
 * flags' values use too.
 */
import { inputError, type CliError } from '../errors.ts'

/**
 * Whether a decimal literal writes a nonzero number too small for a double, which would
 * be read as 0 (`1e-400`; subnormals such as `5e-324` are read as they are).
 */
export const underflows = (cell: string, value: number): boolean =>
  value === 0 && /[1-9]/.test(cell.split(/[eE]/)[0])

/** Why an underflowing literal is refused, in a file or a flag's value. */
export const TOO_SMALL = 'too small for a double (the smallest is 5e-324; write 0 for 0)'

/**
 * The error for text that is UTF-16, not UTF-8 (it starts with a UTF-16 byte-order mark,
 * which reads as two replacement characters, or every other character of its start is
 * NUL), or that holds a NUL, which no text has.
 */
export const notUtf8Text = (text: string, file: string): CliError | undefined => {
  const nul = text.indexOf('\u0000')
  if (!text.startsWith('\uFFFD\uFFFD') && nul < 0) return undefined
  const start = text.slice(0, 256)
  const nuls = [0, 0]
  for (let i = 0; i < start.length; i++) if (start[i] === '\u0000') nuls[i % 2]++
  const half = Math.floor(start.length / 2)
  if (text.startsWith('\uFFFD\uFFFD') || Math.max(...nuls) >= half / 2) {
    return inputError(file, 'expected UTF-8 text, found UTF-16 (save the file as UTF-8)')
  }
  if (nul < 0) return undefined
  const before = text.slice(0, nul)
  const column = nul - before.lastIndexOf('\n')
  return inputError(
    file,
    `line ${before.split('\n').length}, column ${column}: expected text, found a NUL byte`,
  )
}
