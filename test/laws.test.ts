/**
 * The conformance laws of nmfkit/testing, applied to every built-in solver (the
 * `solvers` list: a new solver joins by being listed), to every other solver
 * value the package exports (the DSL versions), to option variants, and to the
 * custom variants of examples/ (the plugin guide's solvers and the DSL variants).
 *
 * A solver without an entry in `settings` runs the laws with the kit's
 * defaults. The recovery tolerances are set from the worst errors over 2,000
 * or more plants per solver: for cd (relative error 3e-8, components 2e-7)
 * and moving-average (9e-7, 6e-6) about 30 to 100 times those; for mu (2e-3,
 * 1.3e-2) about 4 times, since multiplicative updates drive the plant's zeros
 * to zero only sublinearly.
 *
 * CI runs 20 cases per law (5 for recovery); `npm run test:fuzz` runs many more.
 */
import * as nmfkit from 'nmfkit'
import { cd, createRng, Matrix, solvers, type AnySolver, type Solver } from 'nmfkit'
import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import {
  componentDistance,
  csrOf,
  lawNames,
  denseMatrix,
  penalizedDivergence,
  planted,
  solverLaws,
  type LawSettings,
} from 'nmfkit/testing'
import { plainMu, relaxedCd } from '../examples/plugins/solver-plugin.ts'
import { fixedComponents } from '../examples/variants/fixed.ts'
import { maskedNmf } from '../examples/variants/masked.ts'
import { sparseH } from '../examples/variants/sparse-h.ts'
import { unwrap } from './fixture-helpers.ts'
import { unclipped } from './kit/signed-solvers.ts'
import { logCopied, velocityCopied } from './kit/state-solvers.ts'

/** γ on a grid in (0, 1]. */
const gamma = fc.integer({ min: 1, max: 10 }).map((q) => q / 10)

/** Per-solver settings, by name. */
const settings: Readonly<Record<string, LawSettings>> = {
  cd: { recovery: { tol: 1e-8, relativeError: 1e-6, componentTolerance: 1e-5 } },
  'moving-average': {
    own: fc.record({ gamma }),
    // γ = 0.5: the default 0.1 needs several times more iterations to come as close.
    recovery: {
      own: { gamma: 0.5 },
      maxIter: 3000,
      tol: 1e-10,
      relativeError: 1e-4,
      componentTolerance: 1e-3,
    },
  },
  mu: { recovery: { maxIter: 3000, relativeError: 1e-2, componentTolerance: 5e-2 } },
}

/** A value that has the shape of a solver plugin. */
const isSolver = (value: unknown): value is AnySolver =>
  typeof value === 'object' &&
  value !== null &&
  ['name', 'capabilities', 'start', 'step', 'converged'].every((key) => key in value)

for (const solver of solvers) solverLaws(solver, settings[solver.name] ?? {})

// Other exported solver values, e.g. the DSL versions of the built-in solvers.
for (const [exportName, value] of Object.entries(nmfkit)) {
  if (!isSolver(value) || solvers.includes(value)) continue
  solverLaws(value, { ...settings[value.name], label: `exported solver ${exportName}` })
}

// The notebook's update exactly: nothing keeps the factors non-negative, and without that
// the factorization is not unique, so there is no plant to recover.
solverLaws(nmfkit.movingAverage, {
  label: "solver 'moving-average' with nonnegative: false",
  own: fc.record({ gamma, nonnegative: fc.constant(false) }),
  nonnegative: false,
  recovery: false,
})

// The plugin guide's solvers. relaxed-cd recovers as moving-average does at the same step;
// plain-mu is multiplicative like mu (and takes dense X only, so it skips the CSR laws).
const relaxedRecovery = settings['moving-average'].recovery
solverLaws(relaxedCd, {
  label: 'plugin relaxed-cd',
  own: fc.record({ step: gamma }),
  recovery: relaxedRecovery === false ? false : { ...relaxedRecovery, own: { step: 0.5 } },
})
// Its ε = 1e-10 is absolute: where W·H·Hᵀ is that small (X below about 1e-2), ε dominates the
// denominators and the objective can rise by a few parts in 1e9, so its comparing laws take
// X from 1 to 1000.
solverLaws(plainMu, {
  label: 'plugin plain-mu',
  moderateMatrix: { minExponent: 0, maxExponent: 3 },
  recovery: settings.mu.recovery,
})

