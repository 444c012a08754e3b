/**
 * Reading a matrix file of any supported format. The format comes from
 * `--format`, else the extension (`.csv`, `.tsv`, `.txt`, `.mtx`, `.npy`,
 * `.json`, each optionally `.gz`), else the first bytes. Gzip is recognized by
 * its magic bytes, whatever the name; a name ending in `.gz` must hold gzip.
 * `-` reads stdin.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import * as E from 'fp-ts/lib/Either.js'
import type { AnyMatrix } from 'nmfkit'
import {
  fileName,
  inputError,
  quotedBytes,
  quotedToken,
  usageError,
  type CliResult,
} from '../errors.ts'
import { rememberInput, writeFailure } from '../files.ts'
import { delimiterName, parseDelimited, type DelimitedOptions, type RepeatedName } from './csv.ts'
import { parseJsonMatrix } from './json.ts'
import { parseMatrixMarket } from './mtx.ts'
import { parseNpy } from './npy.ts'
import { decodeUtf8 } from './text.ts'

/** The input formats, by the name `--format` takes. */
export const inputFormats = ['csv', 'tsv', 'txt', 'mtx', 'npy', 'json'] as const
export type InputFormat = (typeof inputFormats)[number]

/** How to read an input file. */
export interface ReadOptions extends DelimitedOptions {
  readonly format?: InputFormat
  /** For JSON: the dotted key of the matrix in the document. */
  readonly key?: string
}

/** A matrix read from a file, with what is known of where its entries came from. */
export interface LoadedMatrix {
  readonly file: string
  readonly matrix: AnyMatrix
  /** e.g. `CSV (comma-separated), header row, column 65 left out`. */
  readonly description: string
  readonly rowNames?: readonly string[]
  readonly columnNames?: readonly string[]
  /** Where the entry (row, col), counted from 0, is in the file: `line 4, column 2`. */
  readonly locate: (row: number, col: number) => string
}

/** The format an extension names, ignoring a final `.gz`. */
export const formatOfPath = (path: string): InputFormat | undefined => {
  const match = /\.([a-z]+)$/i.exec(path.replace(/\.gz$/i, ''))
  const extension = match?.[1].toLowerCase()
  return inputFormats.find((format) => format === extension)
}

/** The format the first bytes suggest, for names without a known extension. */
export const sniffFormat = (bytes: Uint8Array): InputFormat => {
  const start = new TextDecoder()
    .decode(bytes.subarray(0, 64))
    .replace(/^\uFEFF/, '')
    .trimStart()
  if (bytes[0] === 0x93 && start.slice(1, 6) === 'NUMPY') return 'npy'
  // In any case, so that the Matrix Market reader names a miscapitalized banner.
  if (start.slice(0, 14).toLowerCase() === '%%matrixmarket') return 'mtx'
  if (start.startsWith('{') || start.startsWith('[')) return 'json'
  return 'txt'
}

/**
 * The most bytes an input may have: Node reads no larger regular file (2 GiB − 1), and a
 * stream (stdin, a pipe, a device) is read up to as many; one that goes on is refused
 * there rather than read until memory runs out (`/dev/zero`).
 */
export const MAX_INPUT_BYTES = 2 ** 31 - 1

const CHUNK_BYTES = 1 << 20

/** Waits `ms` on this thread (a stream with no data yet, opened non-blocking). */
const pause = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/**
 * All the bytes of the open file `fd` up to its end, read in chunks; 'too long' once there
 * are more than `limit`.
 */
export const readBounded = (fd: number, limit: number): Uint8Array | 'too long' => {
  // One buffer to read into, each read copied out at its length: a pipe hands over 64 KiB
  // at most a read, and chunks kept whole would hold 16 times the bytes read.
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES)
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    let read: number
    try {
      read = readSync(fd, buffer, 0, CHUNK_BYTES, null)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EAGAIN') {
        pause(5)
        continue
      }
      if (code === 'EOF') break
      throw error
    }
    if (read === 0) break
    total += read
    if (total > limit) return 'too long'
    chunks.push(Buffer.from(buffer.subarray(0, read)))
  }
  return Buffer.concat(chunks, total)
}

/**
 * A regular file at once (its size, when past the limit); anything else (stdin, a pipe, a
 * device) by `readBounded`.
 */
const readWhole = (path: string, limit: number): Uint8Array | 'too long' | number => {
  if (path !== '-') {
    const stats = statSync(path)
    if (stats.isFile()) return stats.size > limit ? stats.size : readFileSync(path)
  }
  const fd = path === '-' ? 0 : openSync(path, 'r')
  try {
    return readBounded(fd, limit)
  } finally {
    if (fd !== 0) closeSync(fd)
  }
}

