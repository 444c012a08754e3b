/**
 * Matrices in JSON: the format of the fixtures (`{ "format": "dense", "rows",
 * "cols", "data" }` row-major, or `{ "format": "csr", ... }`; see
 * test/fixtures/README.md), nested arrays (one per row), or any of these inside
 * a bigger document, picked by a dotted key: a fixture file's `X` is taken by
 * default, `--key expected.W` takes another (a key with a dot in it: see `valueAtKey`).
 * The text itself is read by json-text.ts.
 */
import * as E from 'fp-ts/lib/Either.js'
import { fromJSON, Matrix, type AnyMatrix } from 'nmfkit'
import { inputError, quoteCell, quotedToken, type CliResult } from '../errors.ts'
import { showEntries } from '../../core/errors.ts'
import { describeValue } from '../../core/matrix.ts'
import { parseJsonText } from './json-text.ts'

/** The library's message without its leading `operation: `. */
export const withoutOperation = (message: string): string => message.replace(/^[\w.]+: /, '')

/** A matrix from JSON, with the key it was found under and where its entries are. */
export interface JsonMatrix {
  readonly matrix: AnyMatrix
  /**
   * The dotted path of the matrix in the document, `''` for the whole document, as a
   * `--key` that takes it (`showKey`: `a\.b` for the key "a.b").
   */
  readonly key: string
  /**
   * Where the entry (row, col), counted from 0, is in the document, in its own layout, with
   * its row and column counted from 1 as every message of the command counts them:
   * `X[1][2] (row 2, column 3)` in nested arrays, `data[5] (row 2, column 3)` in the
   * fixtures' formats.
   */
  readonly locate: (row: number, col: number) => string
}

/** A JSON object (not an array, not null). */
export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** `row R, column C`, counted from 1, of the entry (row, col) counted from 0. */
const rowColumn = (row: number, col: number): string => `row ${row + 1}, column ${col + 1}`

/** A JSON value found where something else was expected, as a message shows it. */
const describeJson = (value: unknown): string => {
  if (value === undefined) return 'nothing'
  if (Array.isArray(value)) return 'an array'
  if (isObject(value)) return 'an object'
  if (typeof value === 'number') return `a number (${value})`
  return typeof value === 'string' ? quoteCell(value) : String(value)
}

/** Up to five of an object's keys, quoted, for a message. */
const someKeys = (object: Record<string, unknown>): string => {
  const keys = Object.keys(object)
  if (keys.length === 0) return 'an empty object'
  const shown = keys.slice(0, 5).map((key) => JSON.stringify(key))
  return `an object with keys ${shown.join(', ')}${keys.length > 5 ? ', …' : ''}`
}

/**
 * What is wrong with nested arrays at `path` as rows of a matrix, named by its JSON path
 * (`X[1][2]`) and its row and column from 1; undefined when every row is an array of
 * numbers as long as the first (an empty matrix is left to the library to refuse).
 */
export const nestedArraysProblem = (rows: readonly unknown[], path: string): string | undefined => {
  const first = rows[0]
  const cols = Array.isArray(first) ? first.length : 0
  for (let i = 0; i < rows.length; i++) {
    const row: unknown = rows[i]
    if (!Array.isArray(row)) {
      return (
        `${path}[${i}] (row ${i + 1}): expected a row (an array of numbers), found ` +
        `${describeJson(row)} (a matrix is an array of rows, e.g. [[1, 2, 3]])`
      )
    }
    if (row.length !== cols) {
      return (
        `${path}[${i}] (row ${i + 1}): expected ${showEntries(cols)}, as row 1 has, ` +
        `found ${row.length}`
      )
    }
    for (let j = 0; j < cols; j++) {
      const entry: unknown = row[j]
      if (typeof entry !== 'number') {
        return (
          `${path}[${i}][${j}] (${rowColumn(i, j)}): expected a number, ` +
          `found ${describeJson(entry)}`
        )
      }
    }
  }
  return undefined
}

