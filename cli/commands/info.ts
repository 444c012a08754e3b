/**
 * `nmfkit info INPUT`: what is in a matrix file and what a fit of it needs:
 * shape, stored entries, value range, negative and non-finite entries (NaN,
 * ±Infinity; a fit refuses both), all-zero rows and columns, the default init,
 * the size of the factors, and whether zeros rule out β ≤ 0.
 */
import { parseArgs } from 'node:util'
import * as E from 'fp-ts/lib/Either.js'
import { Matrix, type AnyMatrix } from 'nmfkit'
import { inputFlags, inputFlagsHelp, readOptionsOf, startCommand } from '../args.ts'
import { fileName, type CliResult } from '../errors.ts'
import { readMatrixFile, type LoadedMatrix } from '../formats/read.ts'
import { counted } from '../../core/show.ts'
import { largestComponents, MAX_ARRAY_ENTRIES } from '../../solvers/nmf.ts'

export const infoUsage = `usage: nmfkit info INPUT [options]

Describes the matrix in INPUT (rows are samples, columns features): its shape,
stored entries, value range, negative and non-finite (NaN, Infinity) entries,
which a fit refuses, all-zero rows and columns, and what a fit of it needs
(zeros rule out --loss itakura-saito and any other β ≤ 0).

Options:
  --json                 print the description as JSON
  -h, --help             print this help

${inputFlagsHelp}
`

/** What `info` finds in a matrix. */
export interface MatrixInfo {
  readonly file: string
  readonly description: string
  readonly rows: number
  readonly cols: number
  readonly storage: 'dense' | 'csr'
  readonly nonZeros: number
  /** The range and mean of the finite entries; absent when none is finite. */
  readonly min?: number
  readonly max?: number
  readonly mean?: number
  /** Entries below 0 (finite ones: -Infinity is counted in `nonFinite`). */
  readonly negatives: number
  /** Where the first negative entry is in the file, and its value. */
  readonly firstNegative?: string
  /** Entries that are NaN, Infinity or -Infinity. */
  readonly nonFinite: number
  /** Where the first non-finite entry is in the file, and its value. */
  readonly firstNonFinite?: string
  readonly zeroRows: number
  readonly zeroColumns: number
  /** Whether a fit refuses X as it is: it has negative or non-finite entries. */
  readonly fitRefused: boolean
  /** The most components a fit accepts: its factors must each fit in nmf's largest array. */
  readonly maxComponents: number
}

/** Visits every entry that is stored (all of a dense matrix, the stored ones of a CSR matrix). */
const forEachStored = (
  matrix: AnyMatrix,
  visit: (row: number, col: number, value: number) => void,
): void => {
  if (matrix.format === 'dense') {
    const values = matrix.toFloat64Array()
    for (let q = 0; q < values.length; q++)
      visit(Math.floor(q / matrix.cols), q % matrix.cols, values[q])
    return
  }
  for (let i = 0; i < matrix.rows; i++) {
    for (let q = matrix.indptr[i]; q < matrix.indptr[i + 1]; q++)
      visit(i, matrix.indices[q], matrix.data[q])
  }
}

/** The smallest, largest and mean of the finite entries (a CSR matrix's zeros count). */
const finiteRange = (
  matrix: AnyMatrix,
): { readonly min?: number; readonly max?: number; readonly mean?: number } => {
  const finite: number[] = []
  let stored = 0
  forEachStored(matrix, (_row, _col, value) => {
    stored++
    if (Number.isFinite(value)) finite.push(value)
  })
  const zeros = matrix.rows * matrix.cols - stored
  const count = finite.length + zeros
  if (count === 0) return {}
  if (finite.length === 0) return { min: 0, max: 0, mean: 0 }
  const values = Matrix.fromData(1, finite.length, finite)
  if (E.isLeft(values)) return {}
  // The mean of the stored finite values, scaled to count the zeros: no sum that overflows.
  return {
    min: Math.min(values.right.min(), zeros > 0 ? 0 : Infinity),
    max: Math.max(values.right.max(), zeros > 0 ? 0 : -Infinity),
    mean: values.right.mean() * (finite.length / count),
  }
}

/** The numbers `info` prints. */
export const describeMatrix = (loaded: LoadedMatrix): MatrixInfo => {
  const { matrix } = loaded
  const rowHasValue = new Uint8Array(matrix.rows)
  const colHasValue = new Uint8Array(matrix.cols)
  let nonZeros = 0
  let negatives = 0
  let firstNegative: string | undefined
  let nonFinite = 0
  let firstNonFinite: string | undefined
  forEachStored(matrix, (row, col, value) => {
    if (value === 0) return
    nonZeros++
    rowHasValue[row] = 1
    colHasValue[col] = 1
    if (!Number.isFinite(value)) {
      nonFinite++
      firstNonFinite ??= `${loaded.locate(row, col)}: ${value}`
    } else if (value < 0) {
      negatives++
      firstNegative ??= `${loaded.locate(row, col)}: ${value}`
    }
  })
  return {
    file: loaded.file,
    description: loaded.description,
    rows: matrix.rows,
    cols: matrix.cols,
    storage: matrix.format,
    nonZeros,
    ...(nonFinite === 0
      ? { min: matrix.min(), max: matrix.max(), mean: matrix.mean() }
      : finiteRange(matrix)),
    negatives,
    ...(firstNegative === undefined ? {} : { firstNegative }),
    nonFinite,
    ...(firstNonFinite === undefined ? {} : { firstNonFinite }),
    zeroRows: rowHasValue.length - rowHasValue.reduce((a, b) => a + b, 0),
    zeroColumns: colHasValue.length - colHasValue.reduce((a, b) => a + b, 0),
    fitRefused: negatives > 0 || nonFinite > 0,
    maxComponents: largestComponents(matrix),
  }
}

