/**
 * Where a process's memory goes over repeated fits of one of the bench's problems (by default
 * the sparse one): after each fit of the bench's iterations, the RSS, V8's `arrayBuffers`,
 * the module's memory and the resident size of the C library's heap (`[heap]` in
 * /proc/self/smaps; Linux only).
 *
 *   node --expose-gc --import tsx bench/memory-probe.ts [problem] [cd|mu|mu-kl] [fits] [--collect]
 *
 * `--collect` collects the garbage before each fit. Through tsx every RSS is about 34 MiB
 * higher than in nmfkit compiled by tsc; "Where the sparse rows' repeated fits' memory goes"
 * in bench/README.md runs it compiled.
 */
import { readFileSync } from 'node:fs'
import { kernelMemoryBytes, nmf } from '../index.ts'
import { builders, orExit, PROBLEMS } from './problems.ts'

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

const [problemName = 'sparse', solverName = 'cd', count = '10'] = process.argv
  .slice(2)
  .filter((arg) => arg !== '--collect')
const fits = Number(count)
const collect = process.argv.includes('--collect')
const gc = (globalThis as { gc?: () => void }).gc
const problemKnown = (name: string): name is (typeof PROBLEMS)[number] =>
  (PROBLEMS as readonly string[]).includes(name)
if (
  !problemKnown(problemName) ||
  !['cd', 'mu', 'mu-kl'].includes(solverName) ||
  !Number.isInteger(fits) ||
  fits < 1 ||
  gc === undefined
) {
  console.error(
    `usage: node --expose-gc memory-probe [${PROBLEMS.join('|')}] [cd|mu|mu-kl] [fits] [--collect]`,
  )
  process.exit(1)
}
const problem = builders[problemName]()
gc()

/** One fit, measured while its result is held; the result is garbage once this returns. */
const fitAndMeasure = (fit: number): string => {
  const result = orExit(
    nmf(problem.X, {
      components: problem.components,
      solver: solverName === 'cd' ? 'cd' : 'mu',
      betaLoss: solverName === 'mu-kl' ? 'kullback-leibler' : 'frobenius',
      init: problem.initial,
      maxIter: problem.iterations,
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
