/**
 * The convergence of a fit in SVG: the solver's measure per iteration on a log
 * scale (with its parts, such as ΔW and ΔH, when the history has them), and
 * below it the objective and any other numbers the history holds. Values that
 * are not positive (or infinite) cannot sit on a log scale; the line breaks
 * there. Iterations without a value (a solver that checks every 10) are
 * stepped over.
 */
import type { HistoryEntry } from 'nmfkit'
import { escapeXml } from './svg.ts'

/** Options of `convergenceSvg`. */
export interface ConvergenceOptions {
  /** The first line, e.g. `cd on x.csv, k = 5`. */
  readonly title: string
  /** A second line, e.g. `converged after 57 iterations (tol 1e-4)`. */
  readonly subtitle?: string
  /** What the measure is, for the legend, e.g. `projected-gradient violation`. */
  readonly measure: string
}

/** One line: a value per iteration, `undefined` where the history has none. */
interface Series {
  readonly name: string
  readonly color: string
  readonly values: readonly (number | undefined)[]
  /** A wide, pale line under the others (the measure, when its parts are drawn too). */
  readonly under?: boolean
}

const WIDTH = 720
const PANEL_HEIGHT = 250
const MARGIN = { left: 80, right: 24, top: 72, bottom: 44, between: 40 }
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b']

/** About `count` round numbers between lo and hi (steps of 1, 2 or 5 times a power of 10). */
const niceTicks = (lo: number, hi: number, count: number): number[] => {
  const span = hi - lo
  if (!(span > 0)) return [lo]
  const raw = span / count
  const power = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power
  const ticks: number[] = []
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    ticks.push(Number(v.toPrecision(12)))
  }
  return ticks
}

/** The domain and ticks of a log axis over positive values lo..hi. */
const logAxis = (lo: number, hi: number): { domain: [number, number]; ticks: number[] } => {
  const low = Math.floor(Math.log10(lo))
  const high = Math.ceil(Math.log10(hi))
  if (Math.log10(hi / lo) >= 1.5) {
    const every = Math.ceil((high - low) / 7)
    const ticks: number[] = []
    for (let e = low; e <= high; e += every) ticks.push(10 ** e)
    return { domain: [10 ** low, 10 ** high], ticks }
  }
  // Less than 1.5 decades: pad a little, and use round values placed on the log scale:
  // 1, 2, 5 times powers of ten, else 1 to 9 times them, else evenly spaced ones.
  const pad = Math.max(1.02, (hi / lo) ** 0.06)
  const domain: [number, number] = [lo / pad, hi * pad]
  const within = (multiples: readonly number[]): number[] =>
    Array.from({ length: high - low + 2 }, (_, i) => low - 1 + i).flatMap((e) =>
      multiples
        .map((m) => Number((m * 10 ** e).toPrecision(6)))
        .filter((t) => t >= domain[0] && t <= domain[1]),
    )
  for (const multiples of [
    [1, 2, 5],
    [1, 2, 3, 4, 5, 6, 7, 8, 9],
  ]) {
    const ticks = within(multiples)
    if (ticks.length >= 3 && ticks.length <= 9) return { domain, ticks }
  }
  return { domain, ticks: niceTicks(domain[0], domain[1], 5).filter((t) => t > 0) }
}

const stroke = (series: Series): string =>
  series.under === true ? 'stroke-width="5" stroke-opacity="0.35"' : 'stroke-width="1.6"'

/** Whether a value can sit on a log scale. */
const drawable = (value: number | undefined): value is number =>
  value !== undefined && value > 0 && Number.isFinite(value)

/** A tick's label: powers of ten from 1000 on, and very large or small values, as `1e-3`. */
const formatTick = (value: number): string => {
  const rounded = Number(value.toPrecision(4))
  const power = Math.log10(rounded)
  const exponential =
    (Number.isInteger(power) && Math.abs(power) >= 3) ||
    Math.abs(rounded) < 1e-3 ||
    Math.abs(rounded) >= 1e5
  return exponential ? rounded.toExponential().replace('e+', 'e') : String(rounded)
}

