/**
 * Arbitraries for the options of a fit, read from a solver's capabilities: the
 * losses it handles, and the common options of `nmf` (components, init, maxIter,
 * tol, penalties, shuffle, seed) within bounds a test can afford.
 */
import fc from 'fast-check'
import { Matrix, type AnySolver } from 'nmfkit'
import { denseMatrix, GRID, unwrap, type MatrixConstraints } from './arbitraries.ts'

/** An init a fit case may use: a strategy's name or factors drawn for the case. */
export type InitChoice = 'random' | 'nndsvd' | 'nndsvda' | 'nndsvdar' | 'custom'

/** What the options of a fit may be; every field has a default. */
export interface OptionConstraints {
  /** @default 4 */
  readonly maxComponents?: number
  /** maxIter is drawn in 1..maxIter. @default 30 */
  readonly maxIter?: number
  /** The inits to draw from (the NNDSVD ones only when k ≤ min(samples, features)). */
  readonly inits?: readonly InitChoice[]
  /**
   * Draw alphaW, alphaH and l1Ratio, for a solver whose `capabilities.penalties` is true;
   * otherwise there are no penalties. @default true
   */
  readonly penalties?: boolean
  /** Draw a betaLoss among the solver's `capabilities.losses`. @default true */
  readonly losses?: boolean
  /** Draw shuffle. @default true */
  readonly shuffle?: boolean
  /** The solver's own options, e.g. `fc.record({ gamma: ... })`. @default its defaults */
  readonly own?: fc.Arbitrary<Readonly<Record<string, unknown>>>
  /** Draw k ≤ min(samples, features) only. @default false */
  readonly withinRank?: boolean
}

/** One fit: X and the options of `nmf` for it, all but the solver. */
export interface FitCase {
  readonly X: Matrix
  /** Every option given to `nmf` but `solver`; `init` is factors for `'custom'`. */
  readonly options: Readonly<Record<string, unknown>> & { readonly components: number }
  /** β of the loss: 2 unless a betaLoss was drawn. */
  readonly beta: number
  /** The init as drawn: a strategy's name, or `'custom'`. */
  readonly init: InitChoice
}

/** Nested arrays for a matrix, the way a counterexample shows one. */
const showMatrix = (matrix: Matrix): string => JSON.stringify(matrix.toArray())

/**
 * The case with a `toString` for fast-check's reports: X and a custom init as
 * nested arrays, the other options as JSON. Also after `withOptions`.
 */
export const printable = (c: FitCase): FitCase => {
  const show = (): string => {
    const { init, ...rest } = c.options
    const shownInit =
      typeof init === 'object' && init !== null
        ? `{ W: ${showMatrix((init as { W: Matrix }).W)}, ` +
          `H: ${showMatrix((init as { H: Matrix }).H)} }`
        : JSON.stringify(init)
    return `{ X: ${showMatrix(c.X)}, options: { ...${JSON.stringify(rest)}, init: ${shownInit} } }`
  }
  return Object.defineProperty({ ...c }, fc.toStringMethod, { value: show, enumerable: false })
}

/** The same case with some options replaced. */
export const withOptions = (c: FitCase, options: Readonly<Record<string, unknown>>): FitCase =>
  printable({ ...c, options: { ...c.options, ...options } })

/** The inits every case may use unless told otherwise. */
export const allInits: readonly InitChoice[] = ['random', 'nndsvd', 'nndsvda', 'nndsvdar', 'custom']

/**
 * The betaLoss values a solver's `capabilities.losses` allows, as β: Frobenius
 * 2, Kullback–Leibler 1, Itakura–Saito 0, and for `'beta-divergence'` a grid
 * of β in [−1, 3]. Unknown loss names are left out.
 */
export const betas = (solver: AnySolver): fc.Arbitrary<number> => {
  const { losses } = solver.capabilities
  const options: fc.Arbitrary<number>[] = []
  if (losses.includes('frobenius')) options.push(fc.constant(2))
  if (losses.includes('kullback-leibler')) options.push(fc.constant(1))
  if (losses.includes('itakura-saito')) options.push(fc.constant(0))
  if (losses.includes('beta-divergence'))
    options.push(fc.integer({ min: -4, max: 12 }).map((q) => q / 4))
  if (options.length === 0) {
    throw new Error(
      `nmfkit/testing: solver '${solver.name}' names no loss the kit knows ` +
        `(${losses.join(', ')}); expected 'frobenius', 'kullback-leibler', ` +
        `'itakura-saito' or 'beta-divergence'`,
    )
  }
  return fc.oneof(...options)
}

/** The betaLoss option for β: left out for Frobenius, a name where one exists. */
export const betaLossOption = (beta: number): Readonly<Record<string, unknown>> =>
  beta === 2
    ? {}
    : { betaLoss: beta === 1 ? 'kullback-leibler' : beta === 0 ? 'itakura-saito' : beta }

