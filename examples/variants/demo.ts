/** A small seeded problem shared by the variant examples: X (30×12), a mask, a fit helper. */
import * as E from 'fp-ts/lib/Either.js'
import { createRng, Matrix, nmf, type AnySolver, type Factorization, type NmfOptions } from 'nmfkit'

export interface Demo {
  readonly X: Matrix<'samples', 'features'>
  /** 1 where X is observed, 0 where it is missing (about one entry in five). */
  readonly mask: Matrix<'samples', 'features'>
  /** Fits X with 3 components from a seeded random start. */
  readonly fit: (solver: unknown, options?: Partial<NmfOptions>) => Factorization
  /** The same fit of another X. */
  readonly fitOther: (
    other: Matrix,
    solver: unknown,
    options?: Partial<NmfOptions>,
  ) => Factorization
}

export const demoProblem = (seed = 1): Demo => {
  const rng = createRng(seed)
  const draw = (rows: number, cols: number, entry: () => number) =>
    Matrix.fromData<'samples', 'features'>(
      rows,
      cols,
      Float64Array.from({ length: rows * cols }, entry),
    )
  const unwrap = <A>(r: E.Either<{ message: string }, A>): A => {
    if (E.isLeft(r)) throw new Error(r.left.message)
    return r.right
  }
  const X = unwrap(draw(30, 12, () => Math.floor(rng.uniform() * 5)))
  const mask = unwrap(draw(30, 12, () => (rng.uniform() < 0.8 ? 1 : 0)))
  const fitOther = (
    other: Matrix,
    solver: unknown,
    options: Partial<NmfOptions> = {},
  ): Factorization =>
    unwrap(
      nmf(other, {
        components: 3,
        init: 'random',
        seed,
        maxIter: 100,
        tol: 0,
        solver: solver as AnySolver,
        ...options,
      }),
    )
  const fit = (solver: unknown, options: Partial<NmfOptions> = {}): Factorization =>
    fitOther(X, solver, options)
  return { X, mask, fit, fitOther }
}
