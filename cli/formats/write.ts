/**
 * Writing a factor: CSV or TSV (with names when the input had them), `.npy`
 * (float64) or JSON (the fixtures' dense format), by the file's extension.
 */
import * as E from 'fp-ts/lib/Either.js'
import { constants } from 'node:buffer'
import type { Matrix } from 'nmfkit'
import { outputError, quotedFileName, usageError, type CliResult } from '../errors.ts'
import { writtenAsStream } from '../files.ts'
import { formatDelimited, type DelimitedNames } from './csv.ts'
import { formatJsonMatrix } from './json.ts'
import { encodeNpy } from './npy.ts'

export const outputFormats = ['csv', 'tsv', 'npy', 'json'] as const
export type OutputFormat = (typeof outputFormats)[number]

/**
 * The format of an output path by its extension; `-` (stdout), the system's names of the
 * standard streams (/dev/stdout, /dev/stderr, /dev/fd/1, …), which `writeAll` writes as it
 * writes `-`, and /dev/null are CSV.
 */
export const outputFormatOf = (path: string, flag: string): CliResult<OutputFormat> => {
  if (writtenAsStream(path)) return E.right('csv')
  const extension = /\.([a-z]+)$/i.exec(path)?.[1].toLowerCase()
  const format = outputFormats.find((candidate) => candidate === extension)
  return format === undefined
    ? E.left(
        usageError(
          `option ${flag}: expected a file name ending in ` +
            `${outputFormats.map((f) => `.${f}`).join(', ')}, ` +
            `found ${quotedFileName(path)}`,
        ),
      )
    : E.right(format)
}

/** The bytes or text of a matrix in a format; names go into CSV and TSV only. */
export const encodeMatrix = (
  matrix: Matrix,
  format: OutputFormat,
  names: DelimitedNames = {},
): string | Uint8Array =>
  format === 'npy'
    ? encodeNpy(matrix)
    : format === 'json'
      ? formatJsonMatrix(matrix)
      : formatDelimited(matrix, format === 'tsv' ? '\t' : ',', names)

/**
 * `encode()`'s bytes or text for the output at `path`, or an output error where the text
 * would be longer than a JavaScript string can be (V8 throws a RangeError: "Invalid string
 * length", or "Invalid array length" for the array of a JSON matrix's entries): a factor
 * of 2×100,000,000 as CSV or in the model's JSON. `what` names the content, `advice` says
 * what to write instead.
 */
export const encodedOrRefused = (
  path: string,
  what: string,
  advice: string,
  encode: () => string | Uint8Array,
): CliResult<string | Uint8Array> => {
  try {
    return E.right(encode())
  } catch (error) {
    if (!(error instanceof RangeError && /^Invalid (string|array) length/.test(error.message))) {
      throw error
    }
    return E.left(
      outputError(
        path,
        `${what} is too large to write as text (a string holds at most ` +
          `${constants.MAX_STRING_LENGTH} characters here); ${advice}`,
      ),
    )
  }
}
