/**
 * The library's messages as the command says them. nmfkit names an option as its API
 * does (`betaLoss`, `alphaW`) and advises one as a call would give it (`use init 'random'`);
 * a user of the command types flags (`--loss`, `--alpha-w`, `--init random`).
 * `libraryDetail` rewrites each of the library's phrasings that names an option
 * (`PHRASINGS`): test/cli/library-errors.test.ts runs every message of the library's that
 * advises an option through the command's path, and finds the advice in the library's
 * source, so that a new phrasing fails it until this table knows it.
 */
import type { NmfError } from 'nmfkit'
import { escapeControls } from './errors.ts'

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

/** A flag with its value, as typed: `--init random`, `--set init=random`. */
const withValue = (flag: string, value: string): string =>
  flag.startsWith('--set ') ? `${flag}=${value}` : `${flag} ${value}`

/** One of the library's phrasings, `library`, and how the command says it. */
interface Phrasing {
  readonly library: RegExp
  readonly command: (flag: FlagNamer, ...groups: string[]) => string
}

/**
 * The option names of the library's API that are no English words, which name an option
 * wherever a message has them; not in quotes, where they are a value or a model's key
 * (`option 'maxIter': ...`).
 */
const API_NAME = String.raw`(?<!['"])\b(betaLoss|alphaW|alphaH|l1Ratio|maxIter)\b(?!['"])`

/** A value as the library quotes it, `'random'`; the command writes it bare: random. */
const VALUE = String.raw`'([\w.-]+)'`

/** `a, b` or `a, b, c` as `a or b`, `a, b or c`. */
const orList = (items: readonly string[]): string =>
  items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`

/**
 * The library's phrasings that name an option, the first that matches at a place winning
 * there: the advice first, then an API name with its value, then an API name alone.
 * `init` and `solver`, words as much as names, are rewritten where a message advises them;
 * elsewhere (`init 'nndsvd' gave all-zero factors`, `solver 'cd' overflowed`) they name a
 * thing.
 */
const PHRASINGS: readonly Phrasing[] = [
  // solvers/init.ts: `use init 'random', or scale X up`, `use init 'random' for more
  // components`.
  {
    library: new RegExp(String.raw`\buse init ${VALUE}`),
    command: (flag, name) => `use ${withValue(flag('init'), name)}`,
  },
  // solvers/nmf.ts: `use solver 'mu' for other losses`.
  {
    library: new RegExp(String.raw`\buse solver ${VALUE}`),
    command: (flag, name) => `use ${withValue(flag('solver'), name)}`,
  },
  // solvers/nmf.ts: `or use a solver that applies them ('cd', 'mu')`.
  {
    library: /\buse a solver that applies them \(('[\w.-]+'(?:, '[\w.-]+')*)\)/,
    command: (flag, names) =>
      `use ${flag('solver')} ${orList(names.split(', ').map((name) => name.slice(1, -1)))}, ` +
      'which apply them',
  },
  // core/beta-divergence.ts: `or use a betaLoss > 0 such as 'kullback-leibler'`.
  {
    library: new RegExp(String.raw`\buse a betaLoss > 0 such as ${VALUE}`),
    command: (flag, name) => `use ${withValue(flag('betaLoss'), name)} or another β > 0`,
  },
  // solvers/driver.ts: `betaLoss β = 5 raises W·H ...`: the number as typed, then β.
  {
    library: /\bbetaLoss β = (-?[\d.]+(?:e[+-]?\d+)?)/,
    command: (flag, beta) => `${withValue(flag('betaLoss'), beta)} (β = ${beta})`,
  },
  // An API name with its value: solvers/nmf.ts `handles only betaLoss 'frobenius'`,
  // `found alphaW 1 and alphaH 'same'`; core/beta-divergence.ts `betaLoss 'itakura-saito'
  // (β = 0) needs X without zeros`.
  {
    library: new RegExp(`${API_NAME} ${VALUE}`),
    command: (flag, option, value) => withValue(flag(option), value),
  },
  // Any other: solvers/driver.ts `use a smaller alphaW and alphaH`, `from alphaW, alphaH and
  // l1Ratio`, `use a betaLoss in [0, 2]`; solvers/nmf.ts `leave alphaW and alphaH at 0`.
  {
    library: new RegExp(API_NAME),
    command: (flag, option) => flag(option),
  },
]

/**
 * `message`, one of the library's (without its operation), as the command says it: each
 * option named and advised by its flag, as `flag` names it (`use init 'random'` → `use
 * --init random`, `betaLoss` → `--loss`). One pass from the left, the first phrasing that
 * matches at a place winning, so that no flag a phrasing wrote is read again as a name
 * (`--set betaLoss`).
 */
export const commandWording = (message: string, flag: FlagNamer): string => {
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
      rewritten = { text: command(flag, ...match.slice(1)), length: match[0].length }
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
 * `asWritten` has them: `--components`, `--set max-iter`), and with the characters a
 * terminal would act on escaped (a value the user gave, which the library shows).
 */
export const libraryDetail = (
  error: NmfError,
  asWritten: ReadonlyMap<string, string> = new Map(),
): string =>
  escapeControls(
    commandWording(
      error.message.replace(/^[\w.]+: /, ''),
      (option) => asWritten.get(option) ?? flagOf(option),
    ),
  )