/**
 * The first entry of a dense `{ rows, cols, data }` object that is no number, named by its
 * index in `data` and its row and column; undefined when there is none, or when the shape
 * itself is wrong (the library names that).
 */
const denseDataProblem = (value: Record<string, unknown>, prefix: string): string | undefined => {
  const { rows, cols, data } = value
  if (!Number.isSafeInteger(rows) || !Number.isSafeInteger(cols) || !Array.isArray(data)) {
    return undefined
  }
  if ((rows as number) < 1 || (cols as number) < 1) return undefined
  if (data.length !== (rows as number) * (cols as number)) return undefined
  const q = data.findIndex((entry) => typeof entry !== 'number')
  if (q < 0) return undefined
  const place = rowColumn(Math.floor(q / (cols as number)), q % (cols as number))
  return `${prefix}data[${q}] (${place}): expected a number, found ${describeJson(data[q])}`
}

/**
 * Where the entry (row, col) of a CSR object is in the file: its index in `data`, found
 * through `indptr` and `indices` as the file has them; an entry the file does not store
 * (a zero) by its row and column alone.
 */
const csrPlace = (
  value: Record<string, unknown>,
  prefix: string,
): ((row: number, col: number) => string) => {
  const indptr = value.indptr as readonly number[]
  const indices = value.indices as readonly number[]
  return (row, col) => {
    for (let p = indptr[row]; p < indptr[row + 1]; p++) {
      if (indices[p] === col) return `${prefix}data[${p}] (${rowColumn(row, col)})`
    }
    return `${prefix}${rowColumn(row, col)} (not stored, so 0)`
  }
}

/**
 * Reads a matrix from JSON text; `key` (dotted, e.g. `expected.W`; see `valueAtKey`) picks
 * it inside a bigger document.
 *
 * @example
 * parseJsonMatrix('{"rows": 1, "cols": 2, "data": [0, 1]}', 'x.json') // Right(Matrix 1×2)
 */
export const parseJsonMatrix = (
  text: string,
  file: string,
  key?: string,
): CliResult<JsonMatrix> => {
  const parsed = parseJsonText(text, file)
  if (E.isLeft(parsed)) return parsed
  return jsonMatrixOf(parsed.right, file, key)
}

/**
 * The steps of a `--key`: split at its dots, except a dot after a backslash (`a\.b` is the
 * one key `a.b`); `\\` is a backslash, and a backslash before anything else stands for
 * itself (`a\b` is `a\b`).
 *
 * @example
 * keySteps('expected.W') // ['expected', 'W']
 * keySteps('a\\.b.c') // ['a.b', 'c']: the --key a\.b.c
 */
export const keySteps = (key: string): string[] => {
  const steps: string[] = []
  let step = ''
  for (let i = 0; i < key.length; i++) {
    const char = key[i]
    if (char === '\\' && (key[i + 1] === '.' || key[i + 1] === '\\')) step += key[++i]
    else if (char === '.') {
      steps.push(step)
      step = ''
    } else step += char
  }
  steps.push(step)
  return steps
}

/**
 * Steps as a `--key` that `keySteps` reads back to them: a dot inside a step as `\.`, a
 * backslash as `\\` where it would otherwise escape (before a dot or a backslash, or at
 * the end of a step). Keys without dots or backslashes are as they are: `expected.W`.
 */
export const showKey = (steps: readonly string[]): string =>
  steps
    .map((step) =>
      [...step]
        .map((char, i) =>
          char === '.'
            ? '\\.'
            : char === '\\' && (i === step.length - 1 || '.\\'.includes(step[i + 1]))
              ? '\\\\'
              : char,
        )
        .join(''),
    )
    .join('.')

/** A key of a document as a `--key` value to type: as it is if plain, else quoted (`'a\.b'`). */
const keyArgument = (key: string): string => {
  const shown = showKey([key])
  return /^[\w-]+$/.test(shown) ? shown : quotedToken(shown)
}