// The DSL variants. sparseH with sparsity 0 is cd, and recovers like it. It decreases
// ½‖X − W·H‖² + λ·ΣH, its own penalty.
solverLaws(sparseH, {
  label: 'variant cd-sparse-h',
  own: fc.record({ sparsity: fc.integer({ min: 0, max: 8 }).map((q) => q / 4) }),
  objective: (problem, state, own) =>
    penalizedDivergence(problem, state) +
    (own as { sparsity: number }).sparsity * state.H.toFloat64Array().reduce((a, h) => a + h, 0),
  recovery: { ...settings.cd.recovery, own: { sparsity: 0 } },
})
// Held components stay at their start, so there is no plant to recover. The variant
// reports no objective; the monotone law computes it from the factors.
solverLaws(fixedComponents([0], [1]), {
  label: 'variant cd-fixed (W column 0 and H row 1 held)',
  recovery: false,
})

// Coordinate descent without the projection onto W, H ≥ 0 (test/kit/signed-solvers.ts): its
// factors go negative, which it declares, and its objective, ½‖X − W·H‖², is monotone all the
// same. Factors of any sign are not unique, so there is no plant to recover.
solverLaws(unclipped, { label: 'unclipped cd (factors of any sign)', recovery: false })

// cd whose shuffle draws from a generator of its own, seeded with problem.rng's seed: the
// other way the seed law allows of taking the order from the fit's seed. Only that law: the
// order is the same at every step, which the others do not look at.
const ownGenerator: Solver<Record<string, never>> = {
  ...cd,
  name: 'cd-own-generator',
  step: (state, problem, options) =>
    cd.step(state, { ...problem, rng: createRng(problem.rng.seed) }, options),
}
solverLaws(ownGenerator, {
  label: 'cd with a generator seeded from problem.rng.seed',
  skip: lawNames.filter((law) => law !== 'seed'),
})

// Settings that leave the seed law no case (one component at most; one row): the law is left
// out, where it drew cases without end, or failed inside fast-check on minRows above maxRows.
// Beside it, one other law, so that each declaration runs something.
const seedAndFinite = lawNames.filter((law) => law !== 'seed' && law !== 'finite')
solverLaws(cd, {
  label: 'cd, one component at most',
  options: { maxComponents: 1 },
  numRuns: 3,
  skip: seedAndFinite,
})
solverLaws(cd, {
  label: 'cd on X of one row',
  moderateMatrix: { maxRows: 1 },
  numRuns: 3,
  skip: seedAndFinite,
})

