/**
 * Where a process's memory goes over repeated fits of the bench's sparse problem: after
 * each 20-iteration fit, the RSS, V8's `arrayBuffers`, the module's memory and the
 * resident size of the C library's heap (`[heap]` in /proc/self/smaps; Linux only).
 *
 *   node --expose-gc --import tsx bench/memory-probe.ts [cd|mu|mu-kl] [fits] [--collect]
 *
 * `--collect` collects the garbage before each fit. Through tsx every RSS is about 30 MiB
 * higher than in nmfkit compiled by tsc, as bench/README.md explains; "Where the sparse
 * rows' repeated fits' memory goes" there has the numbers of a compiled run.
 */
import { readFileSync } from 'node:fs'
import { createRng, CsrMatrix, kernelMemoryBytes, Matrix, nmf } from '../index.ts'

const MIB = 2 ** 20
const mib = (bytes: number): string => (bytes / MIB).toFixed(1)

/** The resident size of the C library's heap, in bytes. */
const cHeap = (): number => {
  let resident = 0
  let inHeap = false
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) inHeap = line.endsWith('[heap]')
    const rss = /^Rss:\s+(\d+) kB/.exec(line)
    if (inHeap && rss !== null) resident += Number(rss[1]) * 1024
  }
  return resident
}

const orThrow = <T>(
  result: { _tag: 'Left'; left: { message: string } } | { _tag: 'Right'; right: T },
): T => {
  if (result._tag === 'Left') throw new Error(result.left.message)
  return result.right
}

const solverName = process.argv[2] ?? 'cd'
const fits = Number(process.argv[3] ?? 10)
const collect = process.argv.includes('--collect')
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with node --expose-gc')
if (!['cd', 'mu', 'mu-kl'].includes(solverName) || !(fits >= 1)) {
  throw new Error('usage: memory-probe.ts [cd|mu|mu-kl] [fits] [--collect]')
}

// The bench's sparse problem: 20000×5000, 25 stored entries a row in distinct columns.
const rows = 20_000
const cols = 5_000
const perRow = 25
const components = 20
const rng = createRng(20_000)
const indptr = new Int32Array(rows + 1)
const indices = new Int32Array(rows * perRow)
const data = new Float64Array(rows * perRow)
const taken = new Uint8Array(cols)
for (let i = 0; i < rows; i++) {
  const row = indices.subarray(i * perRow, (i + 1) * perRow)
  for (let q = 0; q < perRow;) {
    const c = Math.floor(rng.uniform() * cols)
    if (taken[c] === 1) continue
    taken[c] = 1
    row[q++] = c
  }
  row.sort()
  for (let q = 0; q < perRow; q++) {
    taken[row[q]] = 0
    data[i * perRow + q] = 1 - rng.uniform()
  }
  indptr[i + 1] = (i + 1) * perRow
}
const X = orThrow(CsrMatrix.fromParts(rows, cols, indptr, indices, data))
const start = createRng(20_001)
const uniform = (n: number) => Float64Array.from({ length: n }, () => 0.01 * start.uniform())
const init = {
  W: orThrow(Matrix.fromData(rows, components, uniform(rows * components))),
  H: orThrow(Matrix.fromData(components, cols, uniform(components * cols))),
}
gc()

/** One fit, measured while its result is held; the result is garbage once this returns. */
const fitAndMeasure = (fit: number): string => {
  const result = orThrow(
    nmf(X, {
      components,
      solver: solverName === 'cd' ? 'cd' : 'mu',
      betaLoss: solverName === 'mu-kl' ? 'kullback-leibler' : 'frobenius',
      init,
      maxIter: 20,
      tol: 0,
    }),
  )
  const usage = process.memoryUsage()
  const line = [fit, mib(usage.rss), mib(usage.arrayBuffers), mib(kernelMemoryBytes())]
  return [...line, mib(cHeap()), result.nIter].join('  ')
}

console.log('fit  RSS  arrayBuffers  module  C heap  (MiB)  iterations')
for (let fit = 1; fit <= fits; fit++) {
  if (collect) gc()
  console.log(fitAndMeasure(fit))
}
