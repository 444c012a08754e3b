/**
 * Times one iteration of nmfkit's solvers on four problems and, when a Python
 * with scikit-learn is available, scikit-learn's NMF on the same inputs:
 *
 * - notebook: the seed notebook's random 0/1 matrix, 100×20, k = 4;
 * - digits: `data/digits.csv.gz`, 1797×64, k = 10;
 * - dense: uniform [0, 1) entries, 2000×1000, k = 20;
 * - sparse: a CsrMatrix 20000×5000 with 25 uniform (0, 1] entries per row (0.5%), k = 20.
 *
 * Every input comes from a fixed seed (or the repository's data). The first
 * factors are built once per row (each problem and solver runs in a process of its
 * own), outside the timed region (a uniform
 * random start for the notebook, as the notebook does; scikit-learn's default
 * `nndsvda` for digits; a uniform start scaled like scikit-learn's `random`
 * init for the two generated problems), and every timed fit starts from them.
 * With tol 0 each fit runs exactly `iterations` iterations. After untimed
 * warm-up fits (at least one, and at least 1 s; the first samples memory
 * after every iteration), the fit is timed `repetitions` times (at least 5) and
 * the median wall time per iteration is reported. Where scikit-learn runs
 * beside, the timed fits alternate with its fits: in `--rounds` rounds (unless
 * given, one per timed fit), each of ceil(repetitions / rounds) fits of nmfkit
 * and then as many of scikit-learn's, so ceil(repetitions / rounds) · rounds in all;
 * each side's fits of a round after the first follow one untimed fit of its own.
 *
 * Solvers: `cd`, `mu` with the Frobenius loss, `mu` with the Kullback–Leibler
 * loss (`mu-kl`), and `moving-average` on the two small problems. For the
 * first three, X (or its CSR parts), W0 and H0 are written as raw float64 /
 * int32 files to a temporary folder, and `bench/sklearn_bench.py`, started once
 * for the row in a child process that loads them, times
 * `NMF(init='custom', solver, beta_loss, max_iter, tol=0)` on them after each
 * round of nmfkit's fits, as many fits as nmfkit's round had (asked over its
 * stdin); the ratio is the median over the rounds of each round's ratio. The Python is
 * `NMFKIT_PYTHON`, else `/usr/bin/python3`, else `python3`, whichever first
 * imports scikit-learn; with none, or with `--no-sklearn`, only nmfkit runs.
 *
 * Run with `npm run bench`; `npm run bench -- --json` prints one JSON object per
 * problem and solver, one per line.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import {
  kernelMemoryBytes,
  kernelPath,
  nmf,
  setKernelPath,
  type AnyMatrix,
  type BetaLoss,
  type KernelPath,
  type NmfOptions,
} from 'nmfkit'
import { isKernelPath } from '../core/kernel-paths.ts'
import { valuesOf } from '../core/matrix.ts'
import { packageManifest } from '../scripts/build.ts'
import { builders, orExit, PROBLEMS, type BenchProblem } from './problems.ts'

/** A solver as benchmarked: nmfkit's name and loss, and whether scikit-learn has it. */
interface SolverCase {
  readonly label: string
  readonly solver: string
  readonly betaLoss: BetaLoss
  readonly sklearn: boolean
}

/** One line of the results. */
interface Measurement {
  readonly problem: string
  readonly solver: string
  readonly betaLoss: BetaLoss
  readonly msPerIter: number
  /** The fastest and the slowest repetition, ms per iteration. */
  readonly range: readonly [number, number]
  /**
   * The largest RSS of the process (which runs this problem and solver alone), MiB: Linux's
   * high-water mark where there is one, else the largest sample.
   */
  readonly peakRssMb: number
  /**
   * The largest RSS until the end of the process's first fit (the high-water mark, or
   * sampled after each of its iterations), MiB: one fit, without the garbage of the fits
   * after it.
   */
  readonly firstFitPeakRssMb: number
  /** The RSS when the process had loaded nmfkit, before building the problem, MiB. */
  readonly startRssMb: number
  /** The kernel path the run used (`--kernels`). */
  readonly kernels: KernelPath
  /**
   * The largest heapUsed + arrayBuffers + the WebAssembly kernels' memory (which
   * arrayBuffers does not count) seen during this measurement, MiB.
   */
  readonly peakHeapMb: number
  /** 2 × the bytes of X, W and H, plus 100 MiB. */
  readonly memoryBudgetMb: number
  readonly iterations: number
  /** Timed fits, in all rounds. */
  readonly repetitions: number
  /** Rounds of timed fits, nmfkit's fits of each followed by as many of scikit-learn's. */
  readonly rounds: number
  /** X's shape, `rows×cols`. */
  readonly shape: string
  readonly components: number
  readonly reconstructionError: number
  sklearnMsPerIter?: number
  sklearnRange?: readonly [number, number]
  /**
   * scikit-learn's ms per iteration / nmfkit's: the median over the rounds of each round's
   * ratio of medians (the two sides of a round run one after the other, so a machine whose
   * speed drifts moves both).
   */
  ratio?: number
  /** |nmfkit's final error − scikit-learn's| / scikit-learn's: both solved the same problem. */
  errorRelDiff?: number
}