/**
 * The value at `key` in a JSON document, by the rule of `--key`. Its steps (`keySteps`) are
 * taken from the document down, as they always were; where a step is not a key of the
 * object it reaches, it is joined with the steps after it, across their dots, into the
 * longest key that object has (`--key a.b` takes `{"a.b": …}`, which has no key `a`;
 * `--key x.a.b.c`, `{"x": {"a.b": {"c": …}}}`). So a key that exists is always taken
 * first, and a path that took a matrix before still takes it; escaped dots (`a\.b`) choose
 * the key "a.b" where "a" exists too. With what was taken as `steps`, or why nothing was
 * found, saying what was tried.
 */
const valueAtKey = (
  document: unknown,
  steps: readonly string[],
): E.Either<string, { readonly value: unknown; readonly steps: readonly string[] }> => {
  const taken: string[] = []
  // The first key with dots passed over for a shorter one, as the --key that takes it, to
  // name if the walk finds nothing.
  let passedOver = ''
  const failed = (why: string) => E.left(`${why}${passedOver}`)
  let value = document
  for (let s = 0; s < steps.length;) {
    const where = s === 0 ? 'the document' : showKey(taken)
    if (!isObject(value)) return failed(`${where} is ${describeJson(value)}, not an object`)
    // The step, then the step joined with one, two, … of the next: the longest that is a key.
    const joins = steps.slice(s).map((_, t) => steps.slice(s, s + t + 1).join('.'))
    // Own keys only: `toString` or `__proto__` are no keys of a JSON document.
    const object = value
    let longest = joins.length
    while (longest > 0 && !Object.hasOwn(object, joins[longest - 1])) longest--
    const length = Object.hasOwn(object, joins[0]) ? 1 : longest
    if (length === 0) {
      if (joins.length === 1) return failed(`${where} is ${someKeys(object)}`)
      const tried = joins.map((name) => JSON.stringify(name))
      return failed(
        `${where} has no key ${tried.slice(0, -1).join(', ')} or ${tried.at(-1)}: ` +
          `it is ${someKeys(object)}`,
      )
    }
    if (longest > length && passedOver === '') {
      const other = showKey([...taken, joins[longest - 1], ...steps.slice(s + longest)])
      passedOver =
        `; --key ${quotedToken(other)} takes ${JSON.stringify(joins[longest - 1])} ` +
        `rather than ${JSON.stringify(joins[0])}`
    }
    taken.push(joins[length - 1])
    value = object[joins[length - 1]]
    s += length
  }
  return E.right({ value, steps: taken })
}

/** The keys that make an object a matrix in the fixtures' formats, or a fixture. */
const MATRIX_KEYS = ['format', 'rows', 'cols', 'data', 'X']

/** Whether a JSON value could be a matrix: nested arrays, or an object of the layouts. */
const looksLikeMatrix = (value: unknown): boolean =>
  Array.isArray(value) ||
  (isObject(value) && MATRIX_KEYS.some((name) => Object.hasOwn(value, name)))

/** Whether a value under a key could be a matrix of its own: rows of arrays, or a layout. */
const holdsMatrix = (value: unknown): boolean =>
  Array.isArray(value) ? value.length > 0 && value.every(Array.isArray) : looksLikeMatrix(value)