/** One panel: axes, grid, lines and legend, with its top-left corner at (0, top). */
const panel = (
  top: number,
  series: readonly Series[],
  iterations: number,
  label: string,
): string[] => {
  const width = WIDTH - MARGIN.left - MARGIN.right
  const positive = series.flatMap((s) => s.values.filter(drawable))
  const out: string[] = []
  const left = MARGIN.left
  if (positive.length === 0) {
    out.push(`<text x="${left}" y="${top + PANEL_HEIGHT / 2}">no positive values to draw</text>`)
    return out
  }
  // Folds, not Math.min(...positive): a long history would overflow the stack as arguments.
  const { domain, ticks } = logAxis(
    positive.reduce((a, b) => Math.min(a, b)),
    positive.reduce((a, b) => Math.max(a, b)),
  )
  const xMax = Math.max(2, iterations)
  const x = (iteration: number): number => left + ((iteration - 1) / (xMax - 1)) * width
  const y = (value: number): number =>
    top +
    PANEL_HEIGHT -
    ((Math.log10(value) - Math.log10(domain[0])) /
      (Math.log10(domain[1]) - Math.log10(domain[0]))) *
      PANEL_HEIGHT

  // Grid and axes.
  for (const tick of ticks) {
    const ty = y(tick).toFixed(1)
    out.push(`<line x1="${left}" x2="${left + width}" y1="${ty}" y2="${ty}" stroke="#e5e5e5"/>`)
    out.push(`<text x="${left - 6}" y="${ty}" dy="4" text-anchor="end">${formatTick(tick)}</text>`)
  }
  for (const tick of niceTicks(1, xMax, 8).filter((t) => Number.isInteger(t))) {
    const tx = x(tick).toFixed(1)
    out.push(
      `<line x1="${tx}" x2="${tx}" y1="${top}" y2="${top + PANEL_HEIGHT}" stroke="#f0f0f0"/>`,
    )
    out.push(`<text x="${tx}" y="${top + PANEL_HEIGHT + 16}" text-anchor="middle">${tick}</text>`)
  }
  out.push(
    `<rect x="${left}" y="${top}" width="${width}" height="${PANEL_HEIGHT}" ` +
      'fill="none" stroke="#555"/>',
    `<text transform="translate(16,${top + PANEL_HEIGHT / 2}) rotate(-90)" text-anchor="middle">` +
      `${escapeXml(label)} (log scale)</text>`,
  )

  // One polyline per run of positive values; iterations without a value are stepped over.
  for (const s of series) {
    let points: string[] = []
    const flush = (): void => {
      if (points.length === 1) {
        const [px, py] = points[0].split(',')
        out.push(
          `<circle cx="${px}" cy="${py}" r="${s.under === true ? 3 : 2}" fill="${s.color}"/>`,
        )
      } else if (points.length > 1) {
        out.push(
          `<polyline fill="none" stroke="${s.color}" ${stroke(s)} points="${points.join(' ')}"/>`,
        )
      }
      points = []
    }
    s.values.forEach((value, index) => {
      if (drawable(value)) points.push(`${x(index + 1).toFixed(1)},${y(value).toFixed(1)}`)
      else if (value !== undefined) flush()
    })
    flush()
  }

  // Legend, top right.
  series.forEach((s, index) => {
    const ly = top + 16 + index * 16
    const lx = left + width - 30
    out.push(
      `<line x1="${lx}" x2="${lx + 20}" y1="${ly - 4}" y2="${ly - 4}" ` +
        `stroke="${s.color}" ${stroke(s)}/>`,
      `<text x="${lx - 6}" y="${ly}" text-anchor="end">${escapeXml(s.name)}</text>`,
    )
  })
  return out
}

/**
 * An SVG plot of a fit's history.
 *
 * @example
 * writeFileSync(
 *   'convergence.svg',
 *   convergenceSvg(fit.history, { title: 'cd, k = 10', measure: fit.solver.measure }),
 * )
 */
export const convergenceSvg = (
  history: readonly HistoryEntry[],
  options: ConvergenceOptions,
): string => {
  // Details that never exceed the measure are its parts (ΔW and ΔH of a maximum) and
  // share its panel; others (an error, say) go with the objective.
  const detailNames = [...new Set(history.flatMap((entry) => Object.keys(entry.details ?? {})))]
  const detail = (name: string): (number | undefined)[] =>
    history.map((entry) => entry.details?.[name])
  const isPart = (name: string): boolean =>
    history.every((entry) => {
      const value = entry.details?.[name]
      return (
        value === undefined ||
        !Number.isFinite(entry.measure) ||
        value <= entry.measure * (1 + 1e-12)
      )
    })
  const color = (index: number): string => COLORS[index % COLORS.length]
  const parts = detailNames.filter(isPart)
  const measureSeries: Series[] = [
    {
      name: 'measure',
      color: color(0),
      values: history.map((entry) => entry.measure),
      under: parts.length > 0,
    },
    ...parts.map((name, index) => ({ name, color: color(index + 1), values: detail(name) })),
  ]
  const otherSeries: Series[] = [
    ...(history.some((entry) => entry.objective !== undefined)
      ? [{ name: 'objective', color: '#d62728', values: history.map((entry) => entry.objective) }]
      : []),
    ...detailNames
      .filter((name) => !isPart(name))
      .map((name, index) => ({ name, color: color(index + 3), values: detail(name) })),
  ]
  const panels = otherSeries.length > 0 ? 2 : 1
  const height = MARGIN.top + panels * PANEL_HEIGHT + (panels - 1) * MARGIN.between + MARGIN.bottom
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" ` +
      `viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${MARGIN.left}" y="20" font-size="14">${escapeXml(options.title)}</text>`,
  ]
  if (options.subtitle !== undefined) {
    out.push(`<text x="${MARGIN.left}" y="38" fill="#444">${escapeXml(options.subtitle)}</text>`)
  }
  const measure =
    options.measure.length > 110 ? `${options.measure.slice(0, 109)}…` : options.measure
  out.push(`<text x="${MARGIN.left}" y="56" fill="#444">measure: ${escapeXml(measure)}</text>`)
  // A panel has an element per isolated point, so it is appended by a loop, not spread.
  const append = (lines: readonly string[]): void => {
    for (const line of lines) out.push(line)
  }
  append(panel(MARGIN.top, measureSeries, history.length, 'measure'))
  if (otherSeries.length > 0) {
    const top = MARGIN.top + PANEL_HEIGHT + MARGIN.between
    const label = otherSeries.length === 1 ? otherSeries[0].name : 'value'
    append(panel(top, otherSeries, history.length, label))
  }
  out.push(
    `<text x="${MARGIN.left + (WIDTH - MARGIN.left - MARGIN.right) / 2}" y="${height - 8}" ` +
      `text-anchor="middle">iteration</text>`,
    '</svg>',
  )
  return `${out.join('\n')}\n`
}