const SOLVERS: readonly SolverCase[] = [
  { label: 'cd', solver: 'cd', betaLoss: 'frobenius', sklearn: true },
  { label: 'mu', solver: 'mu', betaLoss: 'frobenius', sklearn: true },
  { label: 'mu-kl', solver: 'mu', betaLoss: 'kullback-leibler', sklearn: true },
  { label: 'moving-average', solver: 'moving-average', betaLoss: 'frobenius', sklearn: false },
]

/** `moving-average`, which scikit-learn has no counterpart of, runs on the small problems. */
const solversOf = (problem: (typeof PROBLEMS)[number]): readonly SolverCase[] =>
  SOLVERS.filter((s) => s.sklearn || problem === 'notebook' || problem === 'digits')
const MIN_REPETITIONS = 5

/**
 * Untimed fits run for at least this long before the timed ones. After 300 ms the digits'
 * `mu` fits still ran about 10% slower than after 1 s (V8's optimizing compiler works in
 * the background, on the core the worker thread spins on): bench/README.md has the numbers.
 */
const WARM_UP_MS = 1000
const SKLEARN_SCRIPT = fileURLToPath(new URL('./sklearn_bench.py', import.meta.url))

const MIB = 1024 * 1024
const round = (value: number, digits = 4): number => Number(value.toPrecision(digits))

/**
 * The process's peak RSS so far as Linux keeps it (VmHWM in /proc/self/status), bytes: it
 * counts what was resident between two samples too (a fit's temporaries freed before the
 * next sample). 0 where there is no such file.
 */
const highWaterMark = (): number => {
  try {
    const found = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))
    return found === null ? 0 : Number(found[1]) * 1024
  } catch {
    return 0
  }
}

