/**
 * A second thread for the WebAssembly kernels: one worker (Node's
 * worker_threads) that instantiates the shared-memory build of the module on
 * the same memory and runs part of a call while the calling thread runs the
 * rest: half of a product's rows (gemmStrided, csrTimesDense: each output
 * entry computed by one thread in the same order as with one thread, so bit
 * for bit the same results), half of X's rows for Xᵀ·B with a CSR X and
 * for mu's dense KL pass (muKlDense; two partial sums of H's numerator, added:
 * the same to rounding) and its pass for other β (muBeta; the same for H's numerator
 * and denominator), half of the entries of mu's entrywise update
 * (multiplyEntries) or half of the rows of its whole Frobenius update of W or Hᵀ
 * (muFrobeniusRows; each entry by one thread: the same bits), half of the rows of a
 * column sweep (coordinateSweep; the
 * entries bit for bit the same, the two halves' sums added), of the dense
 * Frobenius error (squaredErrorDense), of the β-divergence's sums (betaSums; two
 * partial sums, added on one thread as on two) or of a CSR X's Frobenius error
 * (csrCross; the same). Calls stay synchronous: the caller waits for the worker
 * with `Atomics.wait`, which Node allows on its main thread. Each side spins for
 * up to SPIN_MS before it sleeps: waking a sleeping thread took longer than half
 * of a digits-sized product (1797×64×10,
 * 80 µs), so without the spin two threads were no faster there than one. The
 * worker claims each posted call before running it; one it has not claimed by
 * the time the caller is done with its own part, the caller takes back and runs
 * (on a loaded machine the worker may get no core for milliseconds).
 *
 * Only on Node with at least two cores, and only for calls of at least
 * `THREAD_MIN_WORK` multiply-adds; elsewhere (browsers, one core, a worker that
 * does not start within `START_TIMEOUT_MS`) everything runs on the calling
 * thread. The worker is unref'd: it never keeps a process alive.
 */
import { describeValue, showFound } from './describe.ts'

/**
 * Products with fewer multiply-adds than this run on one thread. With the spin, a
 * handoff costs about 0.5 µs: two threads broke even at about 8 000 multiply-adds
 * (measured; bench/README.md, "What runs where").
 */
export const THREAD_MIN_WORK = 1 << 16

/**
 * How long each thread spins, in ms, waiting for the other before it sleeps: the worker
 * after each job (the next product of an iteration follows soon), the caller for the
 * worker's half.
 */
const SPIN_MS = 0.2

/** How long the first threaded call waits for the worker to start before giving up. */
const START_TIMEOUT_MS = 5_000

// The control block: int32 [state, ready, failed, kernel], then 20 float64 arguments
// (byte offsets and sizes are exact in a float64, and wasm's i32 parameters take them
// modulo 2³², which is the offset). The state is 0 before the first job, 1 while a job
// is posted, 3 once the worker has claimed it, 2 when it is done (or taken back by the
// caller before the worker claimed it); ready is 1 once the worker can take jobs. Every
// store is followed by a notify: Atomics.wait wakes on notify, not on a change.
const STATE = 0
const READY = 1
const FAILED = 2
const KERNEL = 3
const POSTED = 1
const DONE = 2
const CLAIMED = 3
const ARGUMENTS_AT = 16
const ARGUMENTS = 20
// Then one float64: the kernel's return value (0 for kernels that return nothing).
const RESULT_AT = ARGUMENTS_AT + ARGUMENTS * 8
const CONTROL_BYTES = RESULT_AT + 8

/** The kernels the worker runs, by their index in the control block's KERNEL slot. */
export const WORKER_KERNELS = [
  'gemmStrided',
  'csrTimesDense',
  'csrTransposeTimesDense',
  'muKlDense',
  'coordinateSweep',
  'squaredErrorDense',
  'multiplyEntries',
  'muFrobeniusRows',
  'betaSums',
  'muBeta',
  'csrCross',
] as const

/** The name of a kernel the worker can run. */
export type WorkerKernel = (typeof WORKER_KERNELS)[number]

interface WorkerThreads {
  readonly Worker: new (
    source: string,
    options: { eval: true; workerData: unknown; execArgv: string[] },
  ) => WorkerHandle
}

interface WorkerHandle {
  unref(): void
  terminate(): Promise<number>
  on(event: 'error' | 'exit', listener: () => void): void
}

interface NodeProcess {
  readonly getBuiltinModule?: (name: string) => unknown
}