/**
 * Positive factors on the grid whose product has the scale of X's largest
 * entry, for a custom init.
 */
export const customFactors = (
  X: Matrix,
  components: number,
): fc.Arbitrary<{ readonly W: Matrix; readonly H: Matrix }> => {
  const largest = X.max() > 0 ? X.max() : 1
  const scale = Math.sqrt(largest / components)
  const factor = (rows: number, cols: number) =>
    fc
      .array(fc.integer({ min: 1, max: GRID }), {
        minLength: rows * cols,
        maxLength: rows * cols,
      })
      .map((grid) =>
        unwrap(
          Matrix.fromData(
            rows,
            cols,
            grid.map((q) => (scale * q) / GRID),
          ),
        ),
      )
  return fc.record({ W: factor(X.rows, components), H: factor(components, X.cols) })
}

/** The least scale of an X under β ≠ 2: its smallest grid entry, 1e-12/1024, is above EPSILON. */
const LEAST_EXPONENT = -12

/** `matrix`'s exponents raised to LEAST_EXPONENT where below. */
const aboveEpsilon = (matrix: MatrixConstraints): MatrixConstraints => {
  const minExponent = Math.max(matrix.minExponent ?? 0, LEAST_EXPONENT)
  return { minExponent, maxExponent: Math.max(matrix.maxExponent ?? 0, minExponent) }
}

/**
 * A fit case for `solver`: X within `matrix`, and options within `options`.
 * For β ≤ 0 X has no zeros (the divergence of a zero is infinite there). For β ≠ 2
 * X's scale is at least 1e-12 (`minExponent` and `maxExponent` raised to -12 where
 * below): every entry is then above EPSILON or zero, since `nmf` refuses an X whose
 * every entry is at or below EPSILON under those losses, which count such entries as zeros.
 *
 * @example
 * fc.sample(fitCases(cd), 1)[0].options // { components, solver: cd, init, maxIter, ... }
 */
export const fitCases = (
  solver: AnySolver,
  matrix: MatrixConstraints = {},
  options: OptionConstraints = {},
): fc.Arbitrary<FitCase> => {
  const inits = options.inits ?? allInits
  const maxComponents = options.maxComponents ?? 4
  const beta = options.losses === false ? fc.constant(2) : betas(solver)
  return beta.chain((b) =>
    denseMatrix({
      ...matrix,
      ...(b === 2 ? {} : aboveEpsilon(matrix)),
      positive: (matrix.positive ?? false) || b <= 0,
    }).chain((X) => {
      const smallest = Math.min(X.rows, X.cols)
      return fc
        .integer({
          min: 1,
          max: options.withinRank === true ? Math.min(maxComponents, smallest) : maxComponents,
        })
        .chain((components) => {
          // NNDSVD needs k ≤ min(samples, features); 'nndsvd' and 'nndsvdar' refuse an X so
          // small that every entry of their factors falls below NNDSVD's threshold of 1e-6.
          const allowed = inits.filter(
            (init) =>
              !init.startsWith('nndsvd') ||
              (components <= smallest && (init === 'nndsvda' || X.max() >= 1e-3)),
          )
          const choices = allowed.length > 0 ? allowed : (['random'] as const)
          return fc.record({
            components: fc.constant(components),
            init: fc.constantFrom(...choices),
            factors: customFactors(X, components),
            maxIter: fc.integer({ min: 1, max: options.maxIter ?? 30 }),
            tol: fc.constantFrom(0, 1e-4, 1e-2),
            seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
            shuffle: options.shuffle === false ? fc.constant(false) : fc.boolean(),
            // A solver that does not apply penalties refuses them (`capabilities.penalties`).
            penalties:
              options.penalties === false || solver.capabilities.penalties !== true
                ? fc.constant({})
                : fc.oneof(
                    fc.constant({}),
                    fc.record({
                      alphaW: fc.integer({ min: 0, max: 8 }).map((q) => q / 16),
                      alphaH: fc.oneof(
                        fc.constant('same' as const),
                        fc.integer({ min: 0, max: 8 }).map((q) => q / 16),
                      ),
                      l1Ratio: fc.integer({ min: 0, max: 4 }).map((q) => q / 4),
                    }),
                  ),
            own: options.own ?? fc.constant({}),
          })
        })
        .map((drawn) =>
          printable({
            X,
            beta: b,
            init: drawn.init,
            options: {
              ...drawn.own,
              ...drawn.penalties,
              ...betaLossOption(b),
              components: drawn.components,
              init: drawn.init === 'custom' ? drawn.factors : drawn.init,
              maxIter: drawn.maxIter,
              tol: drawn.tol,
              seed: drawn.seed,
              shuffle: drawn.shuffle,
            },
          }),
        )
    }),
  )
}
