/**
 * Matrix Market exchange format (`.mtx`), as NIST defines it: a banner
 * `%%MatrixMarket matrix <format> <field> <symmetry>` (the four words in any
 * case), comment lines starting with `%`, a size line, then the entries.
 *
 * - `coordinate`: `rows cols entries`, then one `i j value` per line, indices
 *   from 1; read into a `CsrMatrix` (duplicates are summed, as SciPy does).
 * - `array`: `rows cols`, then the values column by column; read into a `Matrix`.
 * - fields `real`, `integer` and `pattern` (every stored entry is 1); `complex`
 *   is refused.
 * - symmetries `general` and `symmetric` (only entries on or below the
 *   diagonal are stored; the others are their mirror images). `skew-symmetric`
 *   and `hermitian` are refused: NMF needs X ≥ 0, which a skew-symmetric matrix
 *   cannot be.
 */
import * as E from 'fp-ts/lib/Either.js'
import { CsrMatrix, Matrix, type AnyMatrix } from 'nmfkit'
import { inputError, quoteCell, quotedToken, type CliResult } from '../errors.ts'
import { showEntries } from '../../core/errors.ts'
import { counted } from '../../core/show.ts'
import { notUtf8Text, TOO_SMALL, underflows } from './text.ts'

/** The banner's words, lower-cased. */
export interface MatrixMarketHeader {
  readonly format: 'coordinate' | 'array'
  readonly field: 'real' | 'integer' | 'pattern'
  readonly symmetry: 'general' | 'symmetric'
}