/**
 * The worker's program (plain JavaScript, no imports to resolve): instantiate the module
 * on the shared memory, say so, then run posted kernel calls until the process ends.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads')
const { module, memory, control } = workerData
const state = new Int32Array(control, 0, ${ARGUMENTS_AT / 4})
const args = new Float64Array(control, ${ARGUMENTS_AT}, ${ARGUMENTS})
const result = new Float64Array(control, ${RESULT_AT}, 1)
const instance = new WebAssembly.Instance(module, { env: { memory } })
const kernels = ${JSON.stringify(WORKER_KERNELS)}.map((name) => instance.exports[name])
Atomics.store(state, ${READY}, 1)
Atomics.notify(state, ${READY})
for (;;) {
  let now = Atomics.load(state, ${STATE})
  // Spin a little before sleeping: the next product of an iteration follows soon, and
  // waking a sleeping thread costs more than a small product.
  const until = performance.now() + ${SPIN_MS}
  while (now !== ${POSTED} && performance.now() < until) now = Atomics.load(state, ${STATE})
  while (now !== ${POSTED}) {
    Atomics.wait(state, ${STATE}, now)
    now = Atomics.load(state, ${STATE})
  }
  // The caller may have taken the job back meanwhile: run it only if this claim wins.
  if (Atomics.compareExchange(state, ${STATE}, ${POSTED}, ${CLAIMED}) !== ${POSTED}) continue
  try {
    result[0] = kernels[state[${KERNEL}]](...args) ?? 0
  } catch {
    Atomics.store(state, ${FAILED}, 1)
  }
  Atomics.store(state, ${STATE}, ${DONE})
  Atomics.notify(state, ${STATE})
}
`

/** The worker, its memory and its control block, once started; null when it cannot be. */
let pool:
  | {
      readonly state: Int32Array
      readonly args: Float64Array
      readonly result: Float64Array
      readonly memory: WebAssembly.Memory
      readonly worker: WorkerHandle
    }
  | null
  | undefined

/** Whether this host can run the worker: Node with worker_threads and two cores or more. */
const threadsPossible = (): WorkerThreads | undefined => {
  const process = (globalThis as { process?: NodeProcess }).process
  if (typeof process?.getBuiltinModule !== 'function') return undefined
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics?.wait !== 'function') {
    return undefined
  }
  const os = process.getBuiltinModule('node:os') as { availableParallelism?: () => number }
  if ((os.availableParallelism?.() ?? 1) < 2) return undefined
  return process.getBuiltinModule('node:worker_threads') as WorkerThreads
}

let enabled = true

/** Allows (the default) or forbids the second thread for later calls. */
export const setKernelThreads = (allowed: boolean): void => {
  // As setKernelPath does: a JavaScript caller's 'no' would otherwise count as true.
  if (typeof allowed !== 'boolean') {
    // Shown as other found values are (a string quoted: 'false' would otherwise read
    // "expected true or false, found false"), but an object described, not written out.
    const found =
      typeof allowed === 'object' && allowed !== null ? describeValue(allowed) : showFound(allowed)
    throw new TypeError(`setKernelThreads: expected true or false, found ${found}`)
  }
  enabled = allowed
}

/**
 * Whether a call of `work` multiply-adds may run on two threads (allowed, and large
 * enough); when not, `inParallel` runs nothing and callers may call the kernel directly.
 */
export const twoThreadsFor = (work: number): boolean => enabled && work >= THREAD_MIN_WORK

/** Whether a shared memory should be made, so that a worker can join later. */
export const sharedMemoryWanted = (): boolean => threadsPossible() !== undefined

/** Starts the worker on `module` and `memory` (once); false when it cannot. */
const start = (module: WebAssembly.Module, memory: WebAssembly.Memory): boolean => {
  // A worker on another memory (the module was loaded again) is of no use: replace it.
  if (pool && pool.memory !== memory) stopWorker()
  if (pool !== undefined) return pool !== null
  pool = null
  const threads = threadsPossible()
  if (threads === undefined) return false
  try {
    const control = new SharedArrayBuffer(CONTROL_BYTES)
    const state = new Int32Array(control, 0, ARGUMENTS_AT / 4)
    const args = new Float64Array(control, ARGUMENTS_AT, ARGUMENTS)
    const worker = new threads.Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { module, memory, control },
      execArgv: [],
    })
    worker.unref()
    // A worker that fails or ends on its own is not used again; without a listener its
    // error would end the process.
    const lost = () => {
      if (pool?.worker === worker) pool = null
    }
    worker.on('error', lost)
    worker.on('exit', lost)
    if (Atomics.wait(state, READY, 0, START_TIMEOUT_MS) === 'timed-out') {
      void worker.terminate()
      return false
    }
    pool = { state, args, result: new Float64Array(control, RESULT_AT, 1), memory, worker }
    return true
  } catch {
    return false
  }
}

