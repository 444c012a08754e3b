/**
 * Writing a factor: CSV or TSV (with names when the input had them), `.npy`
 * (float64) or JSON (the fixtures' dense format), by the file's extension.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Matrix } from 'nmfkit'
import { quotedFileName, usageError, type CliResult } from '../errors.ts'
import { isNullDevice } from '../files.ts'
import { formatDelimited, type DelimitedNames } from './csv.ts'
import { formatJsonMatrix } from './json.ts'
import { encodeNpy } from './npy.ts'

export const outputFormats = ['csv', 'tsv', 'npy', 'json'] as const
export type OutputFormat = (typeof outputFormats)[number]

/** The format of an output path by its extension; `-` (stdout) and /dev/null are CSV. */
export const outputFormatOf = (path: string, flag: string): CliResult<OutputFormat> => {
  if (path === '-' || isNullDevice(path)) return E.right('csv')
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