const startRss = process.memoryUsage().rss
let peakRss = startRss
let peakHeap = 0
const sampleMemory = (): void => {
  const usage = process.memoryUsage()
  peakRss = Math.max(peakRss, usage.rss, highWaterMark())
  peakHeap = Math.max(peakHeap, usage.heapUsed + usage.arrayBuffers + kernelMemoryBytes())
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

const xBytes = (X: AnyMatrix): number =>
  X.format === 'csr' ? X.nnz * 12 + (X.rows + 1) * 4 : X.rows * X.cols * 8

/**
 * nmfkit's fits of one row, in `rounds` rounds of `perRound` timed fits after the warm-up;
 * after each round `afterRound()` (scikit-learn's fits of that round). The row's median,
 * and each round's.
 */
const measure = async (
  problem: BenchProblem,
  solver: SolverCase,
  rounds: number,
  perRound: number,
  afterRound: () => Promise<void>,
): Promise<Measurement & { readonly roundMedians: readonly number[] }> => {
  const options: NmfOptions = {
    components: problem.components,
    solver: solver.solver,
    ...(solver.betaLoss === 'frobenius' ? {} : { betaLoss: solver.betaLoss }),
    init: problem.initial,
    maxIter: problem.iterations,
    tol: 0,
  }
  let reconstructionError = NaN
  const run = (extra: Partial<NmfOptions> = {}): number => {
    const started = performance.now()
    const fit = orExit(nmf(problem.X, { ...options, ...extra }))
    const elapsed = performance.now() - started
    if (fit.nIter !== problem.iterations) {
      console.error(
        `error: ${problem.name}/${solver.label} stopped after ${fit.nIter} iterations, ` +
          `expected ${problem.iterations} (tol 0)`,
      )
      process.exit(1)
    }
    reconstructionError = fit.reconstructionError
    return elapsed
  }

  peakHeap = 0
  // Warm-up: lets V8 compile and optimize the hot loops; the first fit samples memory inside
  // the fit.
  const warmUpStarted = performance.now()
  run({ onIteration: sampleMemory })
  sampleMemory()
  const firstFitPeakRss = peakRss
  while (performance.now() - warmUpStarted < WARM_UP_MS) run()

  const perIteration: number[] = []
  const roundMedians: number[] = []
  for (let round = 0; round < rounds; round++) {
    // After the other side's fits, one untimed fit, as scikit-learn's script makes one before
    // its timed fits: a notebook fit right after 50–100 ms of idling ran 7–25% slower than one
    // right after another (bench/README.md), and the timed fits are to run warm.
    if (round > 0) run()
    const samples: number[] = []
    for (let r = 0; r < perRound; r++) {
      samples.push(run() / problem.iterations)
      sampleMemory()
    }
    perIteration.push(...samples)
    roundMedians.push(median(samples))
    await afterRound()
  }
  const { W, H } = problem.initial
  const bytes = xBytes(problem.X) + (W.rows * W.cols + H.rows * H.cols) * 8
  return {
    problem: problem.name,
    solver: solver.label,
    betaLoss: solver.betaLoss,
    msPerIter: round(median(perIteration)),
    range: [round(Math.min(...perIteration)), round(Math.max(...perIteration))],
    peakRssMb: round(peakRss / MIB),
    firstFitPeakRssMb: round(firstFitPeakRss / MIB),
    startRssMb: round(startRss / MIB),
    kernels: kernelPath(),
    peakHeapMb: round(peakHeap / MIB),
    memoryBudgetMb: round((2 * bytes) / MIB + 100),
    iterations: problem.iterations,
    repetitions: perIteration.length,
    rounds,
    shape: `${problem.X.rows}×${problem.X.cols}`,
    components: problem.components,
    reconstructionError,
    roundMedians,
  }
}

/** The first of NMFKIT_PYTHON, /usr/bin/python3 and python3 that imports scikit-learn. */
const findPython = (): string | undefined => {
  const candidates = [process.env.NMFKIT_PYTHON, '/usr/bin/python3', 'python3']
  for (const candidate of candidates) {
    if (candidate === undefined || candidate === '') continue
    const probe = spawnSync(candidate, ['-c', 'import sklearn'], {
      env: pythonEnv(),
      stdio: 'ignore',
    })
    if (probe.status === 0) return candidate
  }
  return undefined
}

/**
 * The environment of the Python child: ours without OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE (removed together, and only here), so a current numpy's
 * OpenBLAS picks its own kernels. nmfkit's process keeps its environment.
 */
const pythonEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env }
  delete env.OPENBLAS_CORETYPE
  delete env.OPENBLAS_L2_SIZE
  return env
}

/** A typed array's bytes as they are (little-endian here), without a copy. */
const writeArray = (path: string, values: Float64Array | Int32Array): void =>
  writeFileSync(path, new Uint8Array(values.buffer, values.byteOffset, values.byteLength))

/** One answer of bench/sklearn_bench.py: its versions first, then one per command. */
interface SklearnLine {
  readonly sklearn?: string
  readonly numpy?: string
  readonly label?: string
  readonly warmedUp?: boolean
  readonly samples?: readonly number[]
  readonly nIter?: number
  readonly reconstructionError?: number
}

/**
 * The problem's exact inputs for bench/sklearn_bench.py, in a fresh temporary folder: X (or
 * its CSR parts), W0 and H0 as raw arrays, and a manifest for `solvers`. Written before
 * nmfkit's fits, from the arrays themselves (no copies: the garbage would count in the
 * process's memory).
 */
