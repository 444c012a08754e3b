/**
 * nmfkit/testing: the conformance kit. Arbitraries for non-negative matrices,
 * planted factorizations and fit options (fast-check), and `solverLaws`, which
 * declares the laws every solver should keep as vitest property tests.
 *
 * @example
 * // my-solver.test.ts
 * import { solverLaws } from 'nmfkit/testing'
 * import { mySolver } from './my-solver.ts'
 *
 * solverLaws(mySolver)
 *
 * @packageDocumentation
 */
export {
  csrMatrix,
  csrOf,
  csrPartsOf,
  denseMatrix,
  densePlusCsr,
  GRID,
  magnitudes,
  shapes,
  type MatrixConstraints,
} from './arbitraries.ts'
export { planted, type Planted, type PlantedConstraints } from './planted.ts'
export {
  allInits,
  betaLossOption,
  betas,
  customFactors,
  fitCases,
  printable,
  withOptions,
  type FitCase,
  type InitChoice,
  type OptionConstraints,
} from './options.ts'
export {
  changeSince,
  componentDistance,
  firstNegative,
  factorDifference,
  fitDifference,
  largestDifference,
  nonFiniteParts,
  objectiveScale,
  penalizedDivergence,
  permuteRows,
  relativeDifference,
  sameFit,
  snapshot,
  weightedFactors,
} from './checks.ts'
export {
  DEEP_SNAPSHOT_LIMITS,
  deepChangeSince,
  deepSnapshot,
  type DeepSnapshot,
} from './reachable.ts'
export { budget, DEFAULT_RUNS, DEFAULT_SEED, type Budget } from './budget.ts'
export { AGREEMENT_TOLERANCE, MONOTONE_SLACK, OBJECTIVE_TOLERANCE, solverLaws } from './laws.ts'
export {
  DEFAULT_RECOVERY,
  lawNames,
  type LawName,
  type LawSettings,
  type RecoverySettings,
} from './settings.ts'
