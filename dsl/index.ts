/**
 * The DSL's public API: typed immutable expressions, their evaluation, update
 * rules with combinators, and solvers defined from rules.
 */
export {
  Expr,
  dot,
  div,
  lift,
  max,
  min,
  minus,
  mul,
  plus,
  scalar,
  times,
  timesTransposed,
  transposeTimes,
  where,
  type At,
  type One,
  type Operand,
  type Scalar,
} from './expr.ts'
export {
  evaluate,
  evaluateAll,
  explain,
  value,
  type EvaluateOptions,
  type MatrixOf,
} from './evaluate.ts'
export { interpret } from './interpret.ts'
export {
  alternate,
  damp,
  measureChange,
  mergeStats,
  penalize,
  projectNonnegative,
  rule,
  sequence,
  sweepColumns,
  withHFixed,
  withObjective,
  type ColumnRule,
  type ColumnStep,
  type ColumnView,
  type Half,
  type HalfRule,
  type Outcome,
  type PenaltyWeights,
  type Rule,
  type RuleContext,
  type Setting,
  type Stats,
} from './rules.ts'
export { defineSolver, type SolverDefinition } from './define.ts'