/** The matrix in a JSON value already parsed, as `parseJsonMatrix` reads it from text. */
export const jsonMatrixOf = (
  document: unknown,
  file: string,
  key?: string,
): CliResult<JsonMatrix> => {
  let value = document
  let path = key ?? ''
  // Own keys only: `toString` or `__proto__` are no keys of a JSON document.
  const has = (object: Record<string, unknown>, name: string) => Object.hasOwn(object, name)
  if (key === undefined && isObject(value) && !has(value, 'data') && has(value, 'X')) path = 'X'
  if (key === undefined && isObject(document) && !MATRIX_KEYS.some((name) => has(document, name))) {
    // The hint names a key whose value could be a matrix, else one holding an object that
    // --key can go into (not an array: --key takes no index), else none.
    const keys = Object.keys(document)
    const likely =
      keys.find((name) => holdsMatrix(document[name])) ??
      keys.find((name) => isObject(document[name]))
    return E.left(
      inputError(
        file,
        'expected a matrix: nested arrays, an object { rows, cols, data } or a fixture ' +
          `with the key X; found ${someKeys(document)}` +
          (likely === undefined
            ? ''
            : ` (pick the matrix with --key, e.g. --key ${keyArgument(likely)})`),
      ),
    )
  }
  if (path !== '') {
    let found = valueAtKey(value, keySteps(path))
    if (E.isLeft(found) && path.includes('\\')) {
      // Its backslashes as they are, as --key read them before it took escapes: a key
      // `tail\` then `b` was `--key tail\.b`, and still is where nothing else matches.
      const literal = valueAtKey(value, path.split('.'))
      if (E.isRight(literal)) found = literal
    }
    if (E.isLeft(found)) {
      return E.left(
        inputError(file, `expected a key ${JSON.stringify(path)}, found none (${found.left})`),
      )
    }
    value = found.right.value
    // As a --key that takes it: `a\.b` when the key "a.b" was taken whole.
    path = showKey(found.right.steps)
  }
  const at = path === '' ? '' : `${path}: `
  const prefix = path === '' ? '' : `${path}.`
  if (isObject(value) && value.format === 'nmfkit-model') {
    return E.left(
      inputError(
        file,
        `${at}expected a matrix, found an nmfkit model (pick a factor with --key ${prefix}W)`,
      ),
    )
  }
  if (Array.isArray(value)) {
    // Checked here rather than by Matrix.fromArrays, to name the place by its JSON path.
    const problem = nestedArraysProblem(value, path)
    if (problem !== undefined) return E.left(inputError(file, problem))
    const matrix = Matrix.fromArrays(value as number[][])
    return E.isLeft(matrix)
      ? E.left(inputError(file, `${at}${withoutOperation(matrix.left.message)}`))
      : E.right({
          matrix: matrix.right,
          key: path,
          locate: (row, col) => `${path}[${row}][${col}] (${rowColumn(row, col)})`,
        })
  }
  if (!isObject(value)) {
    return E.left(
      inputError(
        file,
        `${at}expected a matrix object { rows, cols, data } or nested arrays, ` +
          `found ${describeValue(value)}`,
      ),
    )
  }
  // An object with `data` but no size: most likely nested arrays kept under a key "data".
  const size = ['rows', 'cols'].filter((name) => !has(value, name))
  if (size.length > 0) {
    return E.left(
      inputError(
        file,
        `${at}expected a matrix object { rows, cols, data }, found ${someKeys(value)}, ` +
          `without ${size.join(' or ')}` +
          (has(value, 'data') && holdsMatrix(value.data)
            ? ` (pick the matrix under "data" with --key ${prefix}data)`
            : ''),
      ),
    )
  }
  const problem = value.format === 'csr' ? undefined : denseDataProblem(value, prefix)
  if (problem !== undefined) return E.left(inputError(file, problem))
  const matrix = fromJSON(value)
  if (E.isLeft(matrix)) {
    return E.left(inputError(file, `${at}${withoutOperation(matrix.left.message)}`))
  }
  const cols = matrix.right.cols
  return E.right({
    matrix: matrix.right,
    key: path,
    locate:
      matrix.right.format === 'csr'
        ? csrPlace(value, prefix)
        : (row, col) => `${prefix}data[${row * cols + col}] (${rowColumn(row, col)})`,
  })
}

/** A matrix in the fixtures' JSON format, dense and row-major. */
export const formatJsonMatrix = (matrix: Matrix): string => `${JSON.stringify(matrix.toJSON())}\n`
