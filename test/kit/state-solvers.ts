/**
 * Solvers whose state holds more than W and H, each in two versions: one whose step writes
 * into the state, problem or options it is given (broken on purpose, for
 * test/kit/broken.kit.ts and the messages test/kit-messages.test.ts reads), and one that
 * copies first and keeps the `inputs-unchanged` law (test/laws.test.ts). Each runs Lee and
 * Seung's multiplicative update, as broken-solvers.ts's do.
 */
import * as t from 'io-ts'
import type { Factors, Solver } from 'nmfkit'
import { dense, unwrap, update } from './broken-solvers.ts'

/** What every solver here shares: its capabilities, a measure, no stopping. */
const common = {
  optionProps: {},
  defaults: {},
  capabilities: { losses: ['frobenius'], sparse: true, monotone: true, nonnegative: true },
  measure: 'none: it runs maxIter iterations',
  converged: () => false,
} as const

/** ½‖X − W·H‖²_F. */
const objectiveOf = (X: ReturnType<typeof dense>, { W, H }: Factors): number =>
  0.5 * unwrap(X.minus(unwrap(W.times(H)))).frobeniusNorm() ** 2

interface VelocityState extends Factors {
  /** A running average of W's changes: v ← ½·v + (W_next − W), entry by entry. */
  readonly velocity: Float64Array
}

/** Keeps a velocity of W's changes; `inPlace` writes it into the state's own array. */
const velocitySolver = (inPlace: boolean): Solver<Record<string, never>, VelocityState> => ({
  ...common,
  name: inPlace ? 'velocity-in-place' : 'velocity',
  start: (_problem, initial) => ({
    ...initial,
    velocity: new Float64Array(initial.W.rows * initial.W.cols),
  }),
  step: (state, problem) => {
    const X = dense(problem.X)
    const { W, H } = update(X, state.W, state.H)
    const [w0, w1] = [state.W.toFloat64Array(), W.toFloat64Array()]
    const v = inPlace ? state.velocity : new Float64Array(state.velocity.length)
    for (let q = 0; q < v.length; q++) v[q] = 0.5 * state.velocity[q] + (w1[q] - w0[q])
    return { state: { W, H, velocity: v }, measure: Infinity, objective: objectiveOf(X, { W, H }) }
  },
})

/** Writes the velocity into the array of the state it is given. */
export const velocityInPlace = velocitySolver(true)
/** Makes a new array for the velocity. */
export const velocityCopied = velocitySolver(false)

interface LogState extends Factors {
  /** The objective after each step so far. */
  readonly errors: readonly number[]
}

/** Keeps a log of its objectives; `inPlace` pushes onto the state's own array. */
const logSolver = (inPlace: boolean): Solver<Record<string, never>, LogState> => ({
  ...common,
  name: inPlace ? 'log-pushed' : 'log',
  start: (_problem, initial) => ({ ...initial, errors: [] }),
  step: (state, problem) => {
    const X = dense(problem.X)
    const next = update(X, state.W, state.H)
    const objective = objectiveOf(X, next)
    let errors: readonly number[]
    if (inPlace) {
      ;(state.errors as number[]).push(objective)
      errors = state.errors
    } else errors = [...state.errors, objective]
    return { state: { ...next, errors }, measure: Infinity, objective }
  },
})

/** Pushes each objective onto the array of the state it is given. */
export const logPushed = logSolver(true)
/** Makes a new array for each step's log. */
export const logCopied = logSolver(false)

/** Sets W's L1 penalty in the problem it is given (the driver has frozen it: this throws). */
export const raisesPenalty: Solver<Record<string, never>> = {
  ...common,
  name: 'raises-penalty',
  start: (_problem, initial) => initial,
  step: (state, problem) => {
    ;(problem.penalties as { l1W: number }).l1W = 5
    const X = dense(problem.X)
    const next = update(X, state.W, state.H)
    return { state: next, measure: Infinity, objective: objectiveOf(X, next) }
  },
}

interface ScheduleOptions {
  /** Weights, one per step in turn; the broken step advances them in place. */
  readonly schedule: readonly number[]
}

/** Adds 1 to the first weight of its `schedule` option, in the options' own array. */
export const advancesSchedule: Solver<ScheduleOptions> = {
  ...common,
  name: 'advances-schedule',
  optionProps: { schedule: t.array(t.number) },
  defaults: { schedule: [1, 2] },
  start: (_problem, initial) => initial,
  step: (state, problem, options) => {
    ;(options.schedule as number[])[0] += 1
    const X = dense(problem.X)
    const next = update(X, state.W, state.H)
    return { state: next, measure: Infinity, objective: objectiveOf(X, next) }
  },
}
