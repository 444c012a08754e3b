/**
 * The checks `solverLaws` makes of its arguments before it declares a test: the solver
 * plugin has the members the laws read, each of its kind, and every setting is one the
 * kit knows, of its kind and within its range. A JavaScript caller, or a TypeScript one
 * with a cast, can pass anything; what is wrong is an error, thrown when the test file is
 * collected, that names the argument, what was found and what was expected, e.g.
 * `nmfkit/testing: solverLaws: expected settings.skip[0] to be the name of a law, found
 * "monotonic" (did you mean 'monotone'?); the laws are 'finite', …`, rather than a
 * message of fast-check or vitest from deep inside a law, or a typo that leaves a law in.
 */
import { LOSS_NAMES } from 'nmfkit'
import { DEFAULT_MAX_SIDE } from './arbitraries.ts'
import { lawNames } from './settings.ts'
import type { InitChoice } from './options.ts'

const PREFIX = 'nmfkit/testing: solverLaws: '

/** What a value found where another was expected is, in a message. Never throws. */
const found = (value: unknown): string => {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'bigint') return `${value}n (a BigInt)`
  if (typeof value === 'function') return 'a function'
  if (typeof value !== 'object' || value === null) return String(value)
  try {
    if (Array.isArray(value)) {
      const entries = value.length === 1 ? 'entry' : 'entries'
      return value.length === 0 ? 'an empty array' : `an array of ${value.length} ${entries}`
    }
    const name = (Reflect.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)
      ?.constructor?.name
    return typeof name === 'string' && name !== '' && name !== 'Object' ? `a ${name}` : 'an object'
  } catch {
    return 'an object'
  }
}

/** The number of single-character edits from `a` to `b` (Levenshtein). */
const distance = (a: string, b: string): number => {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    row = next
  }
  return row[b.length]
}

/** The candidate nearest to `word` (the first of those as near), as a suggestion. */
const nearest = (word: string, candidates: readonly string[]): string => {
  const lower = word.toLowerCase()
  const best = candidates.reduce((a, b) =>
    distance(lower, b.toLowerCase()) < distance(lower, a.toLowerCase()) ? b : a,
  )
  return `did you mean '${best}'?`
}

/** Throws the argument error: `expected <what> to be <expected>, found <value>`. */
const refuse = (what: string, expected: string, value: unknown, after = ''): never => {
  throw new TypeError(`${PREFIX}expected ${what} to be ${expected}, found ${found(value)}${after}`)
}

const isObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** What a setting must be: in words, and as a test. */
interface Rule {
  readonly expected: string
  readonly ok: (value: unknown) => boolean
  /** Checks of what it holds, once it is of its kind. */
  readonly inner?: (value: unknown, path: string) => void
}

const rule = (expected: string, ok: (value: unknown) => boolean, inner?: Rule['inner']): Rule => ({
  expected,
  ok,
  ...(inner ? { inner } : {}),
})

