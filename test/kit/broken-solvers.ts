/**
 * Solvers broken on purpose, one law each, for test/kit-messages.test.ts: each
 * is Lee and Seung's multiplicative update in plain matrix products with one
 * defect (but `constantOrder`, which is cd), so that the law it breaks fails and
 * the kit's message can be read.
 */
import * as E from 'fp-ts/lib/Either.js'
import {
  cd,
  createRng,
  factorPenalty,
  Matrix,
  type AnyMatrix,
  type Factors,
  type Penalties,
  type Problem,
  type Solver,
} from 'nmfkit'
// Internal: the storage of a matrix, which the solvers below write into on purpose.
import { valuesOf } from '../../core/matrix.ts'

/** Keeps a zero denominator from giving 0/0. */
const EPSILON = 1e-12

export const unwrap = <A>(result: E.Either<{ readonly message: string }, A>): A => {
  if (E.isLeft(result)) throw new Error(result.left.message)
  return result.right
}

export const dense = (X: AnyMatrix): Matrix => (X.format === 'dense' ? X : X.toDense())

/** factor ∘ numerator / (denominator + ε), entry by entry; the names come from `factor`. */
const multiply = <R extends string, C extends string>(
  factor: Matrix<R, C>,
  numerator: Matrix<NoInfer<R>, NoInfer<C>>,
  denominator: Matrix<NoInfer<R>, NoInfer<C>>,
): Matrix<R, C> =>
  factor.map((value, i, j) => (value * numerator.get(i, j)) / (denominator.get(i, j) + EPSILON))

/** One multiplicative update: H, then W with the new H. */
export const update = (X: Matrix, W: Factors['W'], H: Factors['H']): Factors => {
  const nextH = multiply(
    H,
    unwrap(W.transposeTimes(X)),
    unwrap(unwrap(W.transposeTimes(W)).times(H)),
  )
  const nextW = multiply(
    W,
    unwrap(X.timesTransposed(nextH)),
    unwrap(W.times(unwrap(nextH.timesTransposed(nextH)))),
  )
  return { W: nextW, H: nextH }
}

/** What a defect may do to the update's result, and to the objective it reports. */
interface Defect {
  /** The factors as the broken step returns them. */
  readonly factors?: (next: Factors, problem: Problem) => Factors
  /** The factors the step reads from the state it is given. */
  readonly read?: (state: Factors, problem: Problem) => Factors
  /** The objective the step reports. @default ½‖X − W·H‖²_F */
  readonly objective?: (iteration: number, honest: number) => number
  /** Extra numbers for the history. */
  readonly details?: Readonly<Record<string, number>>
  /** How the step reads X. @default X itself, or a CSR X made dense */
  readonly readX?: (X: AnyMatrix) => Matrix
  /** Return the state it is given, unchanged: a solver that does nothing. */
  readonly idle?: boolean
}

interface BrokenState extends Factors {
  readonly iteration: number
}

const brokenSolver = (
  name: string,
  defect: Defect,
): Solver<Record<string, never>, BrokenState> => ({
  name,
  optionProps: {},
  defaults: {},
  capabilities: { losses: ['frobenius'], sparse: true, monotone: true, nonnegative: true },
  measure: 'none: it runs maxIter iterations',
  start: (_problem, initial) => ({ ...initial, iteration: 0 }),
  step: (state, problem) => {
    const X = defect.readX ? defect.readX(problem.X) : dense(problem.X)
    const current = defect.read ? defect.read(state, problem) : state
    const honest = defect.idle ? current : update(X, current.W, current.H)
    const next = defect.factors ? defect.factors(honest, problem) : honest
    const residual = unwrap(X.minus(unwrap(honest.W.times(honest.H))))
    const objective = 0.5 * residual.frobeniusNorm() ** 2
    const iteration = state.iteration + 1
    return {
      state: { W: next.W, H: next.H, iteration },
      measure: Infinity,
      objective: defect.objective ? defect.objective(iteration, objective) : objective,
      ...(defect.details ? { details: defect.details } : {}),
    }
  },
  converged: () => false,
})

/** Counts the steps of every fit: what makes `nondeterministic` differ from fit to fit. */
let steps = 0

/** Scales W by a factor that depends on how many steps any fit has taken before. */
export const nondeterministic = brokenSolver('nondeterministic', {
  factors: (next) => {
    steps += 1
    return { W: next.W.map((value) => value * (1 + (steps % 7) / 64)), H: next.H }
  },
})

