/**
 * `formatReport`: comparator reports as text tables, every number labelled.
 * Knows the reports of `norms` and `aligned`; any other report (plain data by
 * the comparator contract) is shown as indented JSON under its comparator's name.
 * A plugin's report may hold anything (a BigInt, a circle, a getter that throws): it is
 * read once into a plain copy (core/plain-data.ts) and never makes `formatReport` throw.
 */
import * as E from 'fp-ts/lib/Either.js'
import { attempt } from '../core/guarded.ts'
import { describeValue } from '../core/matrix.ts'
import { escapeControls } from '../core/display.ts'
import { plainCopy, showPlain, Shown } from '../core/plain-data.ts'
import { showCompact, showCosine, showSetting } from '../core/show.ts'
import type { AlignedReport, ComponentMatch } from './aligned.ts'
import type { DifferenceMetrics, NormsReport } from './norms.ts'

/** How `formatReport` names the two factorizations. */
export interface FormatReportOptions {
  /** The name of the first factorization (a number is written as it is). @default 'a' */
  readonly a?: string | number
  /** The name of the second factorization (a number is written as it is). @default 'b' */
  readonly b?: string | number
}

/** A number for a table (see `showCompact`), `n/a` for a missing value. */
const show = (value: number | null): string => (value === null ? 'n/a' : showCompact(value))

/** Rows of cells as aligned columns: the first `textColumns` left-aligned, numbers right. */
const table = (header: readonly string[], rows: readonly string[][], textColumns = 1): string[] => {
  const widths = header.map((label, c) =>
    Math.max(label.length, ...rows.map((row) => row[c].length)),
  )
  const line = (cells: readonly string[]): string =>
    '  ' +
    cells
      .map((cell, c) => (c < textColumns ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join('  ')
      .trimEnd()
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)]
}

const normsTable = (report: NormsReport): string[] => {
  const metrics: ReadonlyArray<readonly [string, (d: DifferenceMetrics) => number]> = [
    ['‖a − b‖_F / entries', (d) => d.frobeniusPerEntry],
    ['max |a − b|', (d) => d.maxAbsDifference],
    ['mean |a − b|', (d) => d.meanAbsDifference],
    ['max of a', (d) => d.a.max],
    ['max of b', (d) => d.b.max],
    ['min of a', (d) => d.a.min],
    ['min of b', (d) => d.b.min],
    ['mean of a', (d) => d.a.mean],
    ['mean of b', (d) => d.b.mean],
    ['Frobenius norm of a', (d) => d.a.frobeniusNorm],
    ['Frobenius norm of b', (d) => d.b.frobeniusNorm],
  ]
  return table(
    ['metric', 'W', 'H'],
    metrics.map(([label, pick]) => [label, show(pick(report.W)), show(pick(report.H))]),
  )
}

const formatNorms = (report: NormsReport, names: string): string =>
  [
    `comparator norms: entry by entry, components not aligned (${names})`,
    ...normsTable(report),
  ].join('\n')

