/**
 * The comparisons the laws make, exported for authors who write laws of their
 * own: entries that are not finite, the relative difference of two matrices,
 * and the match of two sets of components up to order and scale.
 */
import * as E from 'fp-ts/lib/Either.js'
import {
  betaDivergence,
  factorPenalty,
  frobeniusError,
  type CsrMatrix,
  type Factorization,
  type Factors,
  type Matrix,
  type Problem,
} from 'nmfkit'

/** The first entry of `values` that is not finite, as `name[row, col] = value`. */
const firstNonFinite = (name: string, matrix: Matrix): string | undefined => {
  const values = matrix.toFloat64Array()
  for (let q = 0; q < values.length; q++) {
    if (!Number.isFinite(values[q])) {
      return `${name}[${Math.floor(q / matrix.cols)}, ${q % matrix.cols}] = ${values[q]}`
    }
  }
  return undefined
}

/**
 * Every number of a fit that is not finite: entries of W and H, the
 * reconstruction error, and the history's objectives and details. A measure
 * may be ±Infinity (a solver's "not yet known"), never NaN.
 */
export const nonFiniteParts = (fit: Factorization): string[] => {
  const found: string[] = []
  for (const [name, factor] of [
    ['W', fit.W],
    ['H', fit.H],
  ] as const) {
    const bad = firstNonFinite(name, factor)
    if (bad !== undefined) found.push(bad)
  }
  if (!Number.isFinite(fit.reconstructionError))
    found.push(`reconstructionError = ${fit.reconstructionError}`)
  fit.history.forEach((entry, i) => {
    // The array's index, as `fitDifference` names an entry (iteration i + 1).
    const at = `history[${i}]`
    if (Number.isNaN(entry.measure)) found.push(`${at}.measure = NaN`)
    if (entry.objective !== undefined && !Number.isFinite(entry.objective))
      found.push(`${at}.objective = ${entry.objective}`)
    for (const [key, value] of Object.entries(entry.details ?? {}))
      if (!Number.isFinite(value)) found.push(`${at}.details.${key} = ${value}`)
  })
  return found
}

/** The first negative entry of W or H, if any, as `name[row, col] = value`. */
export const firstNegative = (fit: Pick<Factorization, 'W' | 'H'>): string | undefined => {
  for (const [name, factor] of [
    ['W', fit.W],
    ['H', fit.H],
  ] as const) {
    const values = factor.toFloat64Array()
    const q = values.findIndex((value) => value < 0)
    if (q >= 0) return `${name}[${Math.floor(q / factor.cols)}, ${q % factor.cols}] = ${values[q]}`
  }
  return undefined
}

/**
 * max |a − b| over the largest |entry| of either; 0 when both are all zero,
 * Infinity for different shapes.
 */
export const relativeDifference = (a: Matrix, b: Matrix): number => {
  if (a.rows !== b.rows || a.cols !== b.cols) return Infinity
  const x = a.toFloat64Array()
  const y = b.toFloat64Array()
  let difference = 0
  let largest = 0
  for (let q = 0; q < x.length; q++) {
    difference = Math.max(difference, Math.abs(x[q] - y[q]))
    largest = Math.max(largest, Math.abs(x[q]), Math.abs(y[q]))
  }
  return difference === 0 ? 0 : difference / largest
}

/** Arguments a call may spread safely: more overflow the call stack (about 120,000 on Node). */
const SPREAD_CHUNK = 4096

/**
 * The Euclidean norm of `values`, as Math.hypot gives it (without overflow or underflow
 * of the squares), for vectors of any length: Math.hypot(...values) of a column of
 * 200,000 entries throws a RangeError (the call stack), so longer vectors are taken in
 * chunks, the norm of the chunks' norms. Up to SPREAD_CHUNK entries, Math.hypot's own number.
 */
