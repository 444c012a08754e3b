/**
 * Matrices in JSON: the format of the fixtures (`{ "format": "dense", "rows",
 * "cols", "data" }` row-major, or `{ "format": "csr", ... }`; see
 * test/fixtures/README.md), nested arrays (one per row), or any of these inside
 * a bigger document, picked by a dotted key: a fixture file's `X` is taken by
 * default, `--key expected.W` takes another.
 */
import * as E from 'fp-ts/lib/Either.js'
import { fromJSON, Matrix, type AnyMatrix } from 'nmfkit'
import { inputError, quoteCell, type CliResult } from '../errors.ts'
import { notUtf8Text, TOO_SMALL, underflows } from './text.ts'

/** A short rendering of what is at `at` in `text`, for messages. */
const foundAt = (text: string, at: number): string => {
  if (at >= text.length) return 'the end of the file'
  if (text[at] === '\n' || text[at] === '\r') return 'the end of the line'
  const word = /[\w+\-.]+/y
  word.lastIndex = at
  const match = word.exec(text)
  return quoteCell(match === null ? text[at] : match[0])
}

const WHITESPACE = /[ \t\n\r]*/y
const DIGITS = /\d*/y

/**
 * Where the first syntax error of `text` is, and what was expected there, by a scan of
 * JSON's grammar (RFC 8259) with a stack rather than recursion, so deep nesting is no
 * problem; undefined when the text is valid JSON.
 */
export const jsonSyntaxError = (
  text: string,
): { readonly at: number; readonly expected: string } | undefined => {
  let at = 0
  const skip = (): void => {
    WHITESPACE.lastIndex = at
    WHITESPACE.exec(text)
    at = WHITESPACE.lastIndex
  }
  /** Scans a string that starts at `at`; the error's expectation, if it is not one. */
  const string = (): string | undefined => {
    at++
    for (;;) {
      if (at >= text.length) return 'a closing quote'
      const char = text.charCodeAt(at)
      if (char === 0x22) {
        at++
        return undefined
      }
      if (char < 0x20) return 'a closing quote'
      if (char === 0x5c) {
        const escape = text[at + 1]
        if (escape === 'u') {
          at += 2
          for (let k = 0; k < 4; k++, at++) {
            if (!/[\da-fA-F]/.test(text[at] ?? '')) return 'a hexadecimal digit (\\u takes four)'
          }
        } else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) at += 2
        else {
          at++
          return 'an escape: one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX'
        }
      } else at++
    }
  }
  /** Scans the digits at `at`; whether there was one. */
  const digits = (): boolean => {
    DIGITS.lastIndex = at
    DIGITS.exec(text)
    const any = DIGITS.lastIndex > at
    at = DIGITS.lastIndex
    return any
  }
  /** Scans a number that starts at `at`; the error's expectation, if it is not one. */
  const number = (): { expected?: string } => {
    if (text[at] === '-') at++
    if (text[at] === '0') at++
    else if (!digits()) return { expected: "a digit after '-'" }
    if (text[at] === '.') {
      at++
      if (!digits()) return { expected: "a digit after '.'" }
    }
    if (text[at] === 'e' || text[at] === 'E') {
      at++
      if (text[at] === '+' || text[at] === '-') at++
      if (!digits()) return { expected: 'a digit in the exponent' }
    }
    return {}
  }
  /** Scans a value at `at` (after whitespace); the open container, or an expectation. */
  const value = (): { open?: '[' | '{'; expected?: string } => {
    const char = text[at]
    if (char === '[' || char === '{') {
      at++
      return { open: char }
    }
    if (char === '"') {
      const expected = string()
      return expected === undefined ? {} : { expected }
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, at)) {
        at += literal.length
        return {}
      }
    }
    if (char === '-' || (char >= '0' && char <= '9')) return number()
    return { expected: 'a value' }
  }

  const stack: ('[' | '{')[] = []
  // What comes next: a value, a property (its name, ':' and its value), the first item or
  // the end of a container, or what follows an item (',' or the end of its container).
  let state: 'value' | 'property' | 'first' | 'after' = 'value'
  for (;;) {
    skip()
    const top = stack[stack.length - 1]
    const close = top === '[' ? ']' : '}'
    if (state === 'after' || state === 'first') {
      if (top === undefined) {
        return at >= text.length ? undefined : { at, expected: 'nothing after the value' }
      }
      if (text[at] === close) {
        stack.pop()
        at++
        state = 'after'
        continue
      }
      if (state === 'after') {
        if (text[at] !== ',') return { at, expected: `',' or '${close}'` }
        at++
        skip()
      }
      state = top === '[' ? 'value' : 'property'
    }
    if (state === 'property') {
      if (text[at] !== '"') return { at, expected: 'a property name in double quotes' }
      const expected = string()
      if (expected !== undefined) return { at, expected }
      skip()
      if (text[at] !== ':') return { at, expected: "':' after the property name" }
      at++
      skip()
    }
    const scanned = value()
    if (scanned.expected !== undefined) return { at, expected: scanned.expected }
    if (scanned.open === undefined) state = 'after'
    else {
      stack.push(scanned.open)
      state = 'first'
    }
  }
}