const integer = (min: number, max = Number.MAX_SAFE_INTEGER): Rule =>
  rule(
    max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`,
    (value) => Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max,
  )

const boolean = rule('true or false', (value) => typeof value === 'boolean')

/** A finite number ≥ 0 (or > 0, with `positive`). */
const nonNegative = (positive = false): Rule =>
  rule(
    positive ? 'a finite number > 0' : 'a finite number ≥ 0',
    (value) =>
      typeof value === 'number' && Number.isFinite(value) && (positive ? value > 0 : value >= 0),
  )

/** A share in (0, 1] (or [0, 1], with `zero`). */
const share = (zero = false): Rule =>
  rule(
    zero ? 'a number in [0, 1]' : 'a number in (0, 1]',
    (value) => typeof value === 'number' && (zero ? value >= 0 : value > 0) && value <= 1,
  )

/** A fast-check arbitrary, by the methods fast-check calls (of any copy of fast-check). */
const arbitrary = rule(
  "a fast-check arbitrary of the solver's options (e.g. fc.record({ gamma: fc.constant(0.5) }))",
  (value) => {
    const methods = value as { generate?: unknown; shrink?: unknown } | null
    return (
      typeof value === 'object' &&
      value !== null &&
      typeof methods?.generate === 'function' &&
      typeof methods.shrink === 'function'
    )
  },
)

/** One of `values`, quoted. */
const oneOf = (values: readonly string[]): Rule =>
  rule(`one of ${values.map((value) => `'${value}'`).join(', ')}`, (value) =>
    values.includes(value as string),
  )

/** An exponent of a matrix's scale: 10^e stays a normal double, entries too. */
const exponent = integer(-300, 300)

/** An object whose keys are those of `rules`, each of its rule (undefined: the default). */
const fields =
  (
    rules: Readonly<Record<string, Rule>>,
    then?: (value: Record<string, unknown>, path: string) => void,
  ) =>
  (value: unknown, path: string): void => {
    const record = value as Record<string, unknown>
    const known = Object.keys(rules)
    for (const key of Object.keys(record)) {
      if (!known.includes(key)) {
        throw new TypeError(
          `${PREFIX}expected ${path} to have only the keys ${known.join(', ')}, found ` +
            `'${key}' (${nearest(key, known)})`,
        )
      }
    }
    for (const [key, { expected, ok, inner }] of Object.entries(rules)) {
      const setting = record[key]
      if (setting === undefined) continue
      if (!ok(setting)) refuse(`${path}.${key}`, expected, setting)
      inner?.(setting, `${path}.${key}`)
    }
    then?.(record, path)
  }

/** `path.low`, `low` of `value` or its default, at most `path.high`'s. */
const ordered = (
  value: Record<string, unknown>,
  path: string,
  [low, high]: readonly [string, string],
  [lowDefault, highDefault]: readonly [number, number],
): void => {
  const [a, b] = [
    (value[low] as number | undefined) ?? lowDefault,
    (value[high] as number | undefined) ?? highDefault,
  ]
  if (a > b) {
    const shown = (key: string, at: number) =>
      value[key] === undefined ? `${at}, its default` : String(at)
    throw new RangeError(
      `${PREFIX}expected ${path}.${low} (${shown(low, a)}) to be at most ${path}.${high} ` +
        `(${shown(high, b)})`,
    )
  }
}

/** MatrixConstraints, whose scale's exponents default to `exponents` in the law. */
const matrix = (exponents: readonly [number, number]): Rule =>
  rule(
    'an object of MatrixConstraints',
    isObject,
    fields(
      {
        minRows: integer(1),
        maxRows: integer(1),
        minCols: integer(1),
        maxCols: integer(1),
        density: share(),
        zeroLines: boolean,
        minExponent: exponent,
        maxExponent: exponent,
        positive: boolean,
      },
      (value, path) => {
        ordered(value, path, ['minRows', 'maxRows'], [1, DEFAULT_MAX_SIDE])
        ordered(value, path, ['minCols', 'maxCols'], [1, DEFAULT_MAX_SIDE])
        ordered(value, path, ['minExponent', 'maxExponent'], exponents)
      },
    ),
  )

const inits: readonly InitChoice[] = ['random', 'nndsvd', 'nndsvda', 'nndsvdar', 'custom']

const options = rule(
  'an object of OptionConstraints',
  isObject,
  fields({
    maxComponents: integer(1),
    maxIter: integer(1),
    inits: rule(
      `a non-empty array of inits among ${inits.map((init) => `'${init}'`).join(', ')}`,
      (value) =>
        Array.isArray(value) &&
        value.length > 0 &&
        value.every((init) => inits.includes(init as InitChoice)),
    ),
    penalties: boolean,
    losses: boolean,
    shuffle: boolean,
    own: arbitrary,
    withinRank: boolean,
  }),
)

/**
 * `path.side` (maxRows or maxCols), where given, at least maxComponents (or its default, 4),
 * one more for a separable plant: the most components a plant has need that many rows and
 * columns (as `planted` refuses too).
 */
const roomForComponents = (
  value: Record<string, unknown>,
  path: string,
  side: 'maxRows' | 'maxCols',
): void => {
  const most = value[side] as number | undefined
  if (most === undefined) return
  const components = (value.maxComponents as number | undefined) ?? 4
  const separable = value.separable === true
  if (most >= components + (separable ? 1 : 0)) return
  const shown = value.maxComponents === undefined ? `${components}, its default` : components
  throw new RangeError(
    `${PREFIX}expected ${path}.${side} (${most}) to be at least ${path}.maxComponents ` +
      `(${shown})${separable ? ' plus 1, for a separable plant' : ''}`,
  )
}

/** PlantedConstraints; componentDistance matches at most 7 components. */
const plantedConstraints = rule(
  'an object of PlantedConstraints',
  isObject,
  fields(
    {
      minComponents: integer(1, 7),
      maxComponents: integer(1, 7),
      minRows: integer(1),
      minCols: integer(1),
      maxRows: integer(1),
      maxCols: integer(1),
      separable: boolean,
      density: share(),
      floor: share(true),
      minExponent: exponent,
      maxExponent: exponent,
    },
    (value, path) => {
      ordered(value, path, ['minComponents', 'maxComponents'], [1, 4])
      ordered(value, path, ['minRows', 'maxRows'], [1, 10])
      ordered(value, path, ['minCols', 'maxCols'], [1, 10])
      ordered(value, path, ['minExponent', 'maxExponent'], [0, 0])
      roomForComponents(value, path, 'maxRows')
      roomForComponents(value, path, 'maxCols')
    },
  ),
)

const recovery = rule(
  'false or an object of RecoverySettings',
  (value) => value === false || isObject(value),
  (value, path) => {
    if (value === false) return
    fields({
      planted: plantedConstraints,
      init: oneOf(['random', 'nndsvd', 'nndsvda', 'nndsvdar']),
      maxIter: integer(1),
      tol: nonNegative(),
      own: rule("an object of the solver's options", isObject),
      relativeError: nonNegative(),
      componentTolerance: nonNegative(),
      weight: nonNegative(true),
    })(value, path)
  },
)

const skip = rule('an array of law names', Array.isArray, (value, path) =>
  (value as readonly unknown[]).forEach((name, i) => {
    if ((lawNames as readonly unknown[]).includes(name)) return
    const suggestion = typeof name === 'string' ? ` (${nearest(name, lawNames)})` : ''
    refuse(
      `${path}[${i}]`,
      'the name of a law',
      name,
      `${suggestion}; the laws are ${lawNames.map((law) => `'${law}'`).join(', ')}`,
    )
  }),
)

/** The settings, by the keys of LawSettings. */
const settingsFields = fields({
  label: rule('a string', (value) => typeof value === 'string'),
  numRuns: integer(1),
  seed: rule('an integer', Number.isSafeInteger),
  own: arbitrary,
  nonnegative: boolean,
  matrix: matrix([-30, 30]),
  moderateMatrix: matrix([-3, 3]),
  options,
  objective: rule(
    'a function of (problem, state, options) to a number',
    (value) => typeof value === 'function',
  ),
  monotoneIter: integer(10),
  agreementIter: integer(1),
  recovery,
  skip,
})

/** The members of a solver plugin the laws read or pass to nmf, and what each must be. */
const PLUGIN_MEMBERS: ReadonlyArray<readonly [string, string, (value: unknown) => boolean]> = [
  ['name', 'a non-empty string', (value) => typeof value === 'string' && value !== ''],
  ['optionProps', 'an object of io-ts codecs', isObject],
  ['defaults', 'an object of option values', isObject],
  ['capabilities', 'an object', isObject],
  [
    'capabilities.losses',
    `a non-empty array of loss names (${LOSS_NAMES.map((loss) => `'${loss}'`).join(', ')}), ` +
      'as nmf takes them',
    (value) =>
      Array.isArray(value) &&
      value.length > 0 &&
      value.every((loss) => typeof loss === 'string' && LOSS_NAMES.includes(loss)),
  ],
  ...['sparse', 'monotone', 'nonnegative'].map(
    (flag) =>
      [
        `capabilities.${flag}`,
        'true or false',
        (value: unknown) => typeof value === 'boolean',
      ] as const,
  ),
  [
    'capabilities.penalties',
    'true, false or nothing',
    (value) => value === undefined || typeof value === 'boolean',
  ],
  ['measure', 'a string', (value) => typeof value === 'string'],
  ...['start', 'step', 'converged'].map(
    (method) => [method, 'a function', (value: unknown) => typeof value === 'function'] as const,
  ),
]

/** Throws unless `plugin` has every member of a solver plugin, each of its kind. */
const checkPlugin = (plugin: unknown): void => {
  if (!isObject(plugin)) {
    refuse(
      'the first argument',
      'a solver plugin (an object with name, optionProps, defaults, capabilities, measure, ' +
        'start, step and converged)',
      plugin,
    )
  }
  let name: string | undefined
  for (const [path, expected, ok] of PLUGIN_MEMBERS) {
    const plugged = name === undefined ? 'the solver plugin' : `the solver plugin '${name}'`
    let value: unknown
    try {
      value = path
        .split('.')
        .reduce<unknown>((at, key) => (isObject(at) ? at[key] : undefined), plugin)
    } catch (error) {
      throw new TypeError(
        `${PREFIX}expected ${plugged} to have ${path}, ${expected}, found one that threw ` +
          `${error instanceof Error ? error.message : String(error)} when read`,
        { cause: error },
      )
    }
    if (!ok(value)) {
      throw new TypeError(
        `${PREFIX}expected ${plugged} to have ${path}, ${expected}, found ${found(value)}`,
      )
    }
    if (path === 'name') name = value as string
  }
}

/**
 * Throws, naming the argument, what was found and what was expected, unless `plugin` is a
 * solver plugin and `settings` are settings of `solverLaws` (or undefined).
 */
export const checkArguments = (plugin: unknown, settings: unknown): void => {
  checkPlugin(plugin)
  if (settings === undefined) return
  if (!isObject(settings)) refuse('the settings (the second argument)', 'an object', settings)
  settingsFields(settings, 'settings')
}