const formatAligned = (report: AlignedReport, names: string): string => {
  const pairs = table(
    [
      'a',
      'b',
      'scale a',
      'scale b',
      'scale b/a',
      'cos W',
      'cos H',
      '‖a term‖_F',
      '‖b term‖_F',
      'difference',
      'same',
    ],
    report.matches.map((m) => [
      String(m.a),
      String(m.b),
      show(m.scaleA),
      show(m.scaleB),
      show(m.scale),
      showCosine(m.cosineW),
      showCosine(m.cosineH),
      show(m.normA),
      show(m.normB),
      show(m.difference),
      m.same ? 'yes' : 'no',
    ]),
    2,
  )
  const errors = report.reconstructionErrors
  const difference = report.reconstructionDifference
  const reference = difference.relativeTo === 'X' ? '‖X‖_F' : '‖W_a·H_a‖_F (no X given)'
  return [
    `comparator aligned: up to permutation and scale (${names})`,
    `  verdict: ${report.verdict.summary}`,
    `  tolerance ${showSetting(report.tolerance)} on each pair's relative difference ` +
      '‖w_a·h_aᵀ − w_b·h_bᵀ‖_F / max(‖w_a·h_aᵀ‖_F, ‖w_b·h_bᵀ‖_F)',
    `  permutation (component of a → component of b): ` +
      report.permutation.map((u, t) => `${t}→${u}`).join(', '),
    `  matched by the most pairs within the tolerance, then the least total relative ` +
      `difference; cosines of the matched terms ` +
      `(cos W · cos H): total ${show(report.totalSimilarity)} of at most ` +
      `${report.components}; scales are the norms of the H rows`,
    ...pairs,
    errors === null
      ? '  reconstruction error ‖X − W·H‖_F: not computed (no X given)'
      : `  reconstruction error ‖X − W·H‖_F: a ${show(errors.a)}, b ${show(errors.b)}`,
    `  reconstructions ‖W_a·H_a − W_b·H_b‖_F ${show(difference.absolute)}, ` +
      `relative to ${reference} ${show(difference.relative)}`,
    '  norms after alignment (unit-norm rows of H, b in the order of a):',
    ...normsTable(report.normsAfterAlignment).map((line) => `  ${line}`),
  ].join('\n')
}

/** An object of a plain copy: not an array, not a `Shown` mark. */
const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Shown)

const isNumber = (value: unknown): value is number => typeof value === 'number'
const isNumberOrNull = (value: unknown): value is number | null =>
  value === null || typeof value === 'number'

/** A record whose `keys` all hold values that `ok` accepts. */
const hasAll = (value: unknown, keys: readonly string[], ok = isNumberOrNull): boolean =>
  isRecord(value) && keys.every((key) => ok(value[key]))

const isDifferenceMetrics = (value: unknown): value is DifferenceMetrics =>
  isRecord(value) &&
  hasAll(value, ['frobeniusPerEntry', 'maxAbsDifference', 'meanAbsDifference']) &&
  [value.a, value.b].every((side) => hasAll(side, ['max', 'min', 'mean', 'frobeniusNorm']))

/** A `norms` report in every field the table shows (a plugin may use the name too). */
const isNormsShaped = (value: unknown): value is NormsReport =>
  isRecord(value) &&
  value.comparator === 'norms' &&
  isDifferenceMetrics(value.W) &&
  isDifferenceMetrics(value.H)

const isMatch = (value: unknown): value is ComponentMatch =>
  hasAll(value, ['a', 'b', 'cosineW', 'cosineH'], isNumber) &&
  hasAll(value, ['scaleA', 'scaleB', 'scale', 'normA', 'normB', 'difference']) &&
  typeof (value as { same?: unknown }).same === 'boolean'

/** An `aligned` report in every field the text shows. */
const isAlignedShaped = (value: unknown): value is AlignedReport => {
  if (!isRecord(value) || value.comparator !== 'aligned') return false
  const { permutation, matches, reconstructionErrors: errors, verdict } = value
  const difference = value.reconstructionDifference
  return (
    hasAll(value, ['components', 'tolerance', 'totalSimilarity'], isNumber) &&
    Array.isArray(permutation) &&
    permutation.every(isNumber) &&
    Array.isArray(matches) &&
    matches.every(isMatch) &&
    isNormsShaped(value.normsAfterAlignment) &&
    (errors === null || hasAll(errors, ['a', 'b'], isNumber)) &&
    hasAll(difference, ['absolute'], isNumber) &&
    hasAll(difference, ['relative']) &&
    ['X', 'a'].includes((difference as { relativeTo?: unknown }).relativeTo as string) &&
    isRecord(verdict) &&
    typeof verdict.summary === 'string'
  )
}

/** Any other report, or one that is no object: indented JSON under its comparator's name. */
const formatOther = (report: unknown): string => {
  const given = isRecord(report) && 'comparator' in report ? report.comparator : undefined
  // A name that is no string is shown as data, its JSON's indentation folded onto one line.
  const name = escapeControls(
    given === undefined
      ? 'unknown'
      : typeof given === 'string'
        ? given
        : showPlain(given).replace(/\n\s*/g, ' '),
  )
  const lines = showPlain(report).split('\n')
  return [`comparator ${name}:`, ...lines.map((line) => `  ${line}`)].join('\n')
}

