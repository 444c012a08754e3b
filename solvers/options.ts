/**
 * The options of `nmf`, decoded by one codec per option: a value out of range
 * is an `InvalidOption` that names the option, the value expected and the one
 * found; an unknown key is an error that lists the known ones.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { invalidOption, type NmfError, type Result } from '../core/errors.ts'
import { describeErrors } from '../core/codec.ts'
import { BetaLossCodec, type BetaLoss } from '../core/beta-divergence.ts'

/** A number type with a predicate, named for messages (e.g. `an integer ≥ 1`). */
export const numberWhere = (name: string, ok: (value: number) => boolean): t.Type<number> =>
  new t.Type<number, number, unknown>(
    name,
    (u): u is number => typeof u === 'number' && ok(u),
    (u, c) => (typeof u === 'number' && ok(u) ? t.success(u) : t.failure(u, c)),
    (a) => a,
  )

export const PositiveInteger = numberWhere(
  'an integer ≥ 1',
  (v) => Number.isSafeInteger(v) && v >= 1,
)
export const NonNegative = numberWhere('a finite number ≥ 0', (v) => Number.isFinite(v) && v >= 0)
export const UnitInterval = numberWhere('a number in [0, 1]', (v) => v >= 0 && v <= 1)
export const Seed = numberWhere('an integer of at most 2^53 − 1 in size', Number.isSafeInteger)

/** An AbortSignal, or an object that looks like one (a boolean `aborted`). */
const isSignal = (u: unknown): u is AbortSignal =>
  typeof u === 'object' && u !== null && typeof (u as { aborted?: unknown }).aborted === 'boolean'

const Signal = new t.Type<AbortSignal, AbortSignal, unknown>(
  'an AbortSignal',
  isSignal,
  (u, c) => (isSignal(u) ? t.success(u) : t.failure(u, c)),
  (a) => a,
)

/** The options every solver shares, with their codecs. */
export const commonProps = {
  components: PositiveInteger,
  solver: t.unknown,
  init: t.unknown,
  betaLoss: BetaLossCodec,
  maxIter: PositiveInteger,
  tol: NonNegative,
  alphaW: NonNegative,
  alphaH: t.union([NonNegative, t.literal('same')], 'a finite number ≥ 0 or "same"'),
  l1Ratio: UnitInterval,
  shuffle: t.boolean,
  seed: Seed,
  onIteration: t.Function,
  signal: Signal,
} as const

/** The defaults of the shared options (scikit-learn's). */
export const commonDefaults = {
  betaLoss: 'frobenius' as BetaLoss,
  maxIter: 200,
  tol: 1e-4,
  alphaW: 0,
  alphaH: 'same' as number | 'same',
  l1Ratio: 0,
  shuffle: false,
  seed: 0,
}

/**
 * Decodes `options[key]` for each key of `props` that is present, and rejects
 * keys that neither `props` nor `extraKeys` know.
 */
export const decodeProps = (
  operation: string,
  options: Readonly<Record<string, unknown>>,
  props: t.Props,
  extraKeys: readonly string[] = [],
): Result<Record<string, unknown>> => {
  const known = [...Object.keys(props), ...extraKeys]
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      return E.left(
        invalidOption(operation, key, `not a known option; known options are ${known.join(', ')}`),
      )
    }
  }
  const out: Record<string, unknown> = {}
  for (const [key, codec] of Object.entries(props)) {
    const value = options[key]
    if (value === undefined) continue
    const decoded = codec.decode(value)
    if (E.isLeft(decoded)) {
      const detail = describeErrors(decoded.left).replace(/^value: /, '')
      return E.left<NmfError>(invalidOption(operation, key, detail))
    }
    out[key] = decoded.right
  }
  return E.right(out)
}
