/**
 * bench/run.ts against a scikit-learn side that misbehaves: a stand-in for the Python
 * (`NMFKIT_PYTHON`, a Node program here) that ends early or answers what is not an answer.
 * The row's process ends with one line that says what happened and the script's stderr,
 * not a stack trace, and removes its temporary folder.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const folder = mkdtempSync(join(tmpdir(), 'nmfkit-bench-test-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

const VERSIONS = JSON.stringify({ sklearn: 'stand-in', numpy: 'stand-in' })

/**
 * A stand-in for the Python: `-c …` (findPython's probe) succeeds; run on the script, it
 * runs `body`, JavaScript with `say(line)` (a line on stdout) and `line()` (the next line
 * of stdin), and exits.
 */
let standIns = 0
const standIn = (body: string): string => {
  const path = join(folder, `python-${++standIns}`)
  writeFileSync(
    path,
    `#!${process.execPath}\n` +
      `if (process.argv[2] === '-c') process.exit(0)\n` +
      `const say = (line) => process.stdout.write(line + '\\n')\n` +
      // Stdin opened at the first read only: a stand-in may close it unread.
      `let lines\n` +
      `const line = () => (lines ??= require('node:readline')` +
      `.createInterface({ input: process.stdin })[Symbol.asyncIterator]()).next()\n` +
      `;(async () => {\n${body}\n})().then(() => process.exit(0))\n`,
  )
  chmodSync(path, 0o755)
  return path
}

/**
 * One row of the notebook's `cd` against `python`, with a TMPDIR of its own: the folders of
 * the problem's inputs it leaves there (tsx keeps a cache of its own there too).
 */
const row = (python: string) => {
  const temporary = mkdtempSync(join(folder, 'tmp-'))
  const tsx = join(root, 'node_modules', '.bin', 'tsx')
  const run = spawnSync(
    tsx,
    ['bench/run.ts', '--child', '--problems', 'notebook', '--solvers', 'cd'],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NMFKIT_PYTHON: python, TMPDIR: temporary },
      timeout: 50_000,
    },
  )
  const left = readdirSync(temporary).filter((name) => name.startsWith('nmfkit-bench-'))
  return { ...run, left }
}

describe('bench/run.ts with a scikit-learn side that fails', () => {
  it.each([
    [
      // Its stdin closed first: the command written to it fails (EPIPE), always.
      'stops reading after its versions, then ends',
      `require('node:fs').closeSync(0); say(${JSON.stringify(VERSIONS)});\n` +
        `process.stderr.write('stand-in: gone\\n'); await new Promise((done) => setTimeout(done, 300))`,
      /^error: .+ .+sklearn_bench\.py ended \(exit code 0\):\nstand-in: gone\n/,
    ],
    [
      'prints what is not JSON for its versions',
      `process.stderr.write('stand-in: a warning\\n'); say('Hello, not JSON'); await line()`,
      /^error: .+ .+sklearn_bench\.py answered 'Hello, not JSON', expected its versions:\nstand-in: a warning\n/,
    ],
    [
      'answers the warm-up with a line of another command',
      `say(${JSON.stringify(VERSIONS)}); await line(); say('{"label":"cd","samples":[1]}'); await line()`,
      /^error: .+ .+sklearn_bench\.py answered '\{"label":"cd","samples":\[1\]\}', expected the warm-up of cd:\n/,
    ],
  ])('%s: one error line and its stderr, no temporary folder left', (_, body, message) => {
    const run = row(standIn(body))
    expect(run.stderr).toMatch(message)
    expect(run.stderr).not.toMatch(/\n\s+at /)
    expect(run.status).toBe(1)
    expect(run.left).toEqual([])
  })

  it('answers timed fits without their samples: an error, not a row of nulls', () => {
    const body =
      `say(${JSON.stringify(VERSIONS)}); await line(); say('{"label":"cd","warmedUp":true}');\n` +
      `await line(); say('{"label":"cd","nIter":200,"reconstructionError":1}'); await line()`
    const run = row(standIn(body))
    expect(run.stderr).toMatch(
      /^error: .+ .+sklearn_bench\.py answered '\{"label":"cd","nIter":200,"reconstructionError":1\}', expected 1 timed fit of cd:\n/,
    )
    expect(run.stdout).toBe('')
    expect(run.status).toBe(1)
    expect(run.left).toEqual([])
  })
})