const sklearnInputs = (
  problem: BenchProblem,
  solvers: readonly SolverCase[],
): { readonly directory: string; readonly remove: () => void } => {
  const directory = mkdtempSync(join(tmpdir(), 'nmfkit-bench-'))
  const { X, initial } = problem
  if (X.format === 'csr') {
    writeArray(join(directory, 'indptr.bin'), X.indptr)
    writeArray(join(directory, 'indices.bin'), X.indices)
    writeArray(join(directory, 'data.bin'), X.data)
  } else {
    writeArray(join(directory, 'X.bin'), valuesOf(X))
  }
  writeArray(join(directory, 'W.bin'), valuesOf(initial.W))
  writeArray(join(directory, 'H.bin'), valuesOf(initial.H))
  const manifest = {
    problem: problem.name,
    rows: X.rows,
    cols: X.cols,
    components: problem.components,
    format: X.format,
    iterations: problem.iterations,
    solvers: solvers.map(({ label, solver, betaLoss }) => ({ label, solver, betaLoss })),
  }
  writeFileSync(join(directory, 'manifest.json'), JSON.stringify(manifest))
  const remove = (): void => rmSync(directory, { recursive: true, force: true })
  // Also when the run exits early (an error, a failed Python), on Ctrl-C and on SIGTERM,
  // which would otherwise end Node without its exit handlers (Ctrl-C reaches the row's
  // process as well as the run's).
  process.on('exit', remove)
  process.once('SIGINT', () => process.exit(130))
  process.once('SIGTERM', () => process.exit(143))
  return { directory, remove }
}

/** bench/sklearn_bench.py running on a folder of `sklearnInputs`, fitting when asked. */
interface SklearnSide {
  readonly version: string | undefined
  /** One untimed fit of `label`. */
  readonly warmUp: (label: string) => Promise<void>
  /** One untimed fit of `label`, then `count` timed ones: their answer. */
  readonly fits: (label: string, count: number) => Promise<SklearnLine>
  /** Ends the script (the end of its stdin) and waits for it. */
  readonly close: () => Promise<void>
}

/**
 * CPU time the process `pid` has used, all its threads, in clock ticks (Linux's
 * /proc/PID/stat, utime + stime); undefined where there is no such file.
 */
