/**
 * The flags of a fit as `nmf` options. Numbers are parsed here; their ranges
 * are the library's to check, and so is `--loss` against the solver's losses.
 * Flags that only some solvers take (`--gamma`, `--set`) are checked against
 * the chosen solver's own options, so that the message names the solver and
 * what it does take.
 */
import * as E from 'fp-ts/lib/Either.js'
import { initStrategies, solvers, type AnySolver } from 'nmfkit'
import { numberFlag, numberOrText } from '../args.ts'
import { quotedToken, usageError, type CliResult } from '../errors.ts'
import { flagOf } from '../library-errors.ts'

/** The values of the fit flags, as parseArgs returns them. */
export interface SolverFlagValues {
  readonly components?: string
  readonly solver?: string
  readonly loss?: string
  readonly init?: string
  readonly seed?: string
  readonly 'max-iter'?: string
  readonly tol?: string
  readonly 'alpha-w'?: string
  readonly 'alpha-h'?: string
  readonly 'l1-ratio'?: string
  readonly shuffle?: boolean
  readonly gamma?: string
  readonly set?: string[]
}

/**
 * Options every solver takes; `--set` may give these too. nmf's common options but
 * `components` and `solver` (their own flags) and the callback and signal (test/cli/args
 * checks that the list keeps up with the library's).
 */
export const commonOptions = [
  'maxIter',
  'tol',
  'alphaW',
  'alphaH',
  'l1Ratio',
  'shuffle',
  'seed',
  'init',
  'betaLoss',
]

/** Options that only their own flag sets. */
const FLAG_ONLY: Readonly<Record<string, string>> = { components: '-k', solver: '--solver' }

/** The options `--set` may give that take integers, read as integer flags are. */
const INTEGER_OPTIONS: readonly string[] = ['maxIter', 'seed']

/**
 * A `--set` pair, NAME=VALUE; NAME may be written in kebab case, and any NAME without spaces
 * is one, which the solver's options take or refuse by name (`__proto__` is no option, not
 * a malformed pair). VALUE is all that follows the first `=`, line breaks included (`s`):
 * the option's own check refuses it, by name.
 */
const SET_PAIR = /^([^=\s]+)=(.*)$/s

const optionName = (written: string): string =>
  written.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())

/**
 * The options that `--set` gives, each with its name as written (`max-iter` or `maxIter`),
 * so that errors the library reports later name the flag as the user gave it.
 */
export const setOptionNames = (set: readonly string[] | undefined): ReadonlyMap<string, string> =>
  new Map(
    (set ?? []).flatMap((pair) => {
      const match = SET_PAIR.exec(pair)
      return match === null ? [] : [[optionName(match[1]), match[1]] as const]
    }),
  )

/** The options whose flags take numbers, by flag: their texts as typed (`typedOptions`). */
const NUMBER_FLAGS = [
  ['loss', 'betaLoss'],
  ['alpha-w', 'alphaW'],
  ['alpha-h', 'alphaH'],
  ['l1-ratio', 'l1Ratio'],
  ['max-iter', 'maxIter'],
  ['tol', 'tol'],
  ['seed', 'seed'],
  ['gamma', 'gamma'],
] as const

/**
 * Each option the flags and `--set` give, with its value as typed (`1e300`, which the
 * library shows as `1e+300`), so that errors the library reports later show it so.
 */
export const typedOptions = (values: SolverFlagValues): ReadonlyMap<string, string> =>
  new Map([
    ...NUMBER_FLAGS.flatMap(([flag, option]) => {
      const text = values[flag]
      return text === undefined ? [] : [[option, text] as const]
    }),
    ...(values.set ?? []).flatMap((pair) => {
      const match = SET_PAIR.exec(pair)
      return match === null ? [] : [[optionName(match[1]), match[2]] as const]
    }),
  ])

/** A `--set` value: true/false, a number, or the text itself. */
const setValue = (name: string, written: string, text: string): CliResult<unknown> =>
  text === 'true' || text === 'false'
    ? E.right(text === 'true')
    : INTEGER_OPTIONS.includes(name) && /^[+-]?[\d.]/.test(text)
      ? numberFlag(`set ${written}`, text, true)
      : numberOrText(`--set ${written}`, text)

const ownOptions = (solver: AnySolver): string =>
  Object.keys(solver.optionProps).length === 0 ? 'none' : Object.keys(solver.optionProps).join(', ')

const notAnOption = (flag: string, solver: AnySolver): CliResult<never> =>
  E.left(
    usageError(
      `option ${flag}: solver '${solver.name}' has no such option ` +
        `(its own options: ${ownOptions(solver)})`,
    ),
  )