// A solver that takes X of one shape alone (as the masked variant takes X of its mask's
// shape), and says so in the settings: every law draws X within those bounds, the seed and
// losses laws too, which take X of at least 2×2. And settings of one row, where the losses
// law has no case, as the seed law has none.
const oneShape = { minRows: 4, maxRows: 4, minCols: 5, maxCols: 5 }
const only4x5 = (solver: AnySolver): AnySolver => ({
  ...solver,
  name: `${solver.name}-4x5`,
  start: (problem, initial, options) => {
    const { rows, cols } = problem.X
    if (rows !== 4 || cols !== 5) throw new Error(`expected X 4×5, found X ${rows}×${cols}`)
    return solver.start(problem, initial, options)
  },
})
// The masked variant takes X of its mask's shape alone. It decreases ½‖M∘(X − W·H)‖²; its
// mask stays with the rows where it is, so X with its rows permuted is another problem.
const mask = unwrap(
  Matrix.fromArrays([
    [1, 0, 1, 1, 1],
    [1, 1, 0, 1, 1],
    [1, 1, 1, 1, 0],
    [0, 1, 1, 1, 1],
  ]),
)
solverLaws(maskedNmf(mask), {
  label: 'variant masked-mu (a 4×5 mask)',
  matrix: oneShape,
  moderateMatrix: oneShape,
  objective: (problem, { W, H }) => {
    // Dense: the variant declares sparse: false.
    const [x, wh, m] = [problem.X as Matrix, unwrap(W.times(H)), mask].map((M) =>
      M.toFloat64Array(),
    )
    return 0.5 * x.reduce((sum, value, q) => sum + m[q] * (value - wh[q]) ** 2, 0)
  },
  recovery: false,
  skip: ['row-permutation'],
})
const seedAndLosses = lawNames.filter((law) => law !== 'seed' && law !== 'losses')
for (const solver of [cd, nmfkit.mu] as AnySolver[]) {
  solverLaws(only4x5(solver), {
    label: `${solver.name} on X of 4×5 alone`,
    matrix: oneShape,
    moderateMatrix: oneShape,
    numRuns: 5,
    skip: seedAndLosses,
  })
}
solverLaws(nmfkit.mu, {
  label: 'mu on X of one row',
  moderateMatrix: { maxRows: 1 },
  numRuns: 3,
  skip: lawNames.filter((law) => law !== 'losses' && law !== 'finite'),
})

// States that hold more than W and H, made new by every step (test/kit/state-solvers.ts; the
// kit's messages test fails their versions that write into the state they are given). Only
// the laws about inputs and repeated fits: their update is plain multiplicative.
const otherLaws = lawNames.filter((law) => law !== 'inputs-unchanged' && law !== 'deterministic')
solverLaws(velocityCopied, { label: 'state with a velocity, copied', skip: otherLaws })
solverLaws(logCopied, { label: 'state with a log, copied', skip: otherLaws })

describe('the kit keeps its own promises', () => {
  test.prop(
    [
      denseMatrix({ minExponent: -5, maxExponent: 5 }).chain((X) =>
        fc.tuple(fc.constant(X), csrOf(X)),
      ),
    ],
    {
      numRuns: 50,
    },
  )('csrOf builds exactly the dense matrix from untidy parts', ([X, csr]) => {
    expect(csr.toArray()).toEqual(X.toArray())
    for (const value of X.toFloat64Array()) {
      expect(value).toBeGreaterThanOrEqual(0)
      expect(value).toBeLessThanOrEqual(1e5)
    }
  })

  test.prop([planted({ separable: true, maxComponents: 3 })], { numRuns: 50 })(
    'a separable plant is exact, has its pure lines, and matches itself up to order and scale',
    (plant) => {
      const k = plant.components
      const product = plant.W.times(plant.H)
      expect(product._tag === 'Right' && product.right.toArray()).toEqual(plant.X.toArray())
      const pure = (lines: number[][]) =>
        lines.filter((line) => line.filter((value) => value !== 0).length === 1)
      const pureRows = pure(plant.W.toArray()).map((row) => row.findIndex((v) => v !== 0))
      const pureCols = pure(plant.H.transpose().toArray()).map((c) => c.findIndex((v) => v !== 0))
      for (let t = 0; t < k; t++) {
        expect(pureRows).toContain(t)
        expect(pureCols).toContain(t)
      }
      // Reversed and rescaled components are the same components.
      const order = Array.from({ length: k }, (_, t) => k - 1 - t)
      const W = plant.W.map((_, i, t) => 3 * plant.W.get(i, order[t]))
      const H = plant.H.map((_, t, j) => plant.H.get(order[t], j) / 3)
      expect(componentDistance({ W, H }, plant)).toBeLessThan(1e-12)
      // A counterexample shows the factors as nested arrays, not a Matrix's storage.
      expect(fc.stringify(plant)).toBe(
        `{ W: ${JSON.stringify(plant.W.toArray())}, H: ${JSON.stringify(plant.H.toArray())}, ` +
          `components: ${k}, separable: true }`,
      )
    },
  )
})