const count = (n: number): string => n.toLocaleString('en-US')

/** A size in bytes, in binary units (KiB = 1024 bytes). */
const bytes = (n: number): string =>
  n < 1024
    ? `${n} B`
    : n < 1024 ** 2
      ? `${(n / 1024).toFixed(1)} KiB`
      : n < 1024 ** 3
        ? `${(n / 1024 ** 2).toFixed(1)} MiB`
        : `${(n / 1024 ** 3).toFixed(1)} GiB`

const short = (value: number): string => String(Number(value.toPrecision(6)))

/** The lines `info` prints for people. */
export const formatInfo = (info: MatrixInfo): string => {
  const entries = info.rows * info.cols
  const smaller = Math.min(info.rows, info.cols)
  const largest = info.maxComponents
  // The range of k that fit takes: to min(samples, features) with nndsvda, then random, up
  // to the largest k whose factors fit in nmf's largest array (fewer on a very long side).
  // No k at all where a side of X is longer than W or H of one component may be.
  const range =
    largest < 1
      ? `none: a side of ${count(Math.max(info.rows, info.cols))} is longer than W or H ` +
        `of one component may be (${MAX_ARRAY_ENTRIES} entries)`
      : largest <= smaller
        ? `k from 1 to ${largest} with the default init nndsvda (at most ${largest}: ` +
          `W, H and their k×k Gram matrices must each fit in ${MAX_ARRAY_ENTRIES} entries)`
        : `k from 1 to ${smaller} with the default init nndsvda ` +
          `(random above ${smaller}, up to ${largest})`
  const stored =
    info.storage === 'dense'
      ? `dense, ${bytes(entries * 8)}`
      : `sparse (CSR), ${bytes(info.nonZeros * 12 + (info.rows + 1) * 4)}`
  const needs = [
    ...(info.nonFinite === 0 ? [] : ['finite']),
    ...(info.negatives === 0 ? [] : ['≥ 0']),
  ]
  const refused =
    needs.length === 0 ? '' : `refused until every entry is ${needs.join(' and ')}; then `
  const lines = [
    `file        ${fileName(info.file)}: ${info.description}`,
    `shape       ${info.rows} × ${info.cols} (samples × features), ` +
      counted(entries, 'entry', 'entries', count),
    `non-zeros   ${count(info.nonZeros)} (${((100 * info.nonZeros) / entries).toFixed(1)}%), ` +
      `stored ${stored}`,
    `values      ${
      info.min === undefined || info.max === undefined || info.mean === undefined
        ? 'none finite'
        : `min ${short(info.min)}, max ${short(info.max)}, mean ${short(info.mean)}` +
          (info.nonFinite === 0 ? '' : ' (of the finite entries)')
    }`,
    `negatives   ${
      info.negatives === 0
        ? 'none'
        : `${count(info.negatives)}, the first at ${info.firstNegative}: ` +
          'a fit needs every entry ≥ 0'
    }`,
    `non-finite  ${
      info.nonFinite === 0
        ? 'none'
        : `${count(info.nonFinite)}, the first at ${info.firstNonFinite}: ` +
          'a fit needs every entry finite'
    }`,
    `all-zero    ${counted(info.zeroRows, 'row', 'rows', count)}, ` +
      counted(info.zeroColumns, 'column', 'columns', count),
    `a fit       ${refused}${range}; W ${info.rows}×k and H k×${info.cols} ` +
      `take ${bytes((info.rows + info.cols) * 8)} per component`,
  ]
  // β ≤ 0 takes logarithms or negative powers of X's entries: nmf refuses a zero there.
  if (info.nonZeros > 0 && info.nonZeros < entries) {
    lines.push(
      `            --loss itakura-saito and any other β ≤ 0 refuse X's ` +
        counted(entries - info.nonZeros, 'zero', 'zeros', count),
    )
  }
  if (info.nonZeros === 0)
    lines.push('warning     every entry is zero: there is nothing to factorize')
  return `${lines.join('\n')}\n`
}

/** Runs `nmfkit info`. */
export const runInfo = (args: string[]): CliResult<void> => {
  const start = startCommand('info', infoUsage, [1, 'one INPUT file'], () =>
    parseArgs({
      args,
      allowPositionals: true,
      tokens: true,
      options: { ...inputFlags, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }),
  )
  if (E.isLeft(start)) return start
  if (start.right === undefined) return E.right(undefined)
  const { values, positionals } = start.right
  const options = readOptionsOf(values)
  if (E.isLeft(options)) return options
  const loaded = readMatrixFile(positionals[0], options.right)
  if (E.isLeft(loaded)) return loaded
  const info = describeMatrix(loaded.right)
  process.stdout.write(
    values.json === true ? `${JSON.stringify(info, null, 2)}\n` : formatInfo(info),
  )
  return E.right(undefined)
}