const norm = (values: readonly number[]): number => {
  if (values.length <= SPREAD_CHUNK) return Math.hypot(...values)
  const chunks: number[] = []
  for (let start = 0; start < values.length; start += SPREAD_CHUNK)
    chunks.push(Math.hypot(...values.slice(start, start + SPREAD_CHUNK)))
  return norm(chunks)
}

/**
 * W and H with each component weighted by the size of its other half: column t
 * of W times ‖row t of H‖, and row t of H times ‖column t of W‖. A component
 * that carries nothing (one half zero up to rounding) is then near zero on both
 * sides, whatever its other half holds; the product W·H is unchanged in meaning.
 */
export const weightedFactors = (fit: {
  readonly W: Matrix
  readonly H: Matrix
}): { readonly W: Matrix; readonly H: Matrix } => {
  const k = fit.W.cols
  const columnNorms = Array.from({ length: k }, (_, t) => norm(fit.W.column(t)))
  const rowNorms = Array.from({ length: k }, (_, t) => norm(fit.H.row(t)))
  return {
    W: fit.W.map((value, _i, t) => value * rowNorms[t]),
    H: fit.H.map((value, t) => value * columnNorms[t]),
  }
}

/**
 * The objective nmfkit's penalties define, computed from factors: d_β(X | W·H)
 * (`betaDivergence`, with the problem's β) plus l1·ΣW + ½·l2·ΣW² and the same
 * for H, with the problem's scaled penalties. What `cd` and `mu` decrease, and
 * the default objective of the `monotone` and `objective` laws.
 *
 * Factors with a negative entry (a solver that declares `nonnegative: false`)
 * have an objective for β = 2 alone: ½‖X − W·H‖²_F plus l1·Σ|W| + ½·l2·ΣW² and
 * the same for H (the L1 penalty of a factor of any sign is its L1 norm, ΣW for
 * a non-negative one). For β ≠ 2, d_β is defined only for a non-negative W·H,
 * and this throws a RangeError that names the negative entry; so it does where
 * the divergence cannot be computed (a zero of X under β ≤ 0).
 *
 * @example
 * // in a solver's step: the objective of its new state
 * penalizedDivergence(problem, { W, H })
 */
export const penalizedDivergence = (problem: Problem, { W, H }: Factors): number => {
  const { l1W, l2W, l1H, l2H } = problem.penalties
  const negative = firstNegative({ W, H })
  if (negative !== undefined) {
    if (problem.beta !== 2) {
      throw new RangeError(
        `penalizedDivergence: expected non-negative factors for β = ${problem.beta}, found ` +
          `${negative}: d_β(X | W·H) is defined for factors of any sign only for β = 2, ` +
          '½‖X − W·H‖²',
      )
    }
    return (
      0.5 * frobeniusError(problem.X, W, H) ** 2 +
      signedPenalty(l1W, l2W, W) +
      signedPenalty(l1H, l2H, H)
    )
  }
  const divergence = betaDivergence(problem.X, W, H, problem.beta)
  if (E.isLeft(divergence)) throw new Error(divergence.left.message)
  return divergence.right + factorPenalty(l1W, l2W, W) + factorPenalty(l1H, l2H, H)
}

/** l1·Σ|M| + ½·l2·ΣM²: a factor's penalty, whatever the signs of its entries. */
const signedPenalty = (l1: number, l2: number, factor: Matrix): number => {
  if (l1 === 0 && l2 === 0) return 0
  let [absolute, squares] = [0, 0]
  for (const value of factor.toFloat64Array()) {
    absolute += Math.abs(value)
    squares += value * value
  }
  return l1 * absolute + 0.5 * l2 * squares
}