/** The text as a JSON value; a syntax error names the line and column. */
export const parseJsonText = (text: string, file: string): CliResult<unknown> => {
  const encoding = notUtf8Text(text, file)
  if (encoding !== undefined) return E.left(encoding)
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  if (body.trim() === '') return E.left(inputError(file, 'the file is empty; expected JSON'))
  let parsed: unknown
  try {
    parsed = JSON.parse(body) as unknown
  } catch (error) {
    const found = jsonSyntaxError(body)
    if (found === undefined) {
      // The scan and the parser disagree: V8's words, on one line, without its excerpt.
      const reason = (error as Error).message
        .replace(/,? (?:\.\.\.)?"[\s\S]*" is not valid JSON$/, '')
        .replace(/\s+/g, ' ')
      return E.left(inputError(file, `expected valid JSON, found a syntax error (${reason})`))
    }
    return E.left(
      inputError(
        file,
        `${placeOf(body, found.at)}: expected valid JSON, found a syntax error ` +
          `(expected ${found.expected}, found ${foundAt(body, found.at)})`,
      ),
    )
  }
  // JSON.parse reads 1e-400 as 0 without a word; the CSV reader refuses it, and so does this.
  const tiny = underflowAt(body)
  if (tiny !== undefined) {
    return E.left(
      inputError(
        file,
        `${placeOf(body, tiny.at)}: expected a number, found ${quoteCell(tiny.literal)}, ` +
          TOO_SMALL,
      ),
    )
  }
  return E.right(parsed)
}

/** `line L, column C` (from 1) of the character at `at` in `body`. */
const placeOf = (body: string, at: number): string => {
  const before = body.slice(0, at)
  return `line ${before.split('\n').length}, column ${at - before.lastIndexOf('\n')}`
}

/**
 * The first number literal of a JSON text, outside its strings, that is nonzero but too
 * small for a double (so JSON.parse read it as 0), with where it starts. Such a literal has
 * an exponent of -100 or below or runs to hundreds of digits; a text with neither is not
 * scanned. The scan is one regular expression that steps over strings and numbers.
 */
const underflowAt = (
  body: string,
): { readonly at: number; readonly literal: string } | undefined => {
  if (!/[eE]-\d{3}|\d{300}/.test(body)) return undefined
  const tokens = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g
  for (let match = tokens.exec(body); match !== null; match = tokens.exec(body)) {
    const literal = match[0]
    if (literal.startsWith('"')) continue
    const exponent = literal.search(/[eE]-/)
    const suspect = literal.length > 300 || (exponent >= 0 && literal.length - exponent > 4)
    if (suspect && underflows(literal, Number(literal))) return { at: match.index, literal }
  }
  return undefined
}

/** The library's message without its leading `operation: `. */
export const withoutOperation = (message: string): string => message.replace(/^[\w.]+: /, '')

/** A matrix from JSON, with the key it was found under. */
export interface JsonMatrix {
  readonly matrix: AnyMatrix
  /** The dotted path of the matrix in the document, `''` for the whole document. */
  readonly key: string
}

/** A JSON object (not an array, not null). */
export const isObject = (value: unknown): value is Record<string, unknown> =>
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
    // Matrix.fromArrays names a row that is not an array, and an entry that is not a
    // number with its row, column (from 0, as JSON indexes) and value.
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