/** Returns one component too many: an extra zero column of W and zero row of H. */
export const extraComponent = brokenSolver('extra-component', {
  read: (state, problem) => ({
    W: unwrap(Matrix.fromArrays(state.W.toArray().map((row) => row.slice(0, problem.components)))),
    H: unwrap(Matrix.fromArrays(state.H.toArray().slice(0, problem.components))),
  }),
  factors: (next) => ({
    W: unwrap(Matrix.fromArrays(next.W.toArray().map((row) => [...row, 0]))),
    H: unwrap(Matrix.fromArrays([...next.H.toArray(), next.H.row(0).map(() => 0)])),
  }),
})

/** Halves the first row of W after each update: the result depends on the order of X's rows. */
export const firstRowHalved = brokenSolver('first-row-halved', {
  factors: (next) => ({ W: next.W.map((value, i) => (i === 0 ? value / 2 : value)), H: next.H }),
})

/** Grows H by 1% after each update when X is sparse. */
export const sparseDrift = brokenSolver('sparse-drift', {
  factors: (next, problem) =>
    problem.X.format === 'dense' ? next : { W: next.W, H: next.H.map((value) => value * 1.01) },
})

/** The factors with the last entry of H turned negative. */
const lastNegative = (next: Factors): Factors => ({
  W: next.W,
  H: next.H.map((value, t, j) =>
    t === next.H.rows - 1 && j === next.H.cols - 1 ? -1 - value : value,
  ),
})

/** Turns the last entry of H negative. */
export const negativeEntry = brokenSolver('negative-entry', { factors: lastNegative })

/**
 * `negativeEntry` under another name: the same cases fail it the same way, and only the
 * solver's name tells the two failures apart.
 */
export const negativeTwin = brokenSolver('negative-twin', { factors: lastNegative })

/** Writes into the storage of X: doubles its first entry at each step. */
export const changesX = brokenSolver('changes-x', {
  factors: (next, problem) => {
    const data = problem.X.format === 'dense' ? valuesOf(problem.X) : problem.X.data
    data[0] *= 2
    return next
  },
})

/** Writes into the W of the state it is given: doubles its first entry. */
export const changesState = brokenSolver('changes-state', {
  read: (state) => {
    valuesOf(state.W)[0] *= 2
    return state
  },
})

/** Reports an infinite detail in its history. */
export const infiniteDetail = brokenSolver('infinite-detail', { details: { change: Infinity } })

/** `solver` with some of its capabilities changed: what it declares, not what it does. */
const declaring = (
  solver: Solver<Record<string, never>, BrokenState>,
  changes: Partial<Solver['capabilities']>,
): Solver<Record<string, never>, BrokenState> => ({
  ...solver,
  capabilities: { ...solver.capabilities, ...changes },
})

/** Declares that it applies penalties, and fits without them. */
export const ignoresPenalties = declaring(brokenSolver('ignores-penalties', {}), {
  penalties: true,
})

/** Declares that it applies penalties; shrinks W by W's, and fits H without H's. */
export const ignoresHPenalties = declaring(
  brokenSolver('ignores-h-penalties', {
    factors: (next, problem) => {
      const { l1W, l2W } = problem.penalties
      return { W: next.W.map((value) => value / (1 + l1W + l2W)), H: next.H }
    },
  }),
  { penalties: true },
)

/** Declares the KL loss too, and runs the Frobenius update whatever the loss. */
export const oneUpdateForAll = declaring(brokenSolver('one-update-for-all', {}), {
  losses: ['frobenius', 'kullback-leibler'],
  monotone: false,
})

/** Declares a monotone objective and reports one that rises by 1 each iteration. */
export const risingObjective = brokenSolver('rising-objective', {
  objective: (iteration) => iteration,
})

/**
 * Reports an objective that falls (1 / iteration) while its factors get worse: W tripled
 * and 1 added to each entry after every update.
 */
export const fakeObjective = brokenSolver('fake-objective', {
  factors: (next) => ({ W: next.W.map((value) => 3 * value + 1), H: next.H }),
  objective: (iteration) => 1 / iteration,
})

/**
 * Takes a CSR X and reads its stored entries as the dense matrix, row after row, ignoring
 * where they are: right only for an X without zeros.
 */
export const storedAsDense = brokenSolver('stored-as-dense', {
  readX: (X) => {
    if (X.format === 'dense') return X
    const values = new Float64Array(X.rows * X.cols)
    values.set(X.data)
    return unwrap(Matrix.fromData(X.rows, X.cols, values))
  },
})

/** As `fading`, declaring β-divergences alone: the recovery law fits its plant with β = 1.5. */
export const fadingBeta = declaring(
  brokenSolver('fading-beta', {
    idle: true,
    factors: (next) => ({ W: next.W, H: next.H.map((value) => value / 2) }),
  }),
  {
    losses: ['beta-divergence'],
    monotone: false,
  },
)

