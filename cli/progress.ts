/**
 * Progress of a fit on stderr, fed by `onIteration`. On a terminal, a bar
 * (iteration, measure, rate, time left at most, `--time-limit` included)
 * appears once the fit has run for a moment and is redrawn a few times a
 * second; it is erased at the end. Between draws the cursor waits at the start
 * of the line below the bar: the fit runs without a pause for the event loop,
 * where no signal handler can run, so a Ctrl-C ends the process as it is, and
 * the bar's line is then already ended (the shell's prompt comes below it).
 * `--verbose` prints one line every N iterations instead, terminal or not.
 * `--quiet`, or stderr that is not a terminal, shows nothing.
 */
import type { HistoryEntry } from 'nmfkit'

/** What progress writes to: stderr, or a stand-in in tests. */
export interface ProgressStream {
  write(chunk: string): boolean
  readonly isTTY?: boolean
  readonly columns?: number
}

export type ProgressMode = 'bar' | 'lines' | 'off'

/** Settings of `createProgress`. */
export interface ProgressSettings {
  readonly stream: ProgressStream
  readonly mode: ProgressMode
  readonly maxIter: number
  /** Lines mode: one line every this many iterations. @default 10 */
  readonly every?: number
  /** Bar mode: how long a fit runs before the bar appears, in ms. @default 500 */
  readonly delayMs?: number
  /** The clock, in ms. @default performance.now */
  readonly now?: () => number
  /**
   * Bar mode: `--time-limit` in ms, from `createProgress` on. The fit stops after the
   * iteration that passes it, so the time left shown is at most what remains of it and one
   * iteration more, and the bar fills with the time used when that is the larger share.
   */
  readonly timeLimitMs?: number
}

/** Under `--time-limit`: what remains of it in ms (below 0 once passed), and its share used. */
export interface TimeLimitLeft {
  readonly leftMs: number
  readonly used: number
}

/** The callback for `nmf` and what to call when the fit returns. */
export interface Progress {
  readonly onIteration: (entry: HistoryEntry) => void
  readonly finish: () => void
}

/** The mode for the flags and the stream: `--verbose` lines, a bar on a terminal, else nothing. */
export const progressMode = (
  quiet: boolean,
  verbose: boolean,
  stream: ProgressStream,
): ProgressMode => (verbose ? 'lines' : quiet || stream.isTTY !== true ? 'off' : 'bar')

