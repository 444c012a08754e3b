/**
 * The library's messages as the command says them. nmfkit names an option as its API
 * does (`betaLoss`, `alphaW`) and advises one as a call would give it (`use init 'random'`);
 * a user of the command types flags (`--loss`, `--alpha-w`, `--init random`), and reads
 * no API terms (`capabilities.penalties`, `expected boolean`). `libraryDetail` rewrites
 * each of the library's phrasings that names an option or such a term (`PHRASINGS`):
 * test/cli/library-errors.test.ts runs every message of the library's that advises an
 * option through the command's path, and finds the advice in the library's source, so that
 * a new phrasing fails it until this table knows it. The command's conventions apply too: a
 * place in a matrix counted from 1 (`at row 1, column 1`; the library counts from 0), and a
 * number's exponent without its plus (`1e300`; the library shows `1e+300`).
 */
import type { NmfError } from 'nmfkit'
import { escapeControls } from '../core/display.ts'
import { quotedToken } from './errors.ts'

/** The flag of each library option whose flag is not its name in kebab case. */
const flagOfOption: Readonly<Record<string, string>> = {
  components: '-k',
  maxIter: '--max-iter',
  alphaW: '--alpha-w',
  alphaH: '--alpha-h',
  l1Ratio: '--l1-ratio',
  betaLoss: '--loss',
  'aligned.tolerance': '--tolerance',
}

/** The flag that sets a library option: `maxIter` → `--max-iter`, `gamma` → `--gamma`. */
export const flagOf = (option: string): string =>
  flagOfOption[option] ?? `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`

/** The flag of an option as a message names it (the user's spelling, where they gave one). */
type FlagNamer = (option: string) => string

/** How the command names the options the user gave, in what a message says it found. */
interface Naming {
  /** The flag of an option as the user wrote it: `--alpha-w`, `--set alpha-w`. */
  readonly flag: FlagNamer
  /** An option's number, as the library shows it (`1e+300`), as the user typed it (`1e300`). */
  readonly typed: (option: string, shown: string) => string
  /** Whether the user gave an option (by its flag or `--set`), rather than its default. */
  readonly given: (option: string) => boolean
}

/** A flag with its value, as typed: `--init random`, `--set init=random`. */
const withValue = (flag: string, value: string): string =>
  flag.startsWith('--set ') ? `${flag}=${value}` : `${flag} ${value}`

/**
 * One of the library's phrasings, `library`, and how the command says it. What a message
 * found names the option as the user gave it (`found --set alpha-w=1`); its advice (what
 * to use) and its descriptions (what a solver accepts) by `flagOf`, the flag a user types
 * for it (`use a smaller --alpha-w`, `handles only --loss frobenius`), whatever spelling
 * they used; and a value the user did not give is never shown as a flag they typed.
 */
interface Phrasing {
  readonly library: RegExp
  readonly command: (naming: Naming, ...groups: (string | undefined)[]) => string
}

/** The option names of the library's API that are no English words. */
const API_NAMES = 'betaLoss|alphaW|alphaH|l1Ratio|maxIter'

/**
 * An API name, which names an option wherever a message has it; not in quotes, where it is
 * a value or a model's key (`option 'maxIter': ...`).
 */
const API_NAME = String.raw`(?<!['"])\b(${API_NAMES})\b(?!['"])`

/** A value as the library quotes it, `'random'`; the command writes it bare: random. */
const VALUE = String.raw`'([\w.-]+)'`

/** A number as the library shows one: `1`, `-0.5`, `1e+300`. */
const NUMBER = String.raw`(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)(?![\w.])`

/** A number as the command writes it: an exponent without its plus, `1e+300` → `1e300`. */
const plainExponent = (number: string): string => number.replace('e+', 'e')

