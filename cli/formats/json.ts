/**
 * Matrices in JSON: the format of the fixtures (`{ "format": "dense", "rows",
 * "cols", "data" }` row-major, or `{ "format": "csr", ... }`; see
 * test/fixtures/README.md), nested arrays (one per row), or any of these inside
 * a bigger document, picked by a dotted key: a fixture file's `X` is taken by
 * default, `--key expected.W` takes another.
 */
import * as E from 'fp-ts/lib/Either.js'
import { fromJSON, Matrix, type AnyMatrix } from 'nmfkit'
import { inputError, type CliResult } from '../errors.ts'

/** The text as a JSON value; a syntax error names the line and column. */
export const parseJsonText = (text: string, file: string): CliResult<unknown> => {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  if (body.trim() === '') return E.left(inputError(file, 'the file is empty; expected JSON'))
  try {
    return E.right(JSON.parse(body) as unknown)
  } catch (error) {
    const reason = (error as Error).message
    const position = /at position (\d+)/.exec(reason)
    let where = ''
    if (position !== null) {
      const before = body.slice(0, Number(position[1]))
      const line = before.split('\n').length
      where = `line ${line}, column ${before.length - before.lastIndexOf('\n')}: `
    }
    const what = reason
      .replace(/ in JSON at position \d+.*$/, '')
      .replace(/, ".*" is not valid JSON$/, '')
    return E.left(inputError(file, `${where}expected valid JSON, found a syntax error (${what})`))
  }
}

/** The library's message without its leading `operation: `. */
export const withoutOperation = (message: string): string => message.replace(/^[\w.]+: /, '')

/** A matrix from JSON, with the key it was found under. */
export interface JsonMatrix {
  readonly matrix: AnyMatrix
  /** The dotted path of the matrix in the document, `''` for the whole document. */
  readonly key: string
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Reads a matrix from JSON text; `key` (dotted, e.g. `expected.W`) picks it
 * inside a bigger document.
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

/** The matrix in a JSON value already parsed, as `parseJsonMatrix` reads it from text. */
export const jsonMatrixOf = (
  document: unknown,
  file: string,
  key?: string,
): CliResult<JsonMatrix> => {
  let value = document
  let path = key ?? ''
  if (key === undefined && isObject(value) && !('data' in value) && 'X' in value) path = 'X'
  if (path !== '') {
    for (const step of path.split('.')) {
      if (!isObject(value) || !(step in value)) {
        return E.left(inputError(file, `expected a key ${JSON.stringify(path)}, found none`))
      }
      value = value[step]
    }
  }
  const at = path === '' ? '' : `${path}: `
  if (isObject(value) && value.format === 'nmfkit-model') {
    return E.left(
      inputError(
        file,
        `${at}expected a matrix, found an nmfkit model (pick a factor with --key W)`,
      ),
    )
  }
  if (Array.isArray(value)) {
    if (!value.every((row) => Array.isArray(row) && row.every((v) => typeof v === 'number'))) {
      const bad = value.findIndex(
        (row) => !Array.isArray(row) || row.some((v) => typeof v !== 'number'),
      )
      return E.left(inputError(file, `${at}row ${bad}: expected an array of numbers`))
    }
    const matrix = Matrix.fromArrays(value as number[][])
    return E.isLeft(matrix)
      ? E.left(inputError(file, `${at}${withoutOperation(matrix.left.message)}`))
      : E.right({ matrix: matrix.right, key: path })
  }
  if (!isObject(value)) {
    return E.left(
      inputError(
        file,
        `${at}expected a matrix object { rows, cols, data } or nested arrays, ` +
          `found ${typeof value}`,
      ),
    )
  }
  const matrix = fromJSON(value)
  return E.isLeft(matrix)
    ? E.left(inputError(file, `${at}${withoutOperation(matrix.left.message)}`))
    : E.right({ matrix: matrix.right, key: path })
}

/** A matrix in the fixtures' JSON format, dense and row-major. */
export const formatJsonMatrix = (matrix: Matrix): string => `${JSON.stringify(matrix.toJSON())}\n`
