/** Progress on stderr: when it shows, what a bar and a line say; with a fake clock and stream. */
import { describe, expect, it } from 'vitest'
import type { HistoryEntry } from 'nmfkit'
import {
  formatTol,
  createProgress,
  formatBar,
  formatDuration,
  progressMode,
  type ProgressStream,
} from '../../cli/progress.ts'

/** A stream that records what is written, and a clock the test moves. */
const fakes = (isTTY: boolean, columns = 100) => {
  const written: string[] = []
  const stream: ProgressStream = {
    write: (chunk) => written.push(chunk) > 0,
    isTTY,
    columns,
  }
  let time = 0
  return { written, stream, now: () => time, advance: (ms: number) => (time += ms) }
}

const entry = (iteration: number, measure = 0.5): HistoryEntry => ({ iteration, measure })

describe('progressMode', () => {
  it('is a bar only on a terminal, lines with --verbose, nothing with --quiet', () => {
    expect(progressMode(false, false, { write: () => true, isTTY: true })).toBe('bar')
    expect(progressMode(false, false, { write: () => true })).toBe('off')
    expect(progressMode(true, false, { write: () => true, isTTY: true })).toBe('off')
    expect(progressMode(false, true, { write: () => true })).toBe('lines')
  })
})

describe('the bar', () => {
  it('stays away from fits shorter than the delay', () => {
    const fake = fakes(true)
    const progress = createProgress({ ...fake, mode: 'bar', maxIter: 100, delayMs: 500 })
    for (let i = 1; i <= 100; i++) {
      fake.advance(4)
      progress.onIteration(entry(i))
    }
    progress.finish()
    expect(fake.written).toEqual([])
  })

  it('appears after the delay, is redrawn at most ten times a second, and is erased', () => {
    const fake = fakes(true)
    const progress = createProgress({ ...fake, mode: 'bar', maxIter: 200, delayMs: 500 })
    for (let i = 1; i <= 200; i++) {
      fake.advance(10)
      progress.onIteration(entry(i))
    }
    progress.finish()
    // From 500 ms to 2000 ms, one draw per 100 ms: 16 draws, then the erase.
    expect(fake.written).toHaveLength(17)
    // Each draw ends its line, so that a Ctrl-C, which ends the process during the fit,
    // leaves no line unfinished for the prompt; the next draw goes back up to it.
    const [first, ...rest] = fake.written
    expect(first.startsWith('\r') && first.endsWith('\x1b[K\n')).toBe(true)
    for (const draw of rest.slice(0, -1)) {
      expect(draw.startsWith('\x1b[A\r') && draw.endsWith('\x1b[K\n')).toBe(true)
      expect(draw.slice(0, -1)).not.toContain('\n')
    }
    expect(fake.written.at(-1)).toBe('\x1b[A\r\x1b[K')
  })

  it('says the iteration, the measure, the rate and the time left at most', () => {
    expect(formatBar(entry(50, 0.0123), 200, 10, 100)).toBe(
      `iteration  50/200 [${'#'.repeat(7)}${'-'.repeat(22)}]  ` +
        'measure 1.23e-2  100 it/s  ≤ 2 s left',
    )
    expect(formatBar(entry(1), 200, undefined, 100)).not.toContain('it/s')
    expect(formatBar(entry(50), 200, 10, 40).length).toBeLessThanOrEqual(39)
  })
})

describe('the bar under --time-limit', () => {
  it('says at most what remains of the limit and one iteration, not the iterations left', () => {
    // 100,000 iterations of 10 ms would take 16 min 40 s; the limit stops the fit at 0.8 s.
    const fake = fakes(true, 120)
    const progress = createProgress({
      ...fake,
      mode: 'bar',
      maxIter: 100_000,
      delayMs: 500,
      timeLimitMs: 800,
    })
    for (let i = 1; i <= 81; i++) {
      fake.advance(10)
      progress.onIteration(entry(i))
    }
    progress.finish()
    const bars = fake.written.slice(0, -1)
    // Drawn at 500, 600, 700 and 800 ms: the limit's remainder and one iteration of 10 ms.
    expect(bars.map((bar) => /≤ (.*) left/.exec(bar)?.[1])).toEqual([
      '310 ms',
      '210 ms',
      '110 ms',
      '10 ms',
    ])
    // The bar (30 wide) fills with the share of the limit used, not of the iterations.
    expect(bars[0]).toContain(`[${'#'.repeat(19)}${'-'.repeat(11)}]`)
    expect(bars[3]).toContain(`[${'#'.repeat(30)}]`)
  })

  it('says the iterations left when they end the fit before the limit', () => {
    expect(formatBar(entry(50), 200, 10, 100, { leftMs: 60_000, used: 0.1 })).toContain(
      '≤ 2 s left',
    )
    expect(formatBar(entry(50), 200, 10, 100, { leftMs: 500, used: 0.9 })).toContain(
      '≤ 510 ms left',
    )
    // Once the limit has passed, the iteration under way is what is left.
    expect(formatBar(entry(50), 200, 10, 100, { leftMs: -5, used: 1.01 })).toContain('≤ 10 ms left')
  })
})

describe('--verbose lines', () => {
  it('prints every N iterations and the last one, with the objective and details', () => {
    const fake = fakes(false)
    const progress = createProgress({ ...fake, mode: 'lines', maxIter: 25, every: 10 })
    for (let i = 1; i <= 25; i++) {
      fake.advance(2)
      progress.onIteration({
        iteration: i,
        measure: 1 / i,
        objective: 100 - i,
        details: { deltaW: 0.5 },
      })
    }
    progress.finish()
    expect(fake.written).toEqual([
      'iteration 10/25: measure 1.00e-1, objective 9.00e1, deltaW 5.00e-1, 2.00 ms per iteration\n',
      'iteration 20/25: measure 5.00e-2, objective 8.00e1, deltaW 5.00e-1, 2.00 ms per iteration\n',
      'iteration 25/25: measure 4.00e-2, objective 7.50e1, deltaW 5.00e-1, 2.00 ms per iteration\n',
    ])
  })
})

describe('formatDuration', () => {
  it('speaks in ms, s, then min and s', () => {
    expect([formatDuration(850), formatDuration(12_400), formatDuration(200_000)]).toEqual([
      '850 ms',
      '12 s',
      '3 min 20 s',
    ])
  })
})

describe('formatTol', () => {
  it('writes a tolerance as the summaries do, and 0 as 0 (it read tol 0e0)', () => {
    expect(formatTol(1e-4)).toBe('1e-4')
    expect(formatTol(0.5)).toBe('5e-1')
    expect(formatTol(0)).toBe('0')
  })
})
