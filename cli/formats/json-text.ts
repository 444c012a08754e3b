/**
 * JSON text read for a matrix file: parsed with `JSON.parse`, and where that fails, the
 * first syntax error found by a scan of our own, named by its line and column and what
 * was expected there; numbers beyond a double's range are refused by their place, not
 * read as ±Infinity or 0.
 */
import * as E from 'fp-ts/lib/Either.js'
import { inputError, quoteCell, type CliResult } from '../errors.ts'
import { notUtf8Text, placeOf, TOO_SMALL, underflows } from './text.ts'

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
  // JSON.parse reads 1e-400 as 0 and 1e400 as Infinity without a word; the CSV reader
  // refuses both, and so does this.
  const outside = outOfRangeAt(body)
  if (outside !== undefined) {
    const found = quoteCell(outside.literal)
    return E.left(
      inputError(
        file,
        `${placeOf(body, outside.at)}: ` +
          (outside.tooLarge
            ? `expected a finite number, found ${found}, too large for a double`
            : `expected a number, found ${found}, ${TOO_SMALL}`),
      ),
    )
  }
  return E.right(parsed)
}

/**
 * The first number literal of a JSON text, outside its strings, that a double cannot hold:
 * nonzero but too small (JSON.parse read it as 0) or too large (read as Infinity), with
 * where it starts. Such a literal has an exponent of three digits or runs to hundreds of
 * digits; a text with neither is not scanned. The scan is one regular expression that
 * steps over strings and numbers.
 */
const outOfRangeAt = (
  body: string,
): { readonly at: number; readonly literal: string; readonly tooLarge: boolean } | undefined => {
  if (!/[eE][+-]?\d{3}|\d{300}/.test(body)) return undefined
  const tokens = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g
  for (let match = tokens.exec(body); match !== null; match = tokens.exec(body)) {
    const literal = match[0]
    if (literal.startsWith('"')) continue
    const exponent = literal.search(/[eE]/)
    if (literal.length <= 300 && (exponent < 0 || literal.length - exponent <= 3)) continue
    const value = Number(literal)
    if (!Number.isFinite(value)) return { at: match.index, literal, tooLarge: true }
    if (underflows(literal, value)) return { at: match.index, literal, tooLarge: false }
  }
  return undefined
}