const cpuTicks = (pid: number): number | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The fields after the command name (in parentheses, which may hold spaces): state, then
    // ten more before utime and stime (fields 14 and 15 of the whole line).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[11]) + Number(fields[12])
    return Number.isFinite(ticks) ? ticks : undefined
  } catch {
    return undefined
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A process that has answered may not be idle yet: numpy's OpenBLAS keeps its threads
 * spinning after its last call (a full core for about 0.1 s after a dense fit, measured on
 * 2026-12-06: 10–13 ticks of CPU time in the 0.2 s after the answer, none after), and
 * nmfkit's next fit would run on one core for that long. So the next fit waits until
 * the process has used no CPU time for SETTLE_POLL_MS, at most SETTLE_MAX_MS; where its CPU
 * time cannot be read, SETTLE_MAX_MS.
 */
const SETTLE_POLL_MS = 50
const SETTLE_MAX_MS = 1000
/**
 * Before scikit-learn's fits, nmfkit's side pauses this long: its worker thread spins for
 * 0.2 ms after a call, and V8's background threads may still be finishing a fit's work.
 */
const OWN_SETTLE_MS = SETTLE_POLL_MS

const settled = async (pid: number | undefined): Promise<void> => {
  let before = pid === undefined ? undefined : cpuTicks(pid)
  if (pid === undefined || before === undefined) return sleep(SETTLE_MAX_MS)
  const started = performance.now()
  while (performance.now() - started < SETTLE_MAX_MS) {
    await sleep(SETTLE_POLL_MS)
    const now = cpuTicks(pid)
    if (now === undefined || now === before) return
    before = now
  }
}

/**
 * How long the script may take to answer a command, in seconds: `NMFKIT_BENCH_ANSWER_S`, by
 * default 600 (the longest answer of a default run, the sparse problem's `mu-kl`, takes
 * under 10 s: an untimed and a timed fit of 20 iterations). A script that takes longer is
 * taken to hang.
 */
const answerSeconds = (): number => {
  const given = process.env.NMFKIT_BENCH_ANSWER_S
  if (given === undefined || given === '') return 600
  const seconds = Number(given)
  if (!(seconds > 0) || !Number.isFinite(seconds)) {
    console.error(
      `error: NMFKIT_BENCH_ANSWER_S must be a positive number of seconds, found '${given}'`,
    )
    process.exit(1)
  }
  return seconds
}

/**
 * Starts bench/sklearn_bench.py on a folder of `sklearnInputs` and waits until it has
 * loaded the problem. It stays idle, reading its stdin, between the commands: the fits of
 * the two sides run one after the other, never at once (each side's fits wait until the
 * other's process has settled, see `settled`). A script that fails, ends early, answers
 * a line that is not the answer asked for or gives none in time (`answerSeconds`) ends
 * this process with one line that says so and the script's stderr.
 */
const startSklearn = async (python: string, directory: string): Promise<SklearnSide> => {
  const seconds = answerSeconds()
  const child = spawn(python, [SKLEARN_SCRIPT, directory], {
    env: pythonEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text
  })
  const ended = new Promise<string>((resolve) => {
    child.on('error', (error) => resolve(error.message))
    child.on('close', (code, signal) =>
      resolve(signal === null ? `exit code ${code}` : `signal ${signal}`),
    )
  })
  // A command written to a script that no longer reads fails (EPIPE), and unheard that error
  // would end this process without the script's stderr: the end of its output tells instead.
  child.stdin.on('error', () => {})
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const fail = async (what: string): Promise<never> => {
    // Ended, so that its stderr is all there; a script that still runs is stopped (killed:
    // one that hangs may not heed a request to end).
    child.kill('SIGKILL')
    await ended
    console.error(`error: ${python} ${SKLEARN_SCRIPT} ${what}:\n${stderr}`)
    process.exit(1)
  }
  /** The next line, if it is a JSON object that `fits` accepts; else the run ends. */
  const next = async (
    expected: string,
    fits: (answer: SklearnLine) => boolean,
  ): Promise<SklearnLine> => {
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<'timed out'>((resolve) => {
      timer = setTimeout(() => resolve('timed out'), seconds * 1000)
    })
    const line = await Promise.race([lines.next(), timedOut])
    clearTimeout(timer)
    if (line === 'timed out') {
      return fail(`gave no answer in ${seconds} s (NMFKIT_BENCH_ANSWER_S), expected ${expected}`)
    }
    if (line.done === true) return fail(`ended (${await ended})`)
    let answer: unknown
    try {
      answer = JSON.parse(line.value)
    } catch {
      answer = undefined
    }
    const object = typeof answer === 'object' && answer !== null && !Array.isArray(answer)
    if (object && fits(answer as SklearnLine)) return answer as SklearnLine
    return fail(`answered '${line.value}', expected ${expected}`)
  }
  const ask = async (
    command: string,
    expected: string,
    fits: (answer: SklearnLine) => boolean,
  ): Promise<SklearnLine> => {
    child.stdin.write(`${command}\n`)
    return next(expected, fits)
  }
  const versions = await next('its versions', (line) => typeof line.sklearn === 'string')
  return {
    version: versions.sklearn,
    warmUp: async (label) => {
      const warmedUp = (line: SklearnLine) => line.label === label && line.warmedUp === true
      await ask(`warm-up ${label}`, `the warm-up of ${label}`, warmedUp)
      await settled(child.pid)
    },
    fits: async (label, count) => {
      await sleep(OWN_SETTLE_MS)
      const timed = (line: SklearnLine) =>
        line.label === label &&
        Array.isArray(line.samples) &&
        line.samples.length === count &&
        line.samples.every((sample) => typeof sample === 'number' && sample >= 0) &&
        typeof line.nIter === 'number' &&
        typeof line.reconstructionError === 'number'
      const fitsOf = `${count} timed fit${count === 1 ? '' : 's'} of ${label}`
      const answer = await ask(`fit ${label} ${count}`, fitsOf, timed)
      await settled(child.pid)
      return answer
    },
    close: async () => {
      child.stdin.end()
      await ended
    },
  }
}

interface Arguments {
  readonly json: boolean
  readonly repetitions: number | undefined
  /**
   * Rounds the timed fits are split into, nmfkit's fits of each followed by scikit-learn's;
   * undefined: one round per timed fit.
   */
  readonly rounds: number | undefined
  readonly problems: readonly (typeof PROBLEMS)[number][]
  /** The labels of the solvers to run (`SOLVERS`). */
  readonly solvers: readonly string[]
  readonly sklearn: boolean
  readonly kernels: KernelPath
  /** Set by the parent run: measure the one problem here and print full JSON rows. */
  readonly child: boolean
  /** Run the children through the tsx loader instead of on nmfkit compiled by tsc. */
  readonly tsx: boolean
}

const parseArguments = (): Arguments => {
  try {
    const { values, tokens } = parseArgs({
      tokens: true,
      options: {
        json: { type: 'boolean', default: false },
        repetitions: { type: 'string' },
        rounds: { type: 'string' },
        problems: { type: 'string', default: PROBLEMS.join(',') },
        solvers: { type: 'string', default: SOLVERS.map((s) => s.label).join(',') },
        'no-sklearn': { type: 'boolean', default: false },
        kernels: { type: 'string', default: kernelPath() },
        child: { type: 'boolean', default: false },
        tsx: { type: 'boolean', default: false },
      },
    })
    const kernels = values.kernels
    if (!isKernelPath(kernels)) {
      throw new Error(`--kernels: expected auto, reference or wasm, found '${kernels}'`)
    }
    const repetitions = values.repetitions === undefined ? undefined : Number(values.repetitions)
    if (
      repetitions !== undefined &&
      (!/^\d{1,4}$/.test(values.repetitions ?? '') || repetitions < MIN_REPETITIONS)
    ) {
      throw new Error(
        `--repetitions: expected an integer from ${MIN_REPETITIONS} to 9999, ` +
          `found '${values.repetitions}'`,
      )
    }
    const rounds = values.rounds === undefined ? undefined : Number(values.rounds)
    if (rounds !== undefined && (!/^\d{1,4}$/.test(values.rounds ?? '') || rounds < 1)) {
      throw new Error(`--rounds: expected an integer from 1 to 9999, found '${values.rounds}'`)
    }
    // One value per option: parseArgs would keep the last silently (switches may repeat).
    const given = tokens.flatMap((token) =>
      token.kind === 'option' && token.value !== undefined ? [token.name] : [],
    )
    const twice = given.find((name, q) => given.indexOf(name) !== q)
    if (twice !== undefined) throw new Error(`--${twice}: given more than once`)
    // A name listed twice runs once.
    const problems = [...new Set(values.problems.split(',').map((name) => name.trim()))]
    for (const name of problems) {
      if (!(PROBLEMS as readonly string[]).includes(name)) {
        throw new Error(`--problems: expected names among ${PROBLEMS.join(', ')}, found '${name}'`)
      }
    }
    const labels = SOLVERS.map((s) => s.label)
    const solvers = [...new Set(values.solvers.split(',').map((label) => label.trim()))]
    for (const label of solvers) {
      if (!labels.includes(label)) {
        throw new Error(`--solvers: expected names among ${labels.join(', ')}, found '${label}'`)
      }
    }
    const runnable = problems.some((name) =>
      solversOf(name as (typeof PROBLEMS)[number]).some((s) => solvers.includes(s.label)),
    )
    if (!runnable) {
      throw new Error(
        `no problem of --problems has a solver of --solvers (moving-average runs on ` +
          `notebook and digits only)`,
      )
    }
    return {
      json: values.json,
      repetitions,
      rounds,
      problems: problems as (typeof PROBLEMS)[number][],
      solvers,
      sklearn: !values['no-sklearn'],
      kernels,
      child: values.child,
      tsx: values.tsx,
    }
  } catch (error) {
    console.error(
      `error: ${(error as Error).message}\n` +
        'usage: npm run bench -- [--json] [--repetitions N] [--rounds N] [--problems a,b] ' +
        '[--solvers a,b] [--no-sklearn] [--kernels auto|reference|wasm] [--tsx]',
    )
    process.exit(1)
  }
}

const jsonLine = (m: Measurement): string => {
  const { range: _range, sklearnRange: _sklearnRange, shape: _shape, ...rest } = m
  return JSON.stringify(rest)
}

/**
 * Measures one problem with the solvers asked for in this process; the lines scikit-learn
 * printed set its version.
 */
const measureProblem = async (
  name: (typeof PROBLEMS)[number],
  args: Arguments,
  python: string | undefined,
): Promise<{ rows: Measurement[]; sklearnVersion: string | undefined }> => {
  let sklearnVersion: string | undefined
  const problem = builders[name]()
  // Building the problem leaves garbage: the arrays its matrices were made from, which
  // nmfkit's constructors copy (about 10 MB on the sparse problem). Collected here, before
  // any fit, so that the memory columns count the problem and the fits, not the bench's
  // discarded arrays. The children run with --expose-gc; a process without it skips this.
  ;(globalThis as { gc?: () => void }).gc?.()
  const repetitions = args.repetitions ?? problem.repetitions
  const solvers = solversOf(name).filter((s) => args.solvers.includes(s.label))
  const rows: Measurement[] = []
  for (const solver of solvers) {
    const theirs: SklearnLine[] = []
    // Rounds where scikit-learn runs beside nmfkit (unless given, every timed fit of each side
    // alternates with one of the other's); nmfkit alone times its fits in one.
    const inputs =
      python !== undefined && solver.sklearn ? sklearnInputs(problem, [solver]) : undefined
    const rounds = inputs === undefined ? 1 : (args.rounds ?? repetitions)
    const perRound = Math.ceil(repetitions / rounds)
    // Started before nmfkit's warm-up, and warmed up: loading Python and scikit-learn takes
    // seconds, which must not overlap nmfkit's timed fits.
    const side =
      inputs && python !== undefined ? await startSklearn(python, inputs.directory) : undefined
    if (side !== undefined) {
      sklearnVersion = side.version
      await side.warmUp(solver.label)
    }
    const measured = await measure(problem, solver, rounds, perRound, async () => {
      if (side !== undefined) theirs.push(await side.fits(solver.label, perRound))
    })
    await side?.close()
    inputs?.remove()
    const { roundMedians: _roundMedians, ...row }: Measurement & { roundMedians?: unknown } =
      measured
    if (theirs.length === 0) {
      rows.push(row)
      continue
    }
    for (const line of theirs) {
      if (line.nIter !== problem.iterations) {
        console.error(
          `error: scikit-learn ${name}/${row.solver} ran ${line.nIter} iterations, ` +
            `expected ${problem.iterations}`,
        )
        process.exit(1)
      }
    }
    const samples = theirs.flatMap((line) => line.samples ?? [])
    const ratios = theirs.map((line, r) => median(line.samples ?? []) / measured.roundMedians[r])
    const error = theirs[theirs.length - 1].reconstructionError ?? NaN
    rows.push({
      ...row,
      sklearnMsPerIter: round(median(samples)),
      sklearnRange: [round(Math.min(...samples)), round(Math.max(...samples))] as const,
      ratio: round(median(ratios), 3),
      errorRelDiff: round(Math.abs(row.reconstructionError - error) / error, 3),
    })
  }
  return { rows, sklearnVersion }
}

/**
 * nmfkit (and this script) compiled to JavaScript by the project's TypeScript in a
 * temporary folder, for the children: what a bundle or a published build runs, without
 * the tsx loader, whose own thread and compiler take about 36 MB of resident memory
 * (bench/README.md). Undefined, with a warning, when tsc fails: the children then run
 * through tsx.
 */
const compileForChildren = (): { directory: string; remove: () => void } | undefined => {
  const root = fileURLToPath(new URL('..', import.meta.url))
  let tsc: string
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  } catch {
    console.error('warning: no TypeScript compiler found, the children run through tsx')
    return undefined
  }
  const directory = mkdtempSync(join(tmpdir(), 'nmfkit-bench-js-'))
  const remove = () => rmSync(directory, { recursive: true, force: true })
  // Removed however this process ends short of a kill: on exit (process.exit included),
  // on Ctrl-C and on SIGTERM, which otherwise end Node without its exit handlers.
  process.on('exit', remove)
  process.once('SIGINT', () => process.exit(130))
  process.once('SIGTERM', () => process.exit(143))
  const built = spawnSync(
    process.execPath,
    [
      tsc,
      '-p',
      join(root, 'tsconfig.json'),
      '--outDir',
      directory,
      '--noEmit',
      'false',
      '--rewriteRelativeImportExtensions',
      '--sourceMap',
      'false',
    ],
    { encoding: 'utf8' },
  )
  if (built.status !== 0) {
    console.error(`warning: tsc failed, the children run through tsx:\n${built.stdout}`)
    remove()
    return undefined
  }
  // The package's own exports name .ts files; the compiled copy's name the .js beside them,
  // as in the package `npm run build` writes.
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Parameters<
    typeof packageManifest
  >[0]
  writeFileSync(join(directory, 'package.json'), JSON.stringify(packageManifest(manifest)))
  symlinkSync(join(root, 'node_modules'), join(directory, 'node_modules'), 'dir')
  symlinkSync(join(root, 'data'), join(directory, 'data'), 'dir')
  symlinkSync(join(root, 'bench', 'sklearn_bench.py'), join(directory, 'bench', 'sklearn_bench.py'))
  return { directory, remove }
}

