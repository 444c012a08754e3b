/**
 * `solverLaws` checks its arguments before it declares a test: a solver plugin that lacks
 * a member, a setting the kit does not know (a law's name in `skip` among them) or one of
 * the wrong kind or range is an error that names the argument, what was found and what
 * was expected, thrown when the test file is collected.
 */
import { fc } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { planted, solverLaws, type LawSettings } from 'nmfkit/testing'
import { negativeEntry } from './kit/broken-solvers.ts'

const PREFIX = 'nmfkit/testing: solverLaws: '
const LAWS =
  "'finite', 'nonnegative', 'shapes', 'inputs-unchanged', 'deterministic', 'seed', " +
  "'monotone', 'objective', 'penalties', 'losses', 'recovery', 'row-permutation', 'dense-csr'"

/** solverLaws with the broken solver and `settings`, as a JavaScript caller may pass them. */
const withSettings = (settings: unknown) => () => solverLaws(negativeEntry, settings as LawSettings)

describe('solverLaws refuses arguments it cannot use', () => {
  it.each([
    [
      'no solver',
      () => solverLaws(undefined as never),
      'expected the first argument to be a solver plugin (an object with name, optionProps, ' +
        'defaults, capabilities, measure, start, step and converged), found undefined',
    ],
    [
      'a solver without capabilities',
      () => solverLaws({ ...negativeEntry, capabilities: undefined } as never),
      "expected the solver plugin 'negative-entry' to have capabilities, an object, found " +
        'undefined',
    ],
    [
      'a capability of the wrong kind',
      () =>
        solverLaws({
          ...negativeEntry,
          capabilities: { ...negativeEntry.capabilities, monotone: 'yes' },
        } as never),
      "expected the solver plugin 'negative-entry' to have capabilities.monotone, true or " +
        'false, found "yes"',
    ],
    [
      'a name that throws when read',
      () =>
        solverLaws(
          Object.defineProperty({ ...negativeEntry }, 'name', {
            get: () => {
              throw new Error('no name')
            },
          }) as never,
        ),
      'expected the solver plugin to have name, a non-empty string, found one that threw no ' +
        'name when read',
    ],
    // As nmf refuses them: an empty name, and losses that are none or not nmfkit's names.
    [
      'an empty name',
      () => solverLaws({ ...negativeEntry, name: '' }),
      'expected the solver plugin to have name, a non-empty string, found ""',
    ],
    [
      'no losses',
      () =>
        solverLaws({
          ...negativeEntry,
          capabilities: { ...negativeEntry.capabilities, losses: [] },
        }),
      "expected the solver plugin 'negative-entry' to have capabilities.losses, a " +
        "non-empty array of loss names ('frobenius', 'kullback-leibler', 'itakura-saito', " +
        "'beta-divergence'), as nmf takes them, found an empty array",
    ],
    [
      'a loss nmfkit does not know',
      () =>
        solverLaws({
          ...negativeEntry,
          capabilities: { ...negativeEntry.capabilities, losses: ['frobenius', 'kl'] },
        }),
      "expected the solver plugin 'negative-entry' to have capabilities.losses, a " +
        "non-empty array of loss names ('frobenius', 'kullback-leibler', 'itakura-saito', " +
        "'beta-divergence'), as nmf takes them, found an array of 2 entries",
    ],
    [
      'settings that are not an object',
      withSettings(20),
      'expected the settings (the second argument) to be an object, found 20',
    ],
    [
      'a key of the settings the kit does not know',
      withSettings({ numruns: 5 }),
      'expected settings to have only the keys label, numRuns, seed, own, nonnegative, ' +
        'matrix, moderateMatrix, options, objective, monotoneIter, agreementIter, recovery, ' +
        "skip, found 'numruns' (did you mean 'numRuns'?)",
    ],
    [
      'a law skipped by a name that is none',
      withSettings({ skip: ['finite', 'monotonic'] }),
      'expected settings.skip[1] to be the name of a law, found "monotonic" (did you mean ' +
        `'monotone'?); the laws are ${LAWS}`,
    ],
    [
      'a skip that is not a list',
      withSettings({ skip: 'monotone' }),
      'expected settings.skip to be an array of law names, found "monotone"',
    ],
    [
      'no cases',
      withSettings({ numRuns: 0 }),
      'expected settings.numRuns to be an integer ≥ 1, found 0',
    ],
    [
      'a recovery tolerance that is not a number',
      withSettings({ recovery: { relativeError: 'x' } }),
      'expected settings.recovery.relativeError to be a finite number ≥ 0, found "x"',
    ],
    [
      'recovery: true',
      withSettings({ recovery: true }),
      'expected settings.recovery to be false or an object of RecoverySettings, found true',
    ],
    [
      'a plant with more components than componentDistance matches',
      withSettings({ recovery: { planted: { maxComponents: 8 } } }),
      'expected settings.recovery.planted.maxComponents to be an integer in [1, 7], found 8',
    ],
    [
      'a plant whose fewest rows are more than its most',
      withSettings({ recovery: { planted: { minRows: 10, maxRows: 6 } } }),
      'expected settings.recovery.planted.minRows (10) to be at most ' +
        'settings.recovery.planted.maxRows (6)',
    ],
    [
      'a plant whose fewest columns are more than its most, by default',
      withSettings({ recovery: { planted: { minCols: 11 } } }),
      'expected settings.recovery.planted.minCols (11) to be at most ' +
        'settings.recovery.planted.maxCols (10, its default)',
    ],
    [
      'a plant with fewer rows than components',
      withSettings({ recovery: { planted: { maxComponents: 3, maxRows: 2 } } }),
      'expected settings.recovery.planted.maxRows (2) to be at least ' +
        'settings.recovery.planted.maxComponents (3)',
    ],
    [
      'a separable plant with as many columns as components, by default',
      withSettings({ recovery: { planted: { separable: true, maxCols: 4 } } }),
      'expected settings.recovery.planted.maxCols (4) to be at least ' +
        'settings.recovery.planted.maxComponents (4, its default) plus 1, for a separable plant',
    ],
    [
      'a matrix without rows',
      withSettings({ matrix: { maxRows: 0 } }),
      'expected settings.matrix.maxRows to be an integer ≥ 1, found 0',
    ],
    [
      'a matrix whose fewest rows are more than its most, by default',
      withSettings({ matrix: { minRows: 10 } }),
      'expected settings.matrix.minRows (10) to be at most settings.matrix.maxRows (8, its ' +
        'default)',
    ],
    [
      'a density of 0',
      withSettings({ moderateMatrix: { density: 0 } }),
      'expected settings.moderateMatrix.density to be a number in (0, 1], found 0',
    ],
    [
      "the solver's options as values, not an arbitrary",
      withSettings({ own: { gamma: 0.5 } }),
      "expected settings.own to be a fast-check arbitrary of the solver's options (e.g. " +
        'fc.record({ gamma: fc.constant(0.5) })), found an object',
    ],
    [
      'an init the kit does not draw',
      withSettings({ options: { inits: ['random', 'svd'] } }),
      "expected settings.options.inits to be a non-empty array of inits among 'random', " +
        "'nndsvd', 'nndsvda', 'nndsvdar', 'custom', found an array of 2 entries",
    ],
    [
      'fewer monotone iterations than the law draws at least',
      withSettings({ monotoneIter: 5 }),
      'expected settings.monotoneIter to be an integer ≥ 10, found 5',
    ],
  ])('%s', (_what, call, message) => {
    expect(call).toThrow(PREFIX + message)
  })

  it.each([
    [{ minRows: 10, maxRows: 6 }, 'expected minRows (10) to be at most maxRows (6)'],
    [
      { minComponents: 3, maxComponents: 2 },
      'expected minComponents (3) to be at most maxComponents (2)',
    ],
    [{ maxComponents: 3, maxCols: 2 }, 'expected maxCols (2) to be at least maxComponents (3)'],
    [
      { separable: true, maxComponents: 3, maxRows: 3 },
      'expected maxRows (3) to be at least maxComponents (3) plus 1, for a separable plant',
    ],
  ])('planted refuses bounds it cannot meet: %j', (constraints, message) => {
    expect(() => planted(constraints)).toThrow(
      new RangeError(`nmfkit/testing: planted: ${message}`),
    )
  })

  it('planted makes room for more components than its default sides hold', () => {
    const [plant] = fc.sample(planted({ minComponents: 12, maxComponents: 12 }), {
      numRuns: 1,
      seed: 1,
    })
    expect(plant.X.rows).toBeGreaterThanOrEqual(12)
    expect(plant.X.cols).toBeGreaterThanOrEqual(12)
  })

  it('takes settings of every kind it knows', () => {
    // Checked, then declared: the describe block of a valid call runs here, inside a test,
    // which vitest refuses with an error of its own, not one of the kit's.
    const valid: LawSettings = {
      label: 'valid',
      numRuns: 3,
      seed: 7,
      own: fc.record({}),
      nonnegative: true,
      matrix: { minRows: 2, maxRows: 4, minExponent: -2, maxExponent: 2, density: 0.5 },
      moderateMatrix: { positive: true },
      options: { maxComponents: 2, inits: ['random', 'custom'], withinRank: true },
      objective: () => 0,
      monotoneIter: 10,
      agreementIter: 3,
      recovery: { planted: { maxComponents: 3, floor: 0 }, init: 'random', weight: 0.5 },
      skip: ['dense-csr'],
    }
    let thrown: unknown
    try {
      solverLaws(negativeEntry, valid)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(Error)
    expect(String(thrown)).not.toContain(PREFIX)
  })
})
