/**
 * bench/run.ts against a scikit-learn side that misbehaves: a stand-in for the Python
 * (`NMFKIT_PYTHON`, a Node program here) that ends early or answers what is not an answer.
 * The row's process ends with one line that says what happened and the script's stderr,
 * not a stack trace, and removes its temporary folder.
 */
import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
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
const tsx = join(root, 'node_modules', '.bin', 'tsx')
const ROW = ['bench/run.ts', '--child', '--problems', 'notebook', '--solvers', 'cd']
const inputFolders = (temporary: string): string[] =>
  readdirSync(temporary).filter((name) => name.startsWith('nmfkit-bench-'))

const row = (python: string, env: Record<string, string> = {}) => {
  const temporary = mkdtempSync(join(folder, 'tmp-'))
  const run = spawnSync(tsx, ROW, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NMFKIT_PYTHON: python, TMPDIR: temporary, ...env },
    timeout: 50_000,
  })
  return { ...run, left: inputFolders(temporary) }
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

  it('gives no answer in time: an error that says so, not a run that hangs', () => {
    const body = `say(${JSON.stringify(VERSIONS)}); await new Promise(() => setInterval(() => {}, 1000))`
    const run = row(standIn(body), { NMFKIT_BENCH_ANSWER_S: '1' })
    expect(run.stderr).toMatch(
      /^error: .+ .+sklearn_bench\.py gave no answer in 1 s \(NMFKIT_BENCH_ANSWER_S\), expected the warm-up of cd:\n/,
    )
    expect(run.status).toBe(1)
    expect(run.left).toEqual([])
  })

  it('refuses an answer time that is not a positive number', () => {
    const run = row(standIn(`say(${JSON.stringify(VERSIONS)}); await line()`), {
      NMFKIT_BENCH_ANSWER_S: 'soon',
    })
    expect(run.stderr).toMatch(
      /^error: NMFKIT_BENCH_ANSWER_S must be a positive number of seconds, found 'soon'\n/,
    )
    expect(run.status).toBe(1)
    expect(run.left).toEqual([])
  })
})

describe('bench/run.ts stopped by Ctrl-C (SIGINT) while scikit-learn fits', () => {
  it('removes its temporary folder', async () => {
    const temporary = mkdtempSync(join(folder, 'tmp-'))
    const asked = join(temporary, 'asked')
    // Says that it was asked for the warm-up (a file), then never answers.
    const body =
      `say(${JSON.stringify(VERSIONS)}); await line();\n` +
      `require('node:fs').writeFileSync(${JSON.stringify(asked)}, '');\n` +
      `await new Promise(() => setInterval(() => {}, 1000))`
    const child = spawn(process.execPath, ['--import', 'tsx', ...ROW], {
      cwd: root,
      env: { ...process.env, NMFKIT_PYTHON: standIn(body), TMPDIR: temporary },
      stdio: 'ignore',
    })
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
    const started = Date.now()
    while (!existsSync(asked) && Date.now() - started < 40_000) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(existsSync(asked)).toBe(true)
    expect(inputFolders(temporary)).toHaveLength(1)
    child.kill('SIGINT')
    expect(await exited).toBe(130)
    expect(inputFolders(temporary)).toEqual([])
  }, 50_000)
})
