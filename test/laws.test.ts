/**
 * The conformance laws of nmfkit/testing, applied to every built-in solver (the
 * `solvers` list: a new solver joins by being listed), to every other solver
 * value the package exports (the DSL versions), and to option variants.
 *
 * A solver without an entry in `settings` runs the laws with the kit's
 * defaults. The recovery tolerances below are about 30 to 100 times the worst
 * error seen over 2,000 plants per solver, and `mu`'s are looser because
 * multiplicative updates drive the plant's zeros to zero only sublinearly.
 *
 * CI runs 20 cases per law (5 for recovery); `npm run test:fuzz` runs many more.
 */
import { fc } from '@fast-check/vitest'
import * as nmfkit from 'nmfkit'
import { solvers, type AnySolver } from 'nmfkit'
import { solverLaws, type LawSettings } from 'nmfkit/testing'

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