/** One report of a plain copy: a table for `norms` and `aligned`, JSON for any other. */
const formatOne = (report: unknown, names: string): string =>
  isNormsShaped(report)
    ? formatNorms(report, names)
    : isAlignedShaped(report)
      ? formatAligned(report, names)
      : formatOther(report)

/**
 * Renders a report as a readable text table with labelled numbers: the result
 * of `compare` (`{ reports }`, each rendered in turn, separated by a blank
 * line) or one comparator's report.
 *
 * A report is read once, into a plain copy, and never makes it throw: what JSON has no
 * form for, in a plugin's report, is shown as what it is (a BigInt as `5n`, a symbol as
 * `Symbol(x)`, a function as `[a function]`, a circle as `[circular reference]`, nesting
 * beyond 64 levels as `[nested deeper than 64 levels]`, a getter, Proxy or `toJSON` that
 * throws as `[unreadable: reading it threw Error: …]`), NaN and ±Infinity as themselves;
 * an entry of `reports` that is no object is shown under `comparator unknown`; a report
 * named `norms` or `aligned` that lacks a field of their tables is shown as JSON. The names
 * it prints (a comparator's, `options.a` and `options.b`) stay on their line and in order: a
 * line break, ESC or other control character, or a bidirectional control such as U+202E in
 * one is escaped (`\n`, `\u001b`, `\u202e`).
 *
 * @example
 * const result = compare(cdFit, maFit, { comparators: [norms, aligned], X })
 * const names = { a: 'cd', b: 'moving-average' }
 * const text = E.isRight(result) ? formatReport(result.right, names) : ''
 *
 * @throws TypeError when `report` is not an object (no report at all), or `options` is not
 * an object whose `a` and `b` are strings, numbers or absent.
 */
export const formatReport = (report: unknown, options: FormatReportOptions = {}): string => {
  // A report is data: compare's result, or a comparator's report (an object).
  if (typeof report !== 'object' || report === null || isArrayIfReadable(report)) {
    throw new TypeError(
      'formatReport: expected a report (the result of compare, or of a comparator: an ' +
        `object), found ${describeValue(report)}`,
    )
  }
  const names = `a = ${nameIn(options, 'a')}, b = ${nameIn(options, 'b')}`
  const data = plainCopy(report)
  if (isRecord(data) && Array.isArray(data.reports)) {
    return data.reports.map((one: unknown) => formatOne(one, names)).join('\n\n')
  }
  return formatOne(data, names)
}

/**
 * The name `options` gives the factorization `key` (`key` itself when it gives none; a
 * number as written), on the header's one line (`escapeControls`); a TypeError, as for a
 * report that is none, when options is no object or the name neither a string nor a number.
 */
const nameIn = (options: unknown, key: 'a' | 'b'): string => {
  if (options === undefined) return key
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `formatReport: expected options { a?, b? } (an object), found ${describeValue(options)}`,
    )
  }
  const read = attempt(() => (options as Record<string, unknown>)[key])
  if (E.isLeft(read)) {
    throw new TypeError(`formatReport: options.${key} could not be read: it threw ${read.left}`)
  }
  const name = read.right
  if (name === undefined) return key
  // A run's number (`{ a: 1 }`) is a name too, as it always printed.
  if (typeof name === 'number') return String(name)
  if (typeof name !== 'string') {
    throw new TypeError(
      `formatReport: expected options.${key} to be a string or a number (a name), found ` +
        describeValue(name),
    )
  }
  return escapeControls(name)
}

/** Whether a value is an array; false where that cannot be told (a revoked Proxy). */
const isArrayIfReadable = (value: object): boolean => {
  try {
    return Array.isArray(value)
  } catch {
    return false
  }
}
