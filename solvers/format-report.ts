/**
 * `formatReport`: comparator reports as text tables, every number labelled.
 * Knows the reports of `norms` and `aligned`; any other report (plain data by
 * the comparator contract) is shown as indented JSON under its comparator's name.
 */
import { describeValue } from '../core/matrix.ts'
import { showCompact, showCosine } from '../core/show.ts'
import { isAlignedReport, type AlignedReport } from './aligned.ts'
import { isNormsReport, type DifferenceMetrics, type NormsReport } from './compare.ts'

/** How `formatReport` names the two factorizations. */
export interface FormatReportOptions {
  /** The name of the first factorization. @default 'a' */
  readonly a?: string
  /** The name of the second factorization. @default 'b' */
  readonly b?: string
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
    `  tolerance ${show(report.tolerance)} on each pair's relative difference ` +
      '‖w_a·h_aᵀ − w_b·h_bᵀ‖_F / max(‖w_a·h_aᵀ‖_F, ‖w_b·h_bᵀ‖_F)',
    `  permutation (component of a → component of b): ` +
      report.permutation.map((u, t) => `${t}→${u}`).join(', '),
    `  matched by cosine similarity of the components (cos W · cos H): total ` +
      `${show(report.totalSimilarity)} of at most ${report.components}; ` +
      'scales are the norms of the H rows',
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

const formatOther = (report: unknown): string => {
  const name =
    typeof report === 'object' && report !== null && 'comparator' in report
      ? String(report.comparator)
      : 'unknown'
  const json = JSON.stringify(report, null, 2) ?? String(report)
  return [`comparator ${name}:`, ...json.split('\n').map((line) => `  ${line}`)].join('\n')
}

/**
 * Renders a report as a readable text table with labelled numbers: the result
 * of `compare` (`{ reports }`, each rendered in turn, separated by a blank
 * line) or one comparator's report.
 *
 * @example
 * const result = compare(cdFit, maFit, { comparators: [norms, aligned], X })
 * const names = { a: 'cd', b: 'moving-average' }
 * const text = E.isRight(result) ? formatReport(result.right, names) : ''
 *
 * @throws TypeError when `report` is not an object (no report at all).
 */
export const formatReport = (report: unknown, options: FormatReportOptions = {}): string => {
  // A report is data: compare's result, or a comparator's report (an object).
  if (typeof report !== 'object' || report === null || Array.isArray(report)) {
    throw new TypeError(
      'formatReport: expected a report (the result of compare, or of a comparator: an ' +
        `object), found ${describeValue(report)}`,
    )
  }
  const names = `a = ${options.a ?? 'a'}, b = ${options.b ?? 'b'}`
  if ('reports' in report && Array.isArray(report.reports)) {
    return report.reports.map((one: unknown) => formatReport(one, options)).join('\n\n')
  }
  if (isNormsReport(report)) return formatNorms(report, names)
  if (isAlignedReport(report)) return formatAligned(report, names)
  return formatOther(report)
}
