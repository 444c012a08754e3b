/**
 * nmfkit: non-negative matrix factorization, X ≈ W·H with W, H ≥ 0.
 *
 * @packageDocumentation
 */
export { Matrix } from './core/matrix.ts'
export { CsrMatrix, type AnyMatrix } from './core/csr.ts'
export { fromJSON } from './core/codec.ts'
export { createRng, type Rng } from './core/rng.ts'
export type { NmfError, Result } from './core/errors.ts'
export { frobeniusError } from './core/divergence.ts'
export {
  fastPathAvailable,
  kernelMemoryBytes,
  kernelPath,
  releaseKernelMemory,
  setKernelPath,
  type KernelPath,
} from './core/wasm.ts'
export { setKernelThreads } from './core/threads.ts'
export type {
  AnySolver,
  Capabilities,
  Factors,
  Penalties,
  Problem,
  Solver,
  StepResult,
} from './solvers/contract.ts'
export type { Factorization, HistoryEntry } from './solvers/driver.ts'
export { nmf } from './solvers/nmf.ts'
export type {
  BuiltInSolverName,
  CommonNmfOptions,
  InitOption,
  Nmf,
  NmfOptions,
  RunTimeSolver,
} from './solvers/nmf-types.ts'
export { solvers } from './solvers/resolve-solver.ts'
export { initialize, type InitializeOptions } from './solvers/initialize.ts'
export { initStrategies, type InitStrategy } from './solvers/init.ts'
export { cd, cdColumn, coordinateMinimum } from './solvers/cd.ts'
export { factorPenalty } from './solvers/products.ts'
export {
  movingAverage,
  movingAverageColumn,
  type MovingAverageOptions,
} from './solvers/moving-average.ts'
export { compare, type CompareOptions, type Report } from './solvers/compare.ts'
export type { Comparator, CompareContext, FactorPair } from './solvers/comparator.ts'
export {
  norms,
  type DifferenceMetrics,
  type FactorSummary,
  type NormsReport,
} from './solvers/norms.ts'

// Beta-divergences, multiplicative updates, transform.
export { betaDivergence, EPSILON, LOSS_NAMES, type BetaLoss } from './core/beta-divergence.ts'
export { mu, type MuState } from './solvers/mu.ts'
export { inverseTransform, transform, type TransformOptions } from './solvers/transform.ts'

// The matrix DSL: expressions, evaluation, update rules, DSL-defined solvers.
export * from './dsl/index.ts'

// Comparators: the contract's options, `aligned` (up to permutation and scale), reports as text.
export {
  checkComparable,
  checkData,
  checkSameShapes,
  withOptions,
  type AnyComparator,
  type ConfiguredComparator,
} from './solvers/comparator.ts'
export { optionsCodec } from './solvers/comparator-options.ts'
export { isNormsReport } from './solvers/norms.ts'
export {
  aligned,
  alignedDefaults,
  isAlignedReport,
  type AlignedOptions,
  type AlignedReport,
  type AlignedVerdict,
  type ComponentMatch,
} from './solvers/aligned.ts'
export { formatReport, type FormatReportOptions } from './solvers/format-report.ts'
export { maximumAssignment, type Assignment } from './core/assignment.ts'