/**
 * The size of the terms an objective of loss β sums over X, for the rounding
 * slack of a comparison of two objectives: ½‖X‖²_F for β = 2, Σ x·(1 + |log x|)
 * for β = 1, the number of entries (each adds x/y − log(x/y) − 1 with x/y
 * near 1) for β = 0, and Σ x^β / |β(β − 1)| otherwise. Given the factors, for
 * β = 2, also ½‖|W|·|H|‖²_F: the size of the products that W·H sums, which is
 * ½‖W·H‖²_F for non-negative factors, and more where factors of both signs
 * cancel (an objective summed from ‖X‖², X·Hᵀ and WᵀW·HHᵀ, as coordinate
 * descent's is, rounds on that scale).
 */
export const objectiveScale = (
  X: Matrix,
  beta: number,
  factors?: { readonly W: Matrix; readonly H: Matrix },
): number => {
  const values = X.toFloat64Array().filter((value) => value > 0)
  if (beta === 2) {
    const products = factors === undefined ? 0 : absoluteProductScale(factors.W, factors.H)
    return 0.5 * values.reduce((sum, value) => sum + value * value, 0) + products
  }
  if (beta === 1)
    return values.reduce((sum, value) => sum + value * (1 + Math.abs(Math.log(value))), 0)
  if (beta === 0) return X.rows * X.cols
  return values.reduce((sum, value) => sum + value ** beta, 0) / Math.abs(beta * (beta - 1))
}

/** ½‖|W|·|H|‖²_F. */
const absoluteProductScale = (W: Matrix, H: Matrix): number => {
  const [w, h, k, m] = [W.toFloat64Array(), H.toFloat64Array(), W.cols, H.cols]
  let sum = 0
  for (let i = 0; i < W.rows; i++) {
    for (let j = 0; j < m; j++) {
      let product = 0
      for (let t = 0; t < k; t++) product += Math.abs(w[i * k + t] * h[t * m + j])
      sum += product * product
    }
  }
  return 0.5 * sum
}

/** A number as it is, to the bit: every digit that tells it apart, and -0 as -0. */
const exact = (value: number): string => (Object.is(value, -0) ? '-0' : String(value))

/**
 * The first difference between two fits, to the bit, in words with both
 * numbers: an entry of W or H, the iteration count, convergence, the
 * reconstruction error or a field of a history entry, named by the entry's index
 * and the field (`history[2].details.change`; -0 is not 0, nor Infinity
 * -Infinity); undefined when they are the same. The laws' `deterministic` message.
 *
 * @example
 * fitDifference(a, b) // 'W[0, 1] is 0.25 in the first fit and 0.2500000000000001 in the second'
 * fitDifference(c, d) // 'history[0].measure is Infinity in the first fit and -Infinity in the second'
 */
