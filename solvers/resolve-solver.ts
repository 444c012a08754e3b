/**
 * The solver a fit runs: a built-in one by name, or a plugin, whose members are read once
 * and checked: each of its kind, its own options named apart from nmf's common ones, and
 * its defaults of its codecs' types.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { invalidOption, type NmfError, type Result } from '../core/errors.ts'
import { attempt } from '../core/guarded.ts'
import { describeValue } from '../core/matrix.ts'
import { LOSS_NAMES } from '../core/beta-divergence.ts'
import type { AnySolver } from './contract.ts'
import { cd } from './cd.ts'
import { movingAverage } from './moving-average.ts'
import { mu } from './mu.ts'
import { commonProps } from './options.ts'

/** The built-in solvers, by name (frozen: it is not a registry). */
export const solvers: readonly AnySolver[] = Object.freeze([cd, movingAverage, mu])

const operation = 'nmf'

export const resolveSolver = (solver: unknown): Result<AnySolver> => {
  if (solver === undefined) return E.right<NmfError, AnySolver>(cd)
  if (typeof solver === 'string') {
    const found = solvers.find((candidate) => candidate.name === solver)
    return found !== undefined
      ? E.right(found)
      : E.left(
          invalidOption(
            operation,
            'solver',
            `expected one of ${solvers.map((s) => `'${s.name}'`).join(', ')} ` +
              `or a solver plugin, found '${solver}'`,
          ),
        )
  }
  if (isObject(solver)) {
    const plugin = attempt(() => 'step' in solver && 'name' in solver)
    if (E.isLeft(plugin)) {
      return E.left(
        invalidOption(
          operation,
          'solver',
          `expected a solver name or plugin, found an object that threw ${plugin.left} when read`,
        ),
      )
    }
    if (plugin.right) return checkPlugin(solver)
  }
  return E.left(
    invalidOption(
      operation,
      'solver',
      `expected a solver name or plugin, found ${describeValue(solver)}`,
    ),
  )
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null

/**
 * What a `capabilities.losses` that is not a non-empty array of `LOSS_NAMES` holds instead,
 * for a message; `resolveBeta` would otherwise blame the user's betaLoss for it.
 */
const foundLosses = (value: unknown): string => {
  if (!Array.isArray(value)) return describeValue(value)
  if (value.length === 0) return 'an empty array'
  const unknown: unknown = value.find(
    (loss: unknown) => typeof loss !== 'string' || !LOSS_NAMES.includes(loss),
  )
  return `an array with ${typeof unknown === 'string' ? `'${unknown}'` : describeValue(unknown)}`
}

/**
 * The members a plugin must have (a path into it), what each must be, how to tell, and,
 * where `describeValue` would not say what is wrong, what was found instead.
 */
const PLUGIN_MEMBERS: ReadonlyArray<
  readonly [string, string, (value: unknown) => boolean, ((value: unknown) => string)?]
> = [
  [
    'name',
    'a non-empty string',
    (value) => typeof value === 'string' && value !== '',
    (value) => (value === '' ? 'an empty string' : describeValue(value)),
  ],
  ['optionProps', 'an object of io-ts codecs', (value) => isObject(value)],
  ['defaults', 'an object of option values', (value) => isObject(value)],
  ['capabilities', 'an object', (value) => isObject(value)],
  [
    'capabilities.losses',
    `a non-empty array of loss names (${LOSS_NAMES.map((loss) => `'${loss}'`).join(', ')})`,
    (value) =>
      Array.isArray(value) &&
      value.length > 0 &&
      value.every((loss: unknown) => typeof loss === 'string' && LOSS_NAMES.includes(loss)),
    foundLosses,
  ],
  ...['sparse', 'monotone', 'nonnegative'].map(
    (flag) =>
      [
        `capabilities.${flag}`,
        'a boolean',
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

/** A plugin's own options as `checkPlugin` reads them, each member once. */
interface PluginOptions {
  readonly name: string
  /** optionProps' entries, each codec with its `is` and `name` as read. */
  readonly codecs: ReadonlyArray<{
    readonly option: string
    readonly codec: object
    readonly is: (value: unknown) => boolean
    readonly type: unknown
  }>
  readonly defaults: Readonly<Record<string, unknown>>
}

/**
 * A plugin with the members `Solver` asks for, each of its kind (a JavaScript plugin can
 * lack one), whose own options are its own (none is named as one of nmf's common options)
 * and whose defaults its codecs accept: else an error on `solver` that names the first
 * member that is wrong, or that threw when read (a getter or Proxy of the caller's). The
 * plugin's own code (a codec's `is`) runs unguarded: what it throws, nmf lets through.
 */
const checkPlugin = (solver: Record<string, unknown>): Result<AnySolver> => {
  let name: string | undefined
  const refuse = (found: string) => E.left(invalidOption(operation, 'solver', found))
  for (const [path, expected, ok, found = describeValue] of PLUGIN_MEMBERS) {
    const read = attempt(() => {
      const value = path
        .split('.')
        .reduce<unknown>((at, key) => (isObject(at) ? at[key] : undefined), solver)
      return { value, misfit: ok(value) ? undefined : found(value) }
    })
    const plugin = name === undefined ? 'the solver plugin' : `the solver plugin '${name}'`
    const member = `expected ${plugin} to have ${path}, ${expected}`
    if (E.isLeft(read)) return refuse(`${member}, found one that threw ${read.left} when read`)
    if (read.right.misfit !== undefined) return refuse(`${member}, found ${read.right.misfit}`)
    if (path === 'name') name = read.right.value as string
  }
  const plugin = solver as unknown as AnySolver
  return pipe(
    readPluginOptions(plugin, name as string),
    E.chainFirst(checkOwnNames),
    E.chainFirst(checkDefaults),
    E.map(() => plugin),
  )
}

/**
 * The plugin's optionProps and defaults, read once: each codec must be an io-ts codec (its
 * options are decoded by it when nmf runs, and its default checked by its `is`); a getter
 * or Proxy that throws is an error on `solver` that says where.
 */
const readPluginOptions = (solver: AnySolver, name: string): Result<PluginOptions> => {
  const refuse = (found: string) => E.left(invalidOption(operation, 'solver', found))
  const entries = attempt(() => ({
    props: Object.entries(solver.optionProps as object) as Array<[string, unknown]>,
    defaults: Object.fromEntries(Object.entries(solver.defaults as object)),
  }))
  if (E.isLeft(entries)) {
    return refuse(
      `expected the solver plugin '${name}' to have optionProps and defaults that can be ` +
        `read, found one that threw ${entries.left} when read`,
    )
  }
  const codecs: Array<PluginOptions['codecs'][number]> = []
  for (const [option, codec] of entries.right.props) {
    const member =
      `expected the solver plugin '${name}' to have optionProps.${option}, ` + 'an io-ts codec'
    const read = attempt(() =>
      isObject(codec) && typeof codec.decode === 'function' && typeof codec.is === 'function'
        ? { codec, is: codec.is as (value: unknown) => boolean, type: codec.name }
        : undefined,
    )
    if (E.isLeft(read)) return refuse(`${member}, found one that threw ${read.left} when read`)
    if (read.right === undefined) return refuse(`${member}, found ${describeValue(codec)}`)
    codecs.push({ option, ...read.right })
  }
  return E.right({ name, codecs, defaults: entries.right.defaults })
}

/**
 * Nothing, unless the plugin's optionProps or defaults name one of nmf's common options:
 * `nmf` would decode the user's value as the common option and then let the plugin's
 * default overwrite it in the options the fit records (or give the solver a value of the
 * wrong type), so such a plugin is refused, naming every such option and where it is.
 */
const checkOwnNames = ({ name, codecs, defaults }: PluginOptions): Result<void> => {
  const where = (option: string): string =>
    [
      ...(codecs.some((codec) => codec.option === option) ? ['optionProps'] : []),
      ...(Object.hasOwn(defaults, option) ? ['defaults'] : []),
    ].join(' and ')
  const colliding = Object.keys(commonProps).filter((option) => where(option) !== '')
  if (colliding.length === 0) return E.right(undefined)
  const [these, another] =
    colliding.length === 1
      ? [`${colliding[0]} is one of nmf's own options`, 'option another name']
      : [`${listed(colliding)} are nmf's own options`, 'options other names']
  return E.left(
    invalidOption(
      operation,
      'solver',
      `expected the solver plugin '${name}' to name only options of its own, found ` +
        `${listed(colliding.map((option) => `${option} in its ${where(option)}`))}: ` +
        `${these}, which every solver takes; give the plugin's ${another}`,
    ),
  )
}

/** "a", "a and b", "a, b and c". */
const listed = (items: readonly string[]): string =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`

/**
 * Each default of an own option is a value of its codec's type (the solver gets it as a
 * decoded value, in place of one the user did not give): else an error that names the
 * option, the type and the value.
 */
const checkDefaults = ({ name, codecs, defaults }: PluginOptions): Result<void> => {
  // A default of no option would reach the fit's recorded options as if it were one.
  const stray = Object.keys(defaults).find((key) => !codecs.some((codec) => codec.option === key))
  if (stray !== undefined) {
    return E.left(
      invalidOption(
        operation,
        'solver',
        `expected the solver plugin '${name}' to have defaults only for its ` +
          `optionProps, found defaults.${stray}, which optionProps does not name`,
      ),
    )
  }
  for (const { option, codec, is, type } of codecs) {
    if (!Object.hasOwn(defaults, option) || is.call(codec, defaults[option])) continue
    const typeName = typeof type === 'string' ? type : describeValue(type)
    return E.left(
      invalidOption(
        operation,
        'solver',
        `expected the solver plugin '${name}' to have defaults.${option}, ` +
          `${typeName} (as its optionProps.${option} decodes), ` +
          `found ${describeValue(defaults[option])}`,
      ),
    )
  }
  return E.right(undefined)
}

/**
 * The solver's own options for a fit: the user's (decoded), and its defaults for the rest.
 * An option left with neither must be one whose codec decodes `undefined` (the solver then
 * gets what it decodes it to, if anything); any other is required, as `components` is, and
 * leaving it out is an error on that option that says the solver has no default for it.
 */
export const ownOptions = (
  solver: AnySolver,
  own: Readonly<Record<string, unknown>>,
): Result<Record<string, unknown>> => {
  const options: Record<string, unknown> = { ...(solver.defaults as object), ...own }
  for (const [option, codec] of Object.entries(solver.optionProps)) {
    // Own values only: an option named as a member of every object (valueOf, toString) is not
    // given by Object.prototype's function.
    if (Object.hasOwn(options, option) && options[option] !== undefined) continue
    // A codec of the plugin's that throws on undefined is the plugin's error, not a throw.
    const attempted = attempt(() => codec.decode(undefined))
    if (E.isLeft(attempted)) {
      return E.left(
        invalidOption(
          operation,
          'solver',
          `solver '${solver.name}': its optionProps.${option}, asked whether ${option} may be ` +
            `left out (given undefined), threw ${attempted.left}`,
        ),
      )
    }
    const decoded = attempted.right
    if (E.isLeft(decoded)) {
      return E.left(
        invalidOption(
          operation,
          option,
          `expected ${codec.name}, found none (it is required: solver '${solver.name}' has ` +
            'no default for it)',
        ),
      )
    }
    if (decoded.right !== undefined) options[option] = decoded.right
  }
  return E.right(options)
}