/**
 * An init by its name, from `--init` or `--set init` (`flag`): the library's other value,
 * the factors `{ W, H }`, comes from files (`--init-w`, `--init-h`: see fit.ts), and its
 * message would offer it.
 */
const initOption = (flag: string, name: string): CliResult<string> =>
  initStrategies.some((strategy) => strategy.name === name)
    ? E.right(name)
    : E.left(
        usageError(
          `option ${flag}: expected one of ` +
            `${initStrategies.map((strategy) => strategy.name).join(', ')}, ` +
            `found ${quotedToken(name)}`,
        ),
      )

/** `--loss` as `betaLoss`: a number (β) or a name; the library checks it against the solver. */
export const lossOption = (loss: string | undefined): CliResult<Record<string, unknown>> => {
  if (loss === undefined) return E.right({})
  const beta = numberOrText('--loss', loss)
  return E.isLeft(beta) ? beta : E.right({ betaLoss: beta.right })
}

/**
 * `nmf` options from the fit flags (without the callback and the signal).
 *
 * @example
 * solverOptions({ components: '5', 'max-iter': '500' }) // Right({ components: 5, maxIter: 500 })
 */
export const solverOptions = (
  values: SolverFlagValues,
  componentsFlag = '-k',
): CliResult<Record<string, unknown>> => {
  const solverName = values.solver ?? 'cd'
  const solver = solvers.find((candidate) => candidate.name === solverName)
  if (solver === undefined) {
    return E.left(
      usageError(
        `option --solver: expected one of ${solvers.map((s) => s.name).join(', ')}, ` +
          `found ${quotedToken(solverName)}`,
      ),
    )
  }
  const options: Record<string, unknown> = { solver: solverName }
  const numbers: readonly [string, string, string | undefined, boolean][] = [
    [componentsFlag, 'components', values.components, true],
    ['seed', 'seed', values.seed, true],
    ['max-iter', 'maxIter', values['max-iter'], true],
    ['tol', 'tol', values.tol, false],
    ['alpha-w', 'alphaW', values['alpha-w'], false],
    ['l1-ratio', 'l1Ratio', values['l1-ratio'], false],
    ['gamma', 'gamma', values.gamma, false],
  ]
  for (const [flag, option, text, integer] of numbers) {
    const value = numberFlag(flag, text, integer)
    if (E.isLeft(value)) return value
    if (value.right === undefined) continue
    if (flag === 'gamma' && !('gamma' in solver.optionProps)) return notAnOption('--gamma', solver)
    options[option] = value.right
  }
  if (values['alpha-h'] !== undefined) {
    if (values['alpha-h'] === 'same') options.alphaH = 'same'
    else {
      const alphaH = numberFlag('alpha-h', values['alpha-h'])
      // 'same' is a value of --alpha-h's too, which its refusal names.
      if (E.isLeft(alphaH)) {
        const message = alphaH.left.message.replace(
          'expected a number',
          "expected a number or 'same'",
        )
        return E.left({ ...alphaH.left, message })
      }
      options.alphaH = alphaH.right
    }
  }
  if (values.init !== undefined) {
    const init = initOption('--init', values.init)
    if (E.isLeft(init)) return init
    options.init = init.right
  }
  if (values.shuffle === true) options.shuffle = true
  const loss = lossOption(values.loss)
  if (E.isLeft(loss)) return loss
  Object.assign(options, loss.right)

  // One value per option: a --set may not repeat itself or a flag (the last would win).
  const fromFlags = new Set(Object.keys(options))
  for (const pair of values.set ?? []) {
    const match = SET_PAIR.exec(pair)
    if (match === null)
      return E.left(usageError(`option --set: expected NAME=VALUE, found ${quotedToken(pair)}`))
    // The option's name, and the flag as the user wrote it (max-iter or maxIter).
    const name = optionName(match[1])
    const written = match[1]
    const flag = Object.hasOwn(FLAG_ONLY, name) ? FLAG_ONLY[name] : undefined
    if (flag !== undefined) {
      return E.left(usageError(`option --set ${written}: ${name} is set with ${flag}`))
    }
    if (!Object.hasOwn(solver.optionProps, name) && !commonOptions.includes(name)) {
      return notAnOption(`--set ${written}`, solver)
    }
    if (Object.hasOwn(options, name)) {
      return E.left(
        usageError(
          `option --set ${written}: ${name} is already given` +
            (fromFlags.has(name) ? ` by ${flagOf(name)}` : ' by an earlier --set'),
        ),
      )
    }
    const value =
      name === 'init' ? initOption(`--set ${written}`, match[2]) : setValue(name, written, match[2])
    if (E.isLeft(value)) return value
    options[name] = value.right
  }
  return E.right(options)
}