const readBytes = (path: string): CliResult<Uint8Array> => {
  // As an empty output name is refused (cli/files.ts), in the same words.
  if (path === '') return E.left(inputError(path, 'expected a file name, found an empty one'))
  try {
    const bytes = readWhole(path, MAX_INPUT_BYTES)
    if (typeof bytes === 'object') return E.right(bytes)
    // A file's size is known; a stream was read until it passed the limit.
    const found = bytes === 'too long' ? 'more: a stream that does not end?' : String(bytes)
    return E.left(
      inputError(path, `expected at most ${MAX_INPUT_BYTES} bytes (2 GiB), found ${found}`),
    )
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason =
      code === 'ENOENT'
        ? 'expected a file, found none'
        : code === 'EISDIR'
          ? 'expected a file, found a folder'
          : code === 'EACCES'
            ? 'cannot read it (permission denied)'
            : // The system's words without its code and the path (named before them).
              `cannot read it (${writeFailure(error)})`
    return E.left(inputError(path, reason))
  }
}

/** Whether a path's name says gzip: it ends in `.gz`, in any case, as `formatOfPath` reads it. */
const namedGzip = (path: string): boolean => /\.gz$/i.test(path)

/**
 * The bytes, gunzipped when they start with gzip's magic bytes (1f 8b), whatever the name;
 * all members of a multi-member file, as gunzip writes them. A file named `.gz` that does
 * not start with them is refused, showing its first bytes: read as it is, it would fail as
 * text with no word of gzip, or, worse, be read as a matrix that its name does not promise.
 * Unpacked, the bytes may be no more than `limit` (an input's, MAX_INPUT_BYTES): a small
 * archive can unpack to far more than memory holds.
 */
export const gunzip = (
  bytes: Uint8Array,
  file: string,
  path: string,
  limit = MAX_INPUT_BYTES,
): CliResult<Uint8Array> => {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    if (!namedGzip(path)) return E.right(bytes)
    const found = bytes.length === 0 ? 'an empty file' : `other bytes: ${quotedBytes(bytes)}`
    return E.left(
      inputError(
        file,
        `expected gzip data (starting with \\x1f\\x8b), as its name ends in .gz, ` +
          `found ${found} (a file that is not compressed needs a name without .gz)`,
      ),
    )
  }
  try {
    return E.right(gunzipSync(bytes, { maxOutputLength: limit }))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      return E.left(
        inputError(
          file,
          `expected at most ${limit} bytes once unpacked, as an input may have, found more ` +
            `in ${bytes.length} bytes of gzip data`,
        ),
      )
    }
    return E.left(
      inputError(file, `expected gzip data, found a damaged archive (${(error as Error).message})`),
    )
  }
}

/** A file's bytes, gunzipped when they are gzip; its name for messages (`stdin` for `-`). */
export const readInputBytes = (
  path: string,
): CliResult<{ readonly file: string; readonly bytes: Uint8Array; readonly gzipped: boolean }> => {
  const file = path === '-' ? 'stdin' : path
  const raw = readBytes(path)
  if (E.isLeft(raw)) return raw
  rememberInput(path)
  const bytes = gunzip(raw.right, file, path)
  if (E.isLeft(bytes)) return bytes
  return E.right({ file, bytes: bytes.right, gzipped: bytes.right !== raw.right })
}

/**
 * What the description adds after `columns … left out` when a name of `--drop-columns`
 * matched several columns, all left out: ` (2 and 3 both named 'a')`.
 */
const repeatedNote = (repeated: readonly RepeatedName[]): string => {
  if (repeated.length === 0) return ''
  const each = repeated.map(({ name, columns }) => {
    const list = `${columns.slice(0, -1).join(', ')} and ${columns.at(-1)}`
    return `${list} ${columns.length === 2 ? 'both' : 'all'} named ${quotedToken(name)}`
  })
  return ` (${each.join('; ')})`
}

/**
 * The first flag in `options` that the format does not read (a flag it ignored would
 * leave, say, a label column in the fit), or undefined.
 */
const flagNotFor = (format: InputFormat, options: ReadOptions): string | undefined => {
  const delimited = format === 'csv' || format === 'tsv' || format === 'txt'
  if (!delimited) {
    if (options.delimiter !== undefined) return '--delimiter'
    if (options.header !== undefined) return options.header ? '--header' : '--no-header'
    if (options.rowNames !== undefined) return options.rowNames ? '--row-names' : '--no-row-names'
    if (options.dropColumns !== undefined) return '--drop-columns'
  }
  if (format !== 'json' && options.key !== undefined) return '--key'
  return undefined
}