/** `a, b` or `a, b, c` as `a or b`, `a, b or c`. */
const orList = (items: readonly string[]): string =>
  items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`

/**
 * A string the library shows as JSON (`found "1=2"`), as the command quotes what the user
 * typed (`quotedToken`: `'1=2'`); as it is where it holds half a surrogate pair, which only
 * its JSON escape shows.
 */
const asToken = (json: string): string => {
  try {
    const text = JSON.parse(json) as string
    return /[\ud800-\udfff]/u.test(text) ? json : quotedToken(text)
  } catch {
    return json
  }
}

/**
 * The library's phrasings that name an option or an API term, the first that matches at a
 * place winning there: a value the library found, the API's terms, the advice, then an API
 * name with its value, then an API name alone. `init` and `solver`, words as much as names,
 * are rewritten where a message advises them; elsewhere (`init 'nndsvd' gave all-zero
 * factors`, `solver 'cd' overflowed`) they name a thing.
 */
const PHRASINGS: readonly Phrasing[] = [
  // A value the user gave, shown as JSON (core/codec.ts `expected boolean, found "maybe"`,
  // core/beta-divergence.ts `found "kl"`): quoted as the command quotes what it echoes, and
  // read whole, so that no API name in it is taken for an option.
  {
    library: /\bfound ("(?:[^"\\]|\\.)*")/,
    command: (_, json) => `found ${asToken(json ?? '')}`,
  },
  // solvers/setup.ts: `does not apply penalties (its capabilities.penalties is not true)`, a
  // plugin's field, which says nothing to a user of the command.
  { library: / \(its capabilities\.penalties is not true\)/, command: () => '' },
  // io-ts: `expected boolean`, a type; the command's user types true or false.
  { library: /\bexpected boolean\b/, command: () => 'expected true or false' },
  // solvers/init.ts: `use init 'random', or scale X up`, `use init 'random' for more
  // components`.
  {
    library: new RegExp(String.raw`\buse init ${VALUE}`),
    command: (_, name) => `use ${withValue(flagOf('init'), name ?? '')}`,
  },
  // solvers/setup.ts: `use solver 'mu' for other losses`.
  {
    library: new RegExp(String.raw`\buse solver ${VALUE}`),
    command: (_, name) => `use ${withValue(flagOf('solver'), name ?? '')}`,
  },
  // solvers/setup.ts: `or use a solver that applies them ('cd', 'mu')`.
  {
    library: /\buse a solver that applies them \(('[\w.-]+'(?:, '[\w.-]+')*)\)/,
    command: (_, names = '') =>
      `use ${flagOf('solver')} ${orList(names.split(', ').map((name) => name.slice(1, -1)))}, ` +
      'which apply them',
  },
  // core/beta-divergence.ts: `or use a betaLoss > 0 such as 'kullback-leibler'`.
  {
    library: new RegExp(String.raw`\buse a betaLoss > 0 such as ${VALUE}`),
    command: (_, name) => `use ${withValue(flagOf('betaLoss'), name ?? '')} or another β > 0`,
  },
  // solvers/driver.ts: `use a smaller alphaW and alphaH`, `use a betaLoss in [0, 2]`;
  // solvers/setup.ts: `leave alphaW and alphaH at 0`.
  {
    library: new RegExp(
      String.raw`\b(use a smaller|use a|leave) (${API_NAMES})(?: and (${API_NAMES}))?\b`,
    ),
    command: (_, verb, option, other) =>
      `${verb} ${flagOf(option ?? '')}${other === undefined ? '' : ` and ${flagOf(other)}`}`,
  },
  // solvers/setup.ts: `handles only betaLoss 'frobenius'`, what a solver accepts: the flag a
  // user types for it, whatever spelling they gave the value it found (`--set beta-loss=…`).
  {
    library: new RegExp(String.raw`\bhandles only ${API_NAME} ('[\w.-]+'(?:, '[\w.-]+')*)`),
    command: (_, option = '', values = '') =>
      `handles only ${flagOf(option)} ${orList(values.split(', ').map((v) => v.slice(1, -1)))}`,
  },
  // solvers/setup.ts: `found alphaW 1 and alphaH 'same'`, alphaH's default (alphaW's value)
  // unless the user gave it: then not a flag they typed, but what the flag defaults to.
  {
    library: / and alphaH 'same'/,
    command: ({ flag, given }) =>
      given('alphaH')
        ? ` and ${withValue(flag('alphaH'), 'same')}`
        : ` (and ${flagOf('alphaH')} at its default, 'same')`,
  },
  // solvers/driver.ts: `betaLoss β = 5 raises W·H ...`: the number as typed, then β.
  {
    library: /\bbetaLoss β = (-?[\d.]+(?:e[+-]?\d+)?)/,
    command: ({ flag, typed }, beta = '') =>
      `${withValue(flag('betaLoss'), typed('betaLoss', beta))} (β = ${plainExponent(beta)})`,
  },
  // An API name with the value the user gave: core/beta-divergence.ts `betaLoss
  // 'itakura-saito' (β = 0) needs X without zeros`.
  {
    library: new RegExp(`${API_NAME} ${VALUE}`),
    command: ({ flag }, option = '', value = '') => withValue(flag(option), value),
  },
  // An API name with its number, as typed: solvers/setup.ts `found alphaW 1`.
  {
    library: new RegExp(`${API_NAME} ${NUMBER}`),
    command: ({ flag, typed }, option = '', value = '') =>
      withValue(flag(option), typed(option, value)),
  },
  // Any other: solvers/driver.ts `from alphaW, alphaH and l1Ratio`.
  {
    library: new RegExp(API_NAME),
    command: ({ flag }, option = '') => flag(option),
  },
  // A place in a matrix (core/errors.ts `found NaN at row 0, column 0`, of W or H after an
  // iteration), counted from 1 as the command counts lines, rows and columns.
  {
    library: /\bat row (\d+), column (\d+)\b/,
    command: (_, row = '', col = '') => `at row ${Number(row) + 1}, column ${Number(col) + 1}`,
  },
  // A number in exponent form (core/errors.ts `showNumber`: `largest 1e+300`), as the
  // command writes one: 1e300.
  {
    library: /(?<![\w.])(\d+(?:\.\d+)?e\+\d+)\b/,
    command: (_, number = '') => plainExponent(number),
  },
]