/**
 * One problem and solver in a child process of its own (this script with --child), so
 * that its peak memory is its own and not what earlier rows left behind.
 */
const measureInChild = (
  name: (typeof PROBLEMS)[number],
  solver: SolverCase,
  args: Arguments,
  compiled: string | undefined,
): { rows: Measurement[]; sklearnVersion: string | undefined } => {
  const child = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      ...(compiled === undefined
        ? [...process.execArgv, fileURLToPath(import.meta.url)]
        : [join(compiled, 'bench', 'run.js')]),
      '--child',
      '--problems',
      name,
      '--solvers',
      solver.label,
      '--kernels',
      args.kernels,
      ...(args.repetitions === undefined ? [] : ['--repetitions', String(args.repetitions)]),
      ...(args.rounds === undefined ? [] : ['--rounds', String(args.rounds)]),
      ...(args.sklearn ? [] : ['--no-sklearn']),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * MIB },
  )
  if (child.status !== 0) {
    const how = child.signal === null ? `exit code ${child.status}` : `signal ${child.signal}`
    console.error(`error: the run of ${name}/${solver.label} failed (${how})`)
    process.exit(1)
  }
  const lines = child.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Measurement & { sklearnVersion?: string })
  const rows = lines.filter((line) => line.problem !== undefined)
  return { rows, sklearnVersion: lines.find((line) => line.sklearnVersion)?.sklearnVersion }
}