/** A usage error for the first flag of `options` that `file`, read as `format`, takes not. */
export const flagsRefused = (
  format: InputFormat,
  options: ReadOptions,
  file: string,
): CliResult<void> => {
  const unused = flagNotFor(format, options)
  if (unused === undefined) return E.right(undefined)
  const kind = unused === '--key' ? 'JSON' : 'delimited text (.csv, .tsv, .txt)'
  return E.left(
    usageError(
      `option ${unused}: applies to ${kind}, not to ${fileName(file)} (read as ${format})`,
    ),
  )
}

/**
 * Reads the matrix in `path`.
 *
 * @example
 * readMatrixFile('data/digits.csv.gz', { dropColumns: ['last'] })
 * // Right({ matrix: 1797×64, ... })
 */
export const readMatrixFile = (
  path: string,
  options: ReadOptions = {},
): CliResult<LoadedMatrix> => {
  const input = readInputBytes(path)
  if (E.isLeft(input)) return input
  return parseMatrixBytes(path, input.right, options)
}

/** The matrix in bytes already read from `path` (by `readInputBytes`). */
export const parseMatrixBytes = (
  path: string,
  input: { readonly file: string; readonly bytes: Uint8Array; readonly gzipped: boolean },
  options: ReadOptions = {},
): CliResult<LoadedMatrix> => {
  const { file, bytes, gzipped } = input
  const format = options.format ?? formatOfPath(path) ?? sniffFormat(bytes)
  const gz = gzipped ? ', gzipped' : ''
  const unused = flagsRefused(format, options, file)
  if (E.isLeft(unused)) return unused

  switch (format) {
    case 'npy': {
      const read = parseNpy(bytes, file)
      if (E.isLeft(read)) return read
      const { matrix, dtype, fortranOrder, bigEndian } = read.right
      return E.right({
        file,
        matrix,
        description:
          `NumPy .npy, ${dtype}${bigEndian ? ' big-endian' : ''}, ` +
          `${fortranOrder ? 'Fortran' : 'C'} order${gz}`,
        locate: (row, col) => `row ${row + 1}, column ${col + 1}`,
      })
    }
    case 'mtx': {
      const text = decodeUtf8(bytes, file)
      if (E.isLeft(text)) return text
      const read = parseMatrixMarket(text.right, file)
      if (E.isLeft(read)) return read
      const { matrix, header } = read.right
      return E.right({
        file,
        matrix,
        description:
          `Matrix Market ${header.format} ${header.field} ${header.symmetry}${gz}, ` +
          (matrix.format === 'csr' ? 'kept sparse' : 'dense'),
        // A symmetric file stores the lower triangle: the entry as the file has it.
        locate: (row, col) =>
          header.symmetry === 'symmetric'
            ? `entry (${Math.max(row, col) + 1}, ${Math.min(row, col) + 1})`
            : `entry (${row + 1}, ${col + 1})`,
      })
    }
    case 'json': {
      const text = decodeUtf8(bytes, file)
      if (E.isLeft(text)) return text
      const read = parseJsonMatrix(text.right, file, options.key)
      if (E.isLeft(read)) return read
      const { matrix, key, locate } = read.right
      return E.right({
        file,
        matrix,
        description:
          `JSON${key === '' ? '' : `, key ${key}`}${gz}, ` +
          `${matrix.format === 'csr' ? 'sparse (CSR)' : 'dense'}`,
        locate,
      })
    }
    case 'csv':
    case 'tsv':
    case 'txt': {
      const delimiter =
        options.delimiter ?? (format === 'csv' ? ',' : format === 'tsv' ? '\t' : undefined)
      const text = decodeUtf8(bytes, file)
      if (E.isLeft(text)) return text
      const read = parseDelimited(text.right, file, { ...options, delimiter })
      if (E.isLeft(read)) return read
      const table = read.right
      const notes = [
        `${format === 'txt' ? 'text' : format.toUpperCase()} ` +
          `(${delimiterName(table.delimiter)}-separated${gz})`,
        ...(table.header ? ['header row'] : []),
        ...(table.rowNames === undefined ? [] : ['row names']),
        ...(table.dropped.length === 0
          ? []
          : [
              `column${table.dropped.length > 1 ? 's' : ''} ${table.dropped.join(', ')} left out` +
                repeatedNote(table.repeatedNames),
            ]),
      ]
      return E.right({
        file,
        matrix: table.matrix,
        description: notes.join(', '),
        ...(table.rowNames === undefined ? {} : { rowNames: table.rowNames }),
        ...(table.columnNames === undefined ? {} : { columnNames: table.columnNames }),
        locate: (row, col) => `line ${table.lineOf(row)}, column ${table.columnOf(col)}`,
      })
    }
    default:
      return E.left(
        usageError(
          `option --format: expected one of ${inputFormats.join(', ')}, ` +
            `found ${quotedToken(String(format))}`,
        ),
      )
  }
}