/** A number as the library's messages show it (core/errors.ts `showNumber`), or as it is. */
const shownNumbers = (value: number): readonly string[] => [
  String(value),
  Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6))),
]

/**
 * `shown`, the library's rendering of an option's number, as the user typed it (`typed`,
 * option → text), where they typed the number it shows.
 */
const asTyped =
  (typed: ReadonlyMap<string, string>) =>
  (option: string, shown: string): string => {
    const text = typed.get(option)
    if (text === undefined || !/^[+-]?\.?\d/.test(text)) return plainExponent(shown)
    return shownNumbers(Number(text)).includes(shown) ? text : plainExponent(shown)
  }

/**
 * `message`, one of the library's (without its operation), as the command says it: each
 * option named by its flag, as `flag` names it where the message says what it found
 * (`found --set alpha-w=1`), by the flag a user types for it where it advises one (`use init
 * 'random'` → `use --init random`, `use a betaLoss in [0, 2]` → `use a --loss in [0, 2]`)
 * or says what a solver accepts (`handles only --loss frobenius`), with a number as `typed`
 * has it (option → the text the user typed; an option it lacks, the user did not give, and
 * its default is no flag they typed: `(and --alpha-h at its default, 'same')`); a value the
 * library shows as JSON quoted as the command quotes one (`found 'kl'`). One pass from the
 * left, the first phrasing that matches at a place winning, so that no flag a phrasing wrote
 * is read again as a name (`--set betaLoss`).
 */
export const commandWording = (
  message: string,
  flag: FlagNamer,
  typed: ReadonlyMap<string, string> = new Map(),
): string => {
  const naming: Naming = { flag, typed: asTyped(typed), given: (option) => typed.has(option) }
  const sticky = PHRASINGS.map(({ library, command }) => ({
    library: new RegExp(library.source, 'y'),
    command,
  }))
  let wording = ''
  let at = 0
  while (at < message.length) {
    let rewritten: { readonly text: string; readonly length: number } | undefined
    for (const { library, command } of sticky) {
      library.lastIndex = at
      const match = library.exec(message)
      if (match === null) continue
      rewritten = { text: command(naming, ...match.slice(1)), length: match[0].length }
      break
    }
    wording += rewritten?.text ?? message[at]
    at += rewritten?.length ?? 1
  }
  return wording
}

/**
 * The message of a library error, as the command shows it: without the operation (`nmf: `),
 * in the command's wording (`commandWording`, options named as the user wrote them where
 * `asWritten` has them: `--components`, `--set max-iter`, their numbers as typed where
 * `typed` has them), and with the characters a terminal would act on escaped (a value the
 * user gave, which the library shows).
 */
export const libraryDetail = (
  error: NmfError,
  asWritten: ReadonlyMap<string, string> = new Map(),
  typed: ReadonlyMap<string, string> = new Map(),
): string =>
  escapeControls(
    commandWording(
      error.message.replace(/^[\w.]+: /, ''),
      (option) => asWritten.get(option) ?? flagOf(option),
      typed,
    ),
  )
