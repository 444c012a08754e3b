/**
 * Reads `data/digits.csv.gz` (see `data/README.md`): 1797 images of 8×8
 * pixels, one per line, 64 pixel columns and then the digit label. The label is
 * dropped; the pixels come back as a samples×pixels `Matrix`. Shared by
 * `examples/digits.ts` and `bench/run.ts`.
 */
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import * as E from 'fp-ts/lib/Either.js'
import { Matrix, type NmfError, type Result } from 'nmfkit'

/** The number of pixel columns in a line; the 65th column is the label. */
export const PIXELS = 64

/** Where the data set lives, relative to this file. */
export const DIGITS_PATH = new URL('../data/digits.csv.gz', import.meta.url)

const loadError = (message: string): NmfError => ({
  _tag: 'InvalidMatrix',
  operation: 'loadDigits',
  message: `loadDigits: ${message}`,
})

/**
 * The digits' pixels, samples×pixels (1797×64), values 0..16.
 *
 * A line that does not have 65 numeric columns is a `Left` naming the line.
 */
export const loadDigits = (
  path: URL | string = DIGITS_PATH,
): Result<Matrix<'samples', 'pixels'>> => {
  const text = gunzipSync(readFileSync(path)).toString('utf8')
  const lines = text.split('\n').filter((line) => line.trim() !== '')
  const pixels = new Float64Array(lines.length * PIXELS)
  for (let row = 0; row < lines.length; row++) {
    const fields = lines[row].split(',')
    if (fields.length !== PIXELS + 1) {
      return E.left(
        loadError(
          `expected ${PIXELS + 1} columns (pixels, then the label), ` +
            `found ${fields.length} on line ${row + 1}`,
        ),
      )
    }
    for (let col = 0; col < PIXELS; col++) {
      const value = Number(fields[col])
      if (fields[col].trim() === '' || !Number.isFinite(value)) {
        return E.left(
          loadError(
            `expected a number, found '${fields[col]}' on line ${row + 1}, column ${col + 1}`,
          ),
        )
      }
      pixels[row * PIXELS + col] = value
    }
  }
  return Matrix.fromData<'samples', 'pixels'>(lines.length, PIXELS, pixels)
}