/** The arguments of a worker call: at most twenty numbers. */
type Arguments = readonly number[]

/**
 * Runs one call of a kernel on two threads: `kernel(worker)` on the worker while
 * `here()` runs on the calling thread, then waits for both; if the worker has not begun
 * its part when `here()` ends, the calling thread runs that part too (`fallback`), so a
 * worker that gets no core never holds a call up. Returns false, having run nothing,
 * when the worker is not allowed, cannot start, or `work` (multiply-adds) is below
 * THREAD_MIN_WORK: the caller then runs the whole call itself.
 */
export const inParallel = (
  module: WebAssembly.Module | undefined,
  memory: WebAssembly.Memory,
  work: number,
  kernel: WorkerKernel,
  worker: Arguments,
  here: () => void,
  fallback: (args: Arguments) => unknown,
): boolean => {
  if (module === undefined || !twoThreadsFor(work)) return false
  if (!start(module, memory)) return false
  const { state, args, result } = pool as NonNullable<typeof pool>
  args.fill(0)
  args.set(worker)
  state[KERNEL] = WORKER_KERNELS.indexOf(kernel)
  // A failure is this call's alone: a flag left from an earlier one would run this
  // call's part a second time (twice over for the kernels that work in place).
  Atomics.store(state, FAILED, 0)
  Atomics.store(state, STATE, POSTED)
  Atomics.notify(state, STATE)
  const runHere = () => {
    const value = fallback(worker)
    workerValue = typeof value === 'number' ? value : 0
  }
  here()
  // A worker that has not claimed its half yet (busy elsewhere, or not scheduled on a
  // loaded machine) does not hold the caller up: the caller takes the half back.
  if (Atomics.compareExchange(state, STATE, POSTED, DONE) === POSTED) {
    takenBack++
    runHere()
    return true
  }
  const until = performance.now() + SPIN_MS
  while (Atomics.load(state, STATE) === CLAIMED && performance.now() < until);
  while (Atomics.load(state, STATE) === CLAIMED) Atomics.wait(state, STATE, CLAIMED)
  workerValue = result[0]
  if (Atomics.load(state, FAILED) !== 0) {
    // The worker could not run its part (it cannot fail on valid offsets): run it here,
    // and keep to one thread from now on.
    enabled = false
    runHere()
  }
  return true
}

let workerValue = 0
let takenBack = 0

/** How many calls' worker parts the calling thread has taken back so far (for tests). */
export const takenBackCalls = (): number => takenBack

/**
 * Runs `kernel` over rows 0..rows−1: on two threads when inParallel allows it, the rows
 * from `split` on the worker and the rest here, else all of them here (or, with `apart`,
 * the same two parts one after the other). `part(first, count, worker)` gives the
 * kernel's arguments for those rows (the worker's part may write apart, into partial sums
 * of its own). Returns whether two threads ran and what each part returned (0 for the
 * worker's on one thread without `apart`, and for kernels without a value).
 */
export const inTwoParts = (
  module: WebAssembly.Module | undefined,
  memory: WebAssembly.Memory,
  work: number,
  kernel: WorkerKernel,
  rows: number,
  split: number,
  part: (first: number, count: number, worker: boolean) => Arguments,
  run: (args: Arguments) => unknown,
  apart = false,
): { readonly parallel: boolean; readonly here: number; readonly worker: number } => {
  let here: unknown = 0
  const parallel = inParallel(
    module,
    memory,
    work,
    kernel,
    part(split, rows - split, true),
    () => (here = run(part(0, split, false))),
    run,
  )
  const number = (value: unknown): number => (typeof value === 'number' ? value : 0)
  if (parallel) return { parallel, here: number(here), worker: workerValue }
  // On one thread: the whole call, or with `apart` the same two parts one after the other,
  // so that values summed over the parts come out the same on one thread or two.
  if (!apart) return { parallel, here: number(run(part(0, rows, false))), worker: 0 }
  const first = number(run(part(0, split, false)))
  return { parallel, here: first, worker: number(run(part(split, rows - split, true))) }
}

/** Stops the worker, if one runs; the next large product starts a new one. */
export const stopWorker = (): void => {
  if (pool) void pool.worker.terminate()
  pool = undefined
}

/** Whether the worker has started and takes jobs. */
export const workerRunning = (): boolean => pool !== undefined && pool !== null
