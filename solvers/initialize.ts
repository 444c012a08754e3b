/**
 * `initialize(X, components, { init, seed })`: the first factors of a fit on
 * their own, for inspection or to share one start between several solvers.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as t from 'io-ts'
import type { AnyMatrix } from '../core/csr.ts'
import { describeValue } from '../core/matrix.ts'
import {
  concerning,
  invalidOption,
  showNumber,
  type NmfError,
  type Result,
} from '../core/errors.ts'
import { createRng } from '../core/rng.ts'
import { checkFinite, checkNonNegative } from '../core/validate.ts'
import type { Factors } from './contract.ts'
import { asMatrix, type MatrixInput } from '../core/input.ts'
import type { InitOption } from './nmf-types.ts'
import { decodeProps, PositiveInteger, readOptions, Seed } from './options.ts'
import { componentsFit } from './nmf.ts'
import { buildInit } from './setup.ts'

/** Options of `initialize`. */
export interface InitializeOptions {
  /** A strategy name or `{ W, H }`; default as in `nmf`. */
  readonly init?: InitOption
  /** @default 0 */
  readonly seed?: number
}

/**
 * W (samples×k) and H (k×features) to start a fit from.
 *
 * @example
 * const start = initialize([[1, 0], [0, 1]], 2, { init: 'random', seed: 7 })
 */
export const initialize = <R extends string = string, C extends string = string>(
  input: AnyMatrix<R, C> | MatrixInput,
  components: number,
  options: InitializeOptions = {},
): Result<Factors<R, C>> => {
  const operation = 'initialize'
  // A JavaScript caller may leave components out (the decoder skips what is undefined)
  // or pass null for the options.
  if (components === undefined) {
    return E.left(
      invalidOption(
        operation,
        'components',
        'expected an integer ≥ 1, found none (it is required)',
      ),
    )
  }
  return pipe(
    readOptions(operation, options, "{ init: 'random' }", ['components', 'seed', 'init']),
    // components is the second argument; in the options it would be ignored.
    E.chainFirst((given) =>
      'components' in given
        ? E.left(
            invalidOption(
              operation,
              'components',
              'expected it as the second argument of initialize(X, components, options) ' +
                `alone, found it in the options too: ${describeValue(given.components)}`,
            ),
          )
        : E.right(undefined),
    ),
    E.chainFirst(() => decodeProps(operation, { components }, { components: PositiveInteger })),
    E.chain((given) =>
      decodeProps(operation, given, {
        seed: Seed,
        // The init is checked where it is resolved, with the list of known names.
        init: t.unknown,
      }),
    ),
    E.chain((given) =>
      pipe(
        E.mapLeft(concerning('X'))(asMatrix(operation, input)),
        E.chain((X) => E.mapLeft(concerning('X'))(checkNonNegative(operation, 'X', X))),
        // Before anything is allocated: a k whose factors no memory holds is an error on
        // components, as in nmf, not a RangeError from the init's arrays.
        E.chainFirst((X) => componentsFit(operation, X, components)),
        E.chain((X) =>
          pipe(
            buildInit(X, components, given.init, createRng((given.seed as number) ?? 0), operation),
            E.chainFirst((start: Factors) => finiteStart(operation, X, start)),
          ),
        ),
      ),
    ),
  ) as Result<Factors<R, C>>
}

/**
 * The start's factors finite: an NNDSVD start of X whose norm passes the largest double
 * (entries near 1e308) is not, and comes back as the error `nmf` gives for the same start,
 * not as factors of Infinity and NaN. Not an entry of an input: row and col are -1, and the
 * message places the factor's entry.
 */
const finiteStart = (operation: string, X: AnyMatrix, start: Factors): Result<undefined> => {
  for (const [what, factor] of [
    ['W', start.W],
    ['H', start.H],
  ] as const) {
    const checked = checkFinite(operation, what, factor)
    if (E.isLeft(checked)) {
      const message =
        `${checked.left.message}; X's entries (largest ${showNumber(X.max())}) are too ` +
        "large for the init's sums; scale X down"
      return E.left({ ...checked.left, row: -1, col: -1, message } as NmfError)
    }
  }
  return E.right(undefined)
}