const main = async (): Promise<void> => {
  const args = parseArguments()
  setKernelPath(args.kernels)
  const started = performance.now()
  const python = args.sklearn ? findPython() : undefined
  if (args.child) {
    const { rows, sklearnVersion } = await measureProblem(args.problems[0], args, python)
    for (const row of rows) console.log(JSON.stringify(row))
    console.log(JSON.stringify({ sklearnVersion }))
    return
  }
  let sklearnVersion: string | undefined
  const results: Measurement[] = []
  const compiled = args.tsx ? undefined : compileForChildren()
  for (const name of args.problems) {
    for (const solver of solversOf(name).filter((s) => args.solvers.includes(s.label))) {
      const measured = measureInChild(name, solver, args, compiled?.directory)
      sklearnVersion = measured.sklearnVersion ?? sklearnVersion
      for (const row of measured.rows) if (args.json) console.log(jsonLine(row))
      results.push(...measured.rows)
    }
  }
  compiled?.remove()
  if (args.json) return

  const seconds = (performance.now() - started) / 1000
  console.log(
    `Node ${process.version}, nmfkit ${compiled ? 'compiled by tsc' : 'through tsx'}, ` +
      `kernels ${args.kernels}, ` +
      (python === undefined
        ? 'without scikit-learn'
        : `scikit-learn ${sklearnVersion} (${python})`) +
      '; ' +
      `median wall time per iteration after a warm-up; ${seconds.toFixed(0)} s in all`,
  )
  const header = [
    'problem',
    'X',
    'k',
    'solver',
    'iter×rep',
    'ms/iter',
    'min–max',
    'sklearn ms/iter',
    'ratio',
    'err diff',
    'peak RSS MB',
    '1st fit RSS MB',
    'start RSS MB',
    'heap+AB MB',
    'budget MB',
  ]
  const rows = results.map((r) => [
    r.problem,
    r.shape,
    String(r.components),
    r.solver,
    `${r.iterations}×${r.repetitions}`,
    String(r.msPerIter),
    `${r.range[0]}–${r.range[1]}`,
    r.sklearnMsPerIter === undefined ? '-' : String(r.sklearnMsPerIter),
    r.ratio === undefined ? '-' : String(r.ratio),
    r.errorRelDiff === undefined ? '-' : r.errorRelDiff.toExponential(1),
    r.peakRssMb.toFixed(0),
    r.firstFitPeakRssMb.toFixed(0),
    r.startRssMb.toFixed(0),
    r.peakHeapMb.toFixed(0),
    r.memoryBudgetMb.toFixed(0),
  ])
  const widths = header.map((title, c) =>
    Math.max(title.length, ...rows.map((row) => row[c].length)),
  )
  const line = (cells: readonly string[]): string =>
    cells.map((cell, c) => (c >= 4 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ')
  console.log(line(header))
  console.log(line(widths.map((width) => '-'.repeat(width))))
  for (const row of rows) console.log(line(row))
}

await main()