/** A matrix read from Matrix Market text, with its banner. */
export interface MatrixMarketMatrix {
  readonly matrix: AnyMatrix
  readonly header: MatrixMarketHeader
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const INDEX = /^\d+$/
/** The most rows or columns read: a CSR matrix keeps rows + 1 offsets in memory. */
const MAX_DIMENSION = 2 ** 28
/** The most entries of an array (dense) file: 2 GiB of float64. */
const MAX_DENSE_ENTRIES = 2 ** 28

/**
 * The banner's four words after `%%MatrixMarket`, in any case (`MATRIX Coordinate REAL
 * General` reads as `matrix coordinate real general`); the token `%%MatrixMarket` itself
 * only so capitalized, as the format writes it.
 */
const parseBanner = (line: string, file: string): CliResult<MatrixMarketHeader> => {
  const words = line.trim().split(/\s+/)
  if (words[0] !== '%%MatrixMarket' && words[0].toLowerCase() === '%%matrixmarket') {
    return E.left(
      inputError(
        file,
        `line 1: expected the banner to start with '%%MatrixMarket', so capitalized (the ` +
          `words after it take any case), found ${quotedToken(words[0])}`,
      ),
    )
  }
  if (words[0] !== '%%MatrixMarket' || words.length !== 5) {
    return E.left(
      inputError(
        file,
        `line 1: expected the banner '%%MatrixMarket matrix <format> <field> <symmetry>', ` +
          `found ${quoteCell(line.trim())}`,
      ),
    )
  }
  const [object, format, field, symmetry] = words.slice(1).map((word) => word.toLowerCase())
  // A refusal shows the word as the file writes it (`'Complex'`), not lower-cased.
  const expect = (what: string, at: number, allowed: readonly string[]): CliResult<never> =>
    E.left(
      inputError(
        file,
        `line 1: expected ${what} ${allowed.map((a) => `'${a}'`).join(' or ')}, ` +
          `found ${quotedToken(words[at])}`,
      ),
    )
  if (object !== 'matrix') return expect('the object', 1, ['matrix'])
  if (format !== 'coordinate' && format !== 'array')
    return expect('the format', 2, ['coordinate', 'array'])
  if (field !== 'real' && field !== 'integer' && field !== 'pattern')
    return expect('the field', 3, ['real', 'integer', 'pattern'])
  if (field === 'pattern' && format === 'array')
    return expect('with the pattern field the format', 2, ['coordinate'])
  if (symmetry !== 'general' && symmetry !== 'symmetric')
    return expect('the symmetry', 4, ['general', 'symmetric'])
  return E.right({ format, field, symmetry })
}

/**
 * Reads Matrix Market text.
 *
 * @example
 * parseMatrixMarket('%%MatrixMarket matrix coordinate real general\n2 2 1\n1 2 5\n', 'x.mtx')
 * // Right({ matrix: CsrMatrix 2×2 with 5 at (0, 1), header })
 */
export const parseMatrixMarket = (text: string, file: string): CliResult<MatrixMarketMatrix> => {
  const encoding = notUtf8Text(text, file)
  if (encoding !== undefined) return E.left(encoding)
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  if (body.trim() === '') {
    return E.left(inputError(file, "the file is empty; expected a '%%MatrixMarket' banner"))
  }
  const lines = body.split(/\r?\n/)
  const banner = parseBanner(lines[0], file)
  if (E.isLeft(banner)) return banner
  const header = banner.right

  // The size line is the first that is neither a comment nor blank.
  let at = 1
  while (at < lines.length && (lines[at].startsWith('%') || lines[at].trim() === '')) at++
  const sizeWords = (lines[at] ?? '').trim().split(/\s+/)
  const sizeCount = header.format === 'coordinate' ? 3 : 2
  const expectedSize = header.format === 'coordinate' ? "'rows cols entries'" : "'rows cols'"
  if (sizeWords.length !== sizeCount || !sizeWords.every((word) => INDEX.test(word))) {
    const found = at < lines.length ? quoteCell(lines[at].trim()) : 'the end of the file'
    return E.left(
      inputError(file, `line ${at + 1}: expected the size line ${expectedSize}, found ${found}`),
    )
  }
  const [rows, cols, declared] = sizeWords.map(Number)
  if (rows < 1 || cols < 1) {
    return E.left(
      inputError(
        file,
        `line ${at + 1}: expected at least one row and one column, found ${rows}×${cols}`,
      ),
    )
  }
  if (header.symmetry === 'symmetric' && rows !== cols) {
    return E.left(
      inputError(
        file,
        `line ${at + 1}: expected a square size for a symmetric matrix, found ${rows}×${cols}`,
      ),
    )
  }
  const entries =
    header.format === 'coordinate'
      ? declared
      : header.symmetry === 'symmetric'
        ? (rows * (rows + 1)) / 2
        : rows * cols
  // Checked before anything is allocated: a few bytes of header can declare a
  // matrix that no memory holds.
  if (rows > MAX_DIMENSION || cols > MAX_DIMENSION) {
    return E.left(
      inputError(
        file,
        `line ${at + 1}: expected at most ${MAX_DIMENSION} rows and columns, ` +
          `found ${rows}×${cols}`,
      ),
    )
  }
  // A dense (array) file is read into one array of rows×cols values.
  if (header.format === 'array' && entries > MAX_DENSE_ENTRIES) {
    return E.left(
      inputError(
        file,
        `line ${at + 1}: expected at most ${MAX_DENSE_ENTRIES} entries in a dense matrix, ` +
          `found ${rows}×${cols}`,
      ),
    )
  }
  return header.format === 'coordinate'
    ? readCoordinate(lines, at + 1, file, header, rows, cols, entries)
    : readArray(lines, at + 1, file, header, rows, cols, entries)
}

/** The data lines after the size line, skipping blank and comment lines, with line numbers. */
function* dataLines(lines: readonly string[], from: number): Generator<[number, string[]]> {
  for (let i = from; i < lines.length; i++) {
    const line = lines[i].trim()
    if (line === '' || line.startsWith('%')) continue
    yield [i + 1, line.split(/\s+/)]
  }
}

const parseValue = (word: string | undefined, field: string): number =>
  field === 'pattern' ? 1 : word !== undefined && NUMBER.test(word) ? Number(word) : NaN

const tooFew = (file: string, expected: number, found: number, what: string): CliResult<never> =>
  E.left(
    inputError(
      file,
      `expected ${expected} ${what} (as the size line says), ` +
        `found ${found} before the end of the file`,
    ),
  )

const readCoordinate = (
  lines: readonly string[],
  from: number,
  file: string,
  header: MatrixMarketHeader,
  rows: number,
  cols: number,
  declared: number,
): CliResult<MatrixMarketMatrix> => {
  const width = header.field === 'pattern' ? 2 : 3
  const rowIndex: number[] = []
  const colIndex: number[] = []
  const data: number[] = []
  let count = 0
  for (const [lineNumber, words] of dataLines(lines, from)) {
    count++
    const where = `line ${lineNumber}, entry ${count}`
    if (count > declared) {
      return E.left(
        inputError(
          file,
          `${where}: expected ${showEntries(declared)} (as the size line says), found more`,
        ),
      )
    }
    if (words.length !== width || !INDEX.test(words[0]) || !INDEX.test(words[1])) {
      const expected = width === 2 ? "'row col'" : "'row col value'"
      return E.left(
        inputError(file, `${where}: expected ${expected}, found ${quoteCell(words.join(' '))}`),
      )
    }
    const i = Number(words[0])
    const j = Number(words[1])
    if (i < 1 || i > rows || j < 1 || j > cols) {
      return E.left(
        inputError(
          file,
          `${where}: expected a row in 1..${rows} and a column in 1..${cols}, found (${i}, ${j})`,
        ),
      )
    }
    const value = parseValue(words[2], header.field)
    if (words[2] !== undefined && underflows(words[2], value)) {
      return E.left(
        inputError(file, `${where}: expected a number, found ${quoteCell(words[2])}, ${TOO_SMALL}`),
      )
    }
    if (!Number.isFinite(value) || (header.field === 'integer' && !Number.isInteger(value))) {
      const expected = header.field === 'integer' ? 'an integer' : 'a finite number'
      return E.left(
        inputError(
          file,
          `${where}: expected the value to be ${expected}, found ${quoteCell(words[2])}`,
        ),
      )
    }
    if (header.symmetry === 'symmetric' && i < j) {
      return E.left(
        inputError(
          file,
          `${where}: expected an entry on or below the diagonal of a symmetric matrix, ` +
            `found (${i}, ${j})`,
        ),
      )
    }
    rowIndex.push(i - 1)
    colIndex.push(j - 1)
    data.push(value)
    if (header.symmetry === 'symmetric' && i !== j) {
      rowIndex.push(j - 1)
      colIndex.push(i - 1)
      data.push(value)
    }
  }
  if (count < declared) return tooFew(file, declared, count, 'entries')

  // Counting sort of the entries by row gives CSR; fromParts sorts within rows.
  const indptr = new Int32Array(rows + 1)
  for (const i of rowIndex) indptr[i + 1]++
  for (let i = 0; i < rows; i++) indptr[i + 1] += indptr[i]
  const next = indptr.slice(0, rows)
  const indices = new Int32Array(data.length)
  const values = new Float64Array(data.length)
  for (let q = 0; q < data.length; q++) {
    const slot = next[rowIndex[q]]++
    indices[slot] = colIndex[q]
    values[slot] = data[q]
  }
  const matrix = CsrMatrix.fromParts(rows, cols, indptr, indices, values)
  if (E.isLeft(matrix)) return E.left(inputError(file, matrix.left.message))
  return E.right({ matrix: matrix.right, header })
}

const readArray = (
  lines: readonly string[],
  from: number,
  file: string,
  header: MatrixMarketHeader,
  rows: number,
  cols: number,
  expected: number,
): CliResult<MatrixMarketMatrix> => {
  const values = new Float64Array(rows * cols)
  // Column-major; a symmetric file holds the lower triangle, column by column.
  let row = 0
  let col = 0
  let count = 0
  for (const [lineNumber, words] of dataLines(lines, from)) {
    count++
    const where = `line ${lineNumber}, entry ${count}`
    if (count > expected) {
      return E.left(
        inputError(
          file,
          `${where}: expected ${counted(expected, 'value', 'values')} ` +
            '(as the size line says), found more',
        ),
      )
    }
    const value = parseValue(words[0], header.field)
    if (words.length === 1 && underflows(words[0], value)) {
      return E.left(
        inputError(file, `${where}: expected a number, found ${quoteCell(words[0])}, ${TOO_SMALL}`),
      )
    }
    if (
      words.length !== 1 ||
      !Number.isFinite(value) ||
      (header.field === 'integer' && !Number.isInteger(value))
    ) {
      const kind = header.field === 'integer' ? 'one integer' : 'one finite number'
      return E.left(
        inputError(
          file,
          `${where}: expected ${kind} per line, found ${quoteCell(words.join(' '))}`,
        ),
      )
    }
    values[row * cols + col] = value
    if (header.symmetry === 'symmetric') values[col * cols + row] = value
    row++
    if (row === rows) {
      col++
      row = header.symmetry === 'symmetric' ? col : 0
    }
  }
  if (count < expected) return tooFew(file, expected, count, 'values')
  const matrix = Matrix.fromData(rows, cols, values)
  if (E.isLeft(matrix)) return E.left(inputError(file, matrix.left.message))
  return E.right({ matrix: matrix.right, header })
}