export const fitDifference = (a: Factorization, b: Factorization): string | undefined => {
  const factors = factorDifference(a, b)
  if (factors !== undefined) return factors
  if (a.nIter !== b.nIter) return inBoth('nIter', String(a.nIter), String(b.nIter))
  if (a.converged !== b.converged) {
    return inBoth('converged', String(a.converged), String(b.converged))
  }
  if (!Object.is(a.reconstructionError, b.reconstructionError)) {
    return inBoth(
      'the reconstruction error',
      exact(a.reconstructionError),
      exact(b.reconstructionError),
    )
  }
  const length = Math.max(a.history.length, b.history.length)
  for (let i = 0; i < length; i++) {
    const found = valueDifference(`history[${i}]`, a.history[i], b.history[i])
    if (found !== undefined) return found
  }
  return undefined
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null

/**
 * A value of a history entry in a message: numbers to the bit (-0 as -0, ±Infinity and NaN
 * as themselves, which JSON would show as 0 and null), an object by its fields, and a field
 * that is undefined, or absent, as missing.
 */
const shown = (value: unknown): string => {
  if (value === undefined) return 'missing'
  if (typeof value === 'number') return exact(value)
  if (isRecord(value)) {
    const fields = Object.entries(value).filter(([, field]) => field !== undefined)
    return `{ ${fields.map(([key, field]) => `${key}: ${shown(field)}`).join(', ')} }`
  }
  return typeof value === 'string' ? JSON.stringify(value) : String(value)
}

/**
 * The first difference between two values of a history entry, to the bit, named by its path
 * below `at` (`history[2].details.change`): numbers compared with Object.is (so -0 is not 0,
 * and Infinity not -Infinity), objects field by field (one undefined or absent is missing);
 * undefined when they are the same.
 */
const valueDifference = (at: string, x: unknown, y: unknown): string | undefined => {
  if (isRecord(x) && isRecord(y)) {
    const keys = new Set([...Object.keys(x), ...Object.keys(y)])
    for (const key of keys) {
      const found = valueDifference(`${at}.${key}`, x[key], y[key])
      if (found !== undefined) return found
    }
    return undefined
  }
  return Object.is(x, y) ? undefined : inBoth(at, shown(x), shown(y))
}

/** How two fits' statements of a difference read. */
const inBoth = (what: string, x: string, y: string) =>
  `${what} is ${x} in the first fit and ${y} in the second`

/**
 * The first difference between the W and H of two fits, to the bit, in words; undefined
 * when both factors are the same (what `fitDifference` compares first).
 */
export const factorDifference = (
  a: Pick<Factorization, 'W' | 'H'>,
  b: Pick<Factorization, 'W' | 'H'>,
): string | undefined => {
  for (const [name, x, y] of [
    ['W', a.W, b.W],
    ['H', a.H, b.H],
  ] as const) {
    if (x.rows !== y.rows || x.cols !== y.cols) {
      return inBoth(`the shape of ${name}`, `${x.rows}×${x.cols}`, `${y.rows}×${y.cols}`)
    }
    const p = x.toFloat64Array()
    const q = y.toFloat64Array()
    const at = p.findIndex((value, i) => !Object.is(value, q[i]))
    if (at >= 0) {
      const where = `${name}[${Math.floor(at / x.cols)}, ${at % x.cols}]`
      return inBoth(where, exact(p[at]), exact(q[at]))
    }
  }
  return undefined
}

/** Whether two fits are the same to the bit: factors, iterations and history. */
export const sameFit = (a: Factorization, b: Factorization): boolean =>
  fitDifference(a, b) === undefined

/**
 * Where two matrices of one shape differ most, in words: the entry and both
 * values, e.g. `[2, 0]: 0.75 against 0.5`; undefined when they are equal or
 * their shapes differ. What the comparing laws' messages show next to
 * `relativeDifference`.
 */
export const largestDifference = (a: Matrix, b: Matrix): string | undefined => {
  if (a.rows !== b.rows || a.cols !== b.cols) return undefined
  const x = a.toFloat64Array()
  const y = b.toFloat64Array()
  let at = -1
  let largest = 0
  for (let q = 0; q < x.length; q++) {
    const difference = Math.abs(x[q] - y[q])
    if (difference > largest) {
      largest = difference
      at = q
    }
  }
  return at < 0
    ? undefined
    : `[${Math.floor(at / a.cols)}, ${at % a.cols}]: ${x[at]} against ${y[at]}`
}

/**
 * The first entry where a matrix differs from its `snapshot` taken before,
 * in words (`[1, 2] was 0.5, is 0.25`), or the parts of a CSR matrix that
 * changed; undefined when nothing changed.
 */
export const changeSince = (before: string, matrix: Matrix | CsrMatrix): string | undefined => {
  const now = snapshot(matrix)
  if (now === before) return undefined
  const [shape, ...parts] = JSON.parse(before) as [number[], ...Array<Array<number | string>>]
  const [shapeNow, ...partsNow] = JSON.parse(now) as [number[], ...Array<Array<number | string>>]
  if (shape.join('×') !== shapeNow.join('×')) {
    return `its shape was ${shape.join('×')}, is ${shapeNow.join('×')}`
  }
  const names = matrix.format === 'dense' ? ['entries'] : ['indptr', 'indices', 'data']
  for (let part = 0; part < parts.length; part++) {
    const at = parts[part].findIndex((value, q) => value !== partsNow[part][q])
    if (at < 0) continue
    const where =
      matrix.format === 'dense'
        ? `[${Math.floor(at / matrix.cols)}, ${at % matrix.cols}]`
        : `${names[part]}[${at}]`
    return `${where} was ${parts[part][at]}, is ${partsNow[part][at]}`
  }
  return 'its storage changed'
}

/**
 * A number as a snapshot stores it: finite numbers as they are, -0, NaN and ±Infinity as
 * strings, which JSON would otherwise write as 0 and null (a change from 0 to -0, or from
 * NaN to Infinity, would go unseen).
 */
const stored = (value: number): number | string =>
  Object.is(value, -0) || !Number.isFinite(value) ? exact(value) : value

/**
 * A snapshot of a matrix's storage, to check later that nothing changed it: every entry
 * to the bit, -0 and the values that are not finite included.
 */
export const snapshot = (matrix: Matrix | CsrMatrix): string =>
  matrix.format === 'dense'
    ? JSON.stringify([matrix.shape, Array.from(matrix.toFloat64Array(), stored)])
    : JSON.stringify([
        matrix.shape,
        Array.from(matrix.indptr),
        Array.from(matrix.indices),
        Array.from(matrix.data, stored),
      ])

/** The vectors of `vectors` scaled to unit Euclidean norm (a zero vector stays zero). */
const normalized = (vectors: number[][]): number[][] =>
  vectors.map((vector) => {
    const size = norm(vector)
    return size === 0 ? vector : vector.map((value) => value / size)
  })

/** Every permutation of 0..n-1 (n ≤ 7 keeps this small). */
const permutations = (n: number): number[][] => {
  if (n === 0) return [[]]
  const out: number[][] = []
  for (const rest of permutations(n - 1)) {
    for (let at = 0; at <= rest.length; at++)
      out.push([...rest.slice(0, at), n - 1, ...rest.slice(at)])
  }
  return out
}

/**
 * How far the components of `found` are from those of `expected`, up to order
 * and scale: each column of W (and row of H) is scaled to unit norm, and the
 * result is the smallest, over the orders of the components, of the largest
 * entry-wise difference. 0 is a perfect match; the largest possible is 2.
 *
 * @throws RangeError for more than 7 components (the search tries every order).
 */
export const componentDistance = (
  found: { readonly W: Matrix; readonly H: Matrix },
  expected: { readonly W: Matrix; readonly H: Matrix },
): number => {
  const k = expected.W.cols
  if (k > 7) throw new RangeError(`componentDistance: expected at most 7 components, found ${k}`)
  if (found.W.cols !== k) return Infinity
  const columns = (W: Matrix) => Array.from({ length: k }, (_, t) => W.column(t))
  const rows = (H: Matrix) => Array.from({ length: k }, (_, t) => H.row(t))
  const fw = normalized(columns(found.W))
  const ew = normalized(columns(expected.W))
  const fh = normalized(rows(found.H))
  const eh = normalized(rows(expected.H))
  const distance = (a: number[], b: number[]) =>
    a.reduce((most, value, i) => Math.max(most, Math.abs(value - b[i])), 0)
  let best = Infinity
  for (const order of permutations(k)) {
    let worst = 0
    for (let t = 0; t < k; t++) {
      worst = Math.max(worst, distance(fw[order[t]], ew[t]), distance(fh[order[t]], eh[t]))
      if (worst >= best) break
    }
    best = Math.min(best, worst)
  }
  return best
}

/** Rows of `matrix` reordered: row i of the result is row `order[i]` of `matrix`. */
export const permuteRows = (matrix: Matrix, order: readonly number[]): number[][] =>
  order.map((source) => matrix.row(source))