/** Never updates the factors, and halves H at each step: it recovers nothing. */
export const fading = brokenSolver('fading', {
  idle: true,
  factors: (next) => ({ W: next.W, H: next.H.map((value) => value / 2) }),
})

/** Reports ‖X − W·H‖²_F, twice the objective of its state. */
export const doubledObjective = brokenSolver('doubled-objective', {
  objective: (_iteration, honest) => 2 * honest,
})

/**
 * The multiplicative update for ½‖X − W·H‖²_F plus `penalties` (scikit-learn's for β = 2):
 * each factor's L1 weight and L2 weight times the factor join the denominator.
 */
const penalizedUpdate = (X: Matrix, { W, H }: Factors, penalties: Penalties): Factors => {
  const nextH = multiply(
    H,
    unwrap(W.transposeTimes(X)),
    unwrap(unwrap(W.transposeTimes(W)).times(H)).map(
      (value, t, j) => value + penalties.l1H + penalties.l2H * H.get(t, j),
    ),
  )
  const nextW = multiply(
    W,
    unwrap(X.timesTransposed(nextH)),
    unwrap(W.times(unwrap(nextH.timesTransposed(nextH)))).map(
      (value, i, t) => value + penalties.l1W + penalties.l2W * W.get(i, t),
    ),
  )
  return { W: nextW, H: nextH }
}

/**
 * Declares penalties, and applies half of each: in its update, and in the objective it
 * reports, which is that of its state for the halved penalties.
 */
export const halfPenalties: Solver<Record<string, never>, BrokenState> = {
  ...brokenSolver('half-penalties', {}),
  capabilities: {
    losses: ['frobenius'],
    sparse: true,
    monotone: true,
    nonnegative: true,
    penalties: true,
  },
  step: (state, problem) => {
    const X = dense(problem.X)
    const { l1W, l2W, l1H, l2H } = problem.penalties
    const half = { l1W: l1W / 2, l2W: l2W / 2, l1H: l1H / 2, l2H: l2H / 2 }
    const next = penalizedUpdate(X, state, half)
    const residual = unwrap(X.minus(unwrap(next.W.times(next.H))))
    const objective =
      0.5 * residual.frobeniusNorm() ** 2 +
      factorPenalty(half.l1W, half.l2W, next.W) +
      factorPenalty(half.l1H, half.l2H, next.H)
    return { state: { ...next, iteration: state.iteration + 1 }, measure: Infinity, objective }
  },
}

/**
 * cd, but its shuffle draws from a generator of its own, seeded with 0 at every step: the
 * order it visits the components in is the same whatever the fit's seed.
 */
export const constantOrder: Solver<Record<string, never>> = {
  ...cd,
  name: 'constant-order',
  step: (state, problem, options) => cd.step(state, { ...problem, rng: createRng(0) }, options),
}

/**
 * `halfPenalties` reporting no objective: only the objective computed from its factors
 * tells, from a start near the minimum of the objective with the problem's penalties.
 */
export const silentHalfPenalties: Solver<Record<string, never>, BrokenState> = {
  ...halfPenalties,
  name: 'silent-half-penalties',
  step: (state, problem, options) => {
    const { state: next, measure } = halfPenalties.step(state, problem, options)
    return { state: next, measure }
  },
}

/**
 * cd that draws once from problem.rng at every step, and takes its order from a generator of
 * its own, seeded with 0: it touches problem.rng, but its order is the same whatever the
 * fit's seed.
 */
export const drawsThenOwnOrder: Solver<Record<string, never>> = {
  ...cd,
  name: 'draws-then-own-order',
  step: (state, problem, options) => {
    problem.rng.uniform()
    return cd.step(state, { ...problem, rng: createRng(0) }, options)
  },
}

/** Fits counted across fits: what makes `nudgedStart` differ from fit to fit. */
let fits = 0

/**
 * cd that ignores shuffle and nudges W's first entry by a part in 1e9 times the number of
 * fits before: two fits with the same options differ, with shuffle or without.
 */
export const nudgedStart: Solver<Record<string, never>> = {
  ...cd,
  name: 'nudged-start',
  start: (problem, initial, options) => {
    fits += 1
    const W = initial.W.map((value, i, t) =>
      i === 0 && t === 0 ? value * (1 + fits * 1e-9) : value,
    )
    return cd.start({ ...problem, shuffle: false }, { W, H: initial.H }, options)
  },
  step: (state, problem, options) => cd.step(state, { ...problem, shuffle: false }, options),
}