/** A duration for people: `850 ms`, `12 s`, `3 min 20 s`. */
export const formatDuration = (ms: number): string => {
  if (ms < 1000) return `${Math.round(ms)} ms`
  const seconds = Math.round(ms / 1000)
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`
}

/** A stopping tolerance as the summaries write it: `1e-4`, and 0 as `0` (not `0e0`). */
export const formatTol = (tol: number): string =>
  tol === 0 ? '0' : tol.toExponential().replace('e+', 'e')

/** A measure in three significant digits: `1.23e-2`. */
export const formatMeasure = (value: number): string =>
  Number.isFinite(value) ? value.toExponential(2).replace('e+', 'e') : String(value)

/**
 * The text of the bar for one moment of the fit. `msPerIteration` is measured
 * from the first iteration on (the init is not an iteration); `columns` is the
 * terminal's width, and the bar shrinks or goes so that the line fits. The time
 * left is that of the iterations left to `maxIter`, or under a time `limit`, if
 * less, what remains of the limit and the one iteration that passes it.
 */
export const formatBar = (
  entry: HistoryEntry,
  maxIter: number,
  msPerIteration: number | undefined,
  columns: number,
  limit?: TimeLimitLeft,
): string => {
  const digits = String(maxIter).length
  const head = `iteration ${String(entry.iteration).padStart(digits)}/${maxIter}`
  const byIterations = (maxIter - entry.iteration) * (msPerIteration ?? 0)
  const left =
    limit === undefined
      ? byIterations
      : Math.min(byIterations, Math.max(0, limit.leftMs) + (msPerIteration ?? 0))
  const speed =
    msPerIteration === undefined
      ? ''
      : `  ${(1000 / msPerIteration).toFixed(msPerIteration > 100 ? 1 : 0)} it/s` +
        `  ≤ ${formatDuration(left)} left`
  const tail = `  measure ${formatMeasure(entry.measure)}${speed}`
  // A fixed allowance for the tail keeps the bar's width steady as the numbers change.
  const room = Math.min(30, columns - 1 - head.length - Math.max(tail.length, 50) - 3)
  if (room < 5) return `${head}${tail}`.slice(0, Math.max(0, columns - 1))
  const share = Math.max(entry.iteration / maxIter, Math.min(1, limit?.used ?? 0))
  const filled = Math.round(room * share)
  return `${head} [${'#'.repeat(filled)}${'-'.repeat(room - filled)}]${tail}`.slice(0, columns - 1)
}

/** One line of `--verbose`. */
export const formatLine = (
  entry: HistoryEntry,
  maxIter: number,
  msPerIteration: number | undefined,
): string => {
  const parts = [`iteration ${entry.iteration}/${maxIter}: measure ${formatMeasure(entry.measure)}`]
  if (entry.objective !== undefined) parts.push(`objective ${formatMeasure(entry.objective)}`)
  for (const [name, value] of Object.entries(entry.details ?? {})) {
    parts.push(`${name} ${formatMeasure(value)}`)
  }
  if (msPerIteration !== undefined) parts.push(`${msPerIteration.toFixed(2)} ms per iteration`)
  return parts.join(', ')
}

/**
 * Progress for one fit.
 *
 * @example
 * const progress = createProgress({ stream: process.stderr, mode: 'bar', maxIter: 200 })
 * const fit = nmf(X, { components: 10, onIteration: progress.onIteration })
 * progress.finish()
 */
export const createProgress = (settings: ProgressSettings): Progress => {
  const { stream, mode, maxIter } = settings
  const now = settings.now ?? (() => performance.now())
  const every = settings.every ?? 10
  const delayMs = settings.delayMs ?? 500
  const started = now()
  // Iterations are timed from the first one's end, so the init does not count.
  let first: { readonly iteration: number; readonly at: number } | undefined
  let drawnAt: number | undefined
  let drawn = false
  let last: HistoryEntry | undefined
  let lastPrinted = 0

  const msPerIteration = (entry: HistoryEntry, time: number): number | undefined =>
    first === undefined || entry.iteration === first.iteration
      ? undefined
      : (time - first.at) / (entry.iteration - first.iteration)

  const onIteration = (entry: HistoryEntry): void => {
    const time = now()
    first ??= { iteration: entry.iteration, at: time }
    last = entry
    if (mode === 'lines' && entry.iteration % every === 0) {
      stream.write(`${formatLine(entry, maxIter, msPerIteration(entry, time))}\n`)
      lastPrinted = entry.iteration
    }
    if (mode !== 'bar') return
    if (time - started < delayMs || (drawnAt !== undefined && time - drawnAt < 100)) return
    drawnAt = time
    const limitMs = settings.timeLimitMs
    const line = formatBar(
      entry,
      maxIter,
      msPerIteration(entry, time),
      stream.columns !== undefined && stream.columns > 0 ? stream.columns : 80,
      limitMs === undefined
        ? undefined
        : {
            leftMs: limitMs - (time - started),
            used: limitMs === 0 ? 1 : (time - started) / limitMs,
          },
    )
    // Back up to the bar's line (from the second draw on), redraw it, and end it.
    stream.write(`${drawn ? '\x1b[A' : ''}\r${line}\x1b[K\n`)
    drawn = true
  }

  const finish = (): void => {
    if (mode === 'bar' && drawn) stream.write('\x1b[A\r\x1b[K')
    if (mode === 'lines' && last !== undefined && last.iteration !== lastPrinted) {
      stream.write(`${formatLine(last, maxIter, msPerIteration(last, now()))}\n`)
    }
  }

  return { onIteration, finish }
}
