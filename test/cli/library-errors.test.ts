/**
 * The library's advice as the command gives it: every message of nmfkit's that advises an
 * option, run through `fromLibraryError` (the path of fit's and transform's refusals),
 * names the option by its flag as a user types it (`--init random`, not `init 'random'`);
 * and each piece of advice in the library's source is one this file runs, or one the
 * command cannot meet, so that a new phrasing fails here until cli/library-errors.ts
 * knows it.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { createRng, Matrix, nmf, solvers, type NmfError, type Result } from 'nmfkit'
import { fromLibraryError } from '../../cli/args.ts'
import { commandWording } from '../../cli/library-errors.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

const failure = <A>(result: Result<A>): NmfError => {
  if (E.isRight(result)) throw new Error('expected a Left')
  return result.left
}

/** The input file fit read, with its entries placed as a CSV's. */
const csv = {
  file: 'x.csv',
  locate: (row: number, col: number) => `line ${row + 1}, column ${col + 1}`,
}

/** A uniform 40×30 X scaled far below 1: the default start's factors underflow. */
const underflowing = (): Matrix => {
  const rng = createRng(3)
  const X = Matrix.fromData(
    40,
    30,
    Float64Array.from({ length: 1200 }, () => rng.uniform() * 1e-110),
  )
  if (E.isLeft(X)) throw new Error(X.left.message)
  return X.right
}

/** One message of the library's that advises an option, and the command's wording of it. */
interface AdviceCase {
  /** The library's source file and the advice as written there. */
  readonly source: readonly [string, string]
  readonly error: () => NmfError
  readonly input?: typeof csv
  /** The options the user gave by `--set` (or `--components`), as `fit` passes them. */
  readonly asWritten?: ReadonlyMap<string, string>
  /** The values the user typed for options, as `fit` passes them. */
  readonly typed?: ReadonlyMap<string, string>
  readonly command: string
}

const X = [
  [1, 2, 0],
  [3, 4, 5],
  [6, 0, 8],
]

const CASES: readonly AdviceCase[] = [
  {
    source: ['solvers/init.ts', "use init 'random', or scale X up"],
    error: () =>
      failure(
        nmf(
          [
            [1e-150, 2e-150],
            [3e-150, 1e-150],
          ],
          { components: 1, init: 'nndsvd' },
        ),
      ),
    command:
      "init 'nndsvd' gave all-zero factors: every entry fell below 0.000001 for X whose " +
      'largest entry is 3e-150; use --init random, or scale X up',
  },
  {
    // The same advice after a fit whose factors underflowed (solvers/nmf.ts).
    source: ['solvers/init.ts', "use init 'random', or scale X up"],
    error: () => failure(nmf(underflowing(), { components: 4, solver: 'mu' })),
    command:
      'the fit converged after 10 iterations to a W·H that is zero in every entry, though X ' +
      "is not (its largest entry is 9.98632e-111): the factors underflowed, X's entries being " +
      'too small for the products of the fit; use --init random, or scale X up',
  },
  {
    source: ['solvers/init.ts', "use init 'random' for more components"],
    error: () => failure(nmf(X, { components: 4, init: 'nndsvd' })),
    command:
      "option --init: 'nndsvd' needs components ≤ min(samples, features) = 3, found 4; use " +
      '--init random for more components',
  },
  {
    source: ['solvers/init.ts', "use init 'random' for more components"],
    error: () => failure(nmf(X, { components: 4, init: 'nndsvd' })),
    asWritten: new Map([['init', '--set init']]),
    // The advice names the flag a user types for init, whichever spelling they used.
    command:
      "option --set init: 'nndsvd' needs components ≤ min(samples, features) = 3, found 4; " +
      'use --init random for more components',
  },
  {
    source: ['solvers/driver.ts', 'use a smaller ${penaltyToBlame}'],
    error: () => failure(nmf(X, { components: 2, alphaW: 1e308 })),
    input: csv,
    command:
      'option --alpha-w: expected W after iteration 1 to be finite, found NaN at row 1, ' +
      "column 1; solver 'cd' overflowed: its penalties (l1W 0, l2W Infinity, l1H 0, l2H " +
      'Infinity, from --alpha-w, --alpha-h and --l1-ratio) are too large for the ' +
      "fit's sums; use a smaller --alpha-w and --alpha-h",
  },
  {
    source: ['solvers/driver.ts', 'use a smaller ${penaltyToBlame}'],
    error: () => failure(nmf(X, { components: 2, alphaW: 1e308 })),
    asWritten: new Map([['alphaW', '--set alpha-w']]),
    command:
      'option --set alpha-w: expected W after iteration 1 to be finite, found NaN at row 1, ' +
      "column 1; solver 'cd' overflowed: its penalties (l1W 0, l2W Infinity, l1H 0, l2H " +
      'Infinity, from --set alpha-w, --alpha-h and --l1-ratio) are too large for the ' +
      "fit's sums; use a smaller --alpha-w and --alpha-h",
  },
  {
    source: ['solvers/driver.ts', 'use a smaller ${penaltyToBlame}'],
    error: () => failure(nmf(X, { components: 2, alphaW: 0, alphaH: 1e308 })),
    asWritten: new Map([['alphaH', '--set alphaH']]),
    command:
      'option --set alphaH: expected H after iteration 1 to be finite, found NaN at row 1, ' +
      "column 1; solver 'cd' overflowed: its penalties (l1W 0, l2W 0, l1H 0, l2H " +
      'Infinity, from --alpha-w, --set alphaH and --l1-ratio) are too large for the ' +
      "fit's sums; use a smaller --alpha-h",
  },
  {
    source: ['solvers/driver.ts', 'use a betaLoss in [0, 2]'],
    error: () =>
      failure(
        nmf(
          [
            [1e80, 3e80],
            [2e80, 5e80],
            [4e80, 1e80],
          ],
          { components: 1, solver: 'mu', betaLoss: 5 },
        ),
      ),
    command:
      'option --loss: expected W after iteration 1 to be finite, found NaN at row 1, column ' +
      "1; solver 'mu' overflowed: --loss 5 (β = 5) raises W·H to the powers β − 1 and β − 2; " +
      'use a --loss in [0, 2], or scale X down',
  },
  {
    // What it found as the user typed it (1E300, which the library shows as 1e+300); the
    // advice by the flag a user types.
    source: ['solvers/driver.ts', 'use a betaLoss in [0, 2]'],
    error: () =>
      failure(
        nmf(
          [
            [1, 2],
            [3, 4],
          ],
          { components: 1, solver: 'mu', betaLoss: 1e300 },
        ),
      ),
    asWritten: new Map([['betaLoss', '--set betaLoss']]),
    typed: new Map([['betaLoss', '1E300']]),
    command:
      'option --set betaLoss: expected W after iteration 1 to be finite, found NaN at row 1, ' +
      "column 1; solver 'mu' overflowed: --set betaLoss=1E300 (β = 1e300) raises W·H to the " +
      'powers β − 1 and β − 2; use a --loss in [0, 2], or scale X down',
  },
  {
    // alphaH at its default, 'same', which the user did not type: not shown as a flag.
    source: ['solvers/setup.ts', 'leave alphaW and'],
    error: () => failure(nmf(X, { components: 2, solver: 'moving-average', alphaW: 1 })),
    typed: new Map([['alphaW', '1']]),
    command:
      "option --alpha-w: solver 'moving-average' does not apply penalties, found --alpha-w 1 " +
      "(and --alpha-h at its default, 'same'): leave --alpha-w and --alpha-h at 0, or use " +
      '--solver cd or mu, which apply them',
  },
  {
    source: ['solvers/setup.ts', 'leave alphaW and'],
    error: () => failure(nmf(X, { components: 2, solver: 'moving-average', alphaW: 1.5 })),
    asWritten: new Map([['alphaW', '--set alpha-w']]),
    typed: new Map([['alphaW', '1.50']]),
    command:
      "option --set alpha-w: solver 'moving-average' does not apply penalties, found --set " +
      "alpha-w=1.50 (and --alpha-h at its default, 'same'): leave --alpha-w and --alpha-h at " +
      '0, or use --solver cd or mu, which apply them',
  },
  {
    // alphaH 'same' as the user typed it, by its flag...
    source: ['solvers/setup.ts', 'leave alphaW and'],
    error: () =>
      failure(nmf(X, { components: 2, solver: 'moving-average', alphaW: 1, alphaH: 'same' })),
    typed: new Map([
      ['alphaW', '1'],
      ['alphaH', 'same'],
    ]),
    command:
      "option --alpha-w: solver 'moving-average' does not apply penalties, found --alpha-w 1 " +
      'and --alpha-h same: leave --alpha-w and --alpha-h at 0, or use --solver cd or mu, ' +
      'which apply them',
  },
  {
    // ...or by --set.
    source: ['solvers/setup.ts', 'leave alphaW and'],
    error: () =>
      failure(nmf(X, { components: 2, solver: 'moving-average', alphaW: 1, alphaH: 'same' })),
    asWritten: new Map([
      ['alphaW', '--set alpha-w'],
      ['alphaH', '--set alpha-h'],
    ]),
    typed: new Map([
      ['alphaW', '1'],
      ['alphaH', 'same'],
    ]),
    command:
      "option --set alpha-w: solver 'moving-average' does not apply penalties, found --set " +
      'alpha-w=1 and --set alpha-h=same: leave --alpha-w and --alpha-h at 0, or use --solver ' +
      'cd or mu, which apply them',
  },
  {
    source: ['solvers/setup.ts', 'use a solver that applies them'],
    error: () =>
      failure(nmf(X, { components: 2, solver: 'moving-average', alphaW: 0, alphaH: 0.5 })),
    typed: new Map([
      ['alphaW', '0'],
      ['alphaH', '0.5'],
    ]),
    command:
      "option --alpha-h: solver 'moving-average' does not apply penalties, found --alpha-h " +
      '0.5: leave --alpha-w and --alpha-h at 0, or use --solver cd or mu, which apply them',
  },
  {
    source: ['solvers/setup.ts', "use solver 'mu' for other losses"],
    error: () => failure(nmf(X, { components: 2, betaLoss: 'kullback-leibler' })),
    command:
      "option --loss: solver 'cd' handles only --loss frobenius, found 'kullback-leibler' " +
      '(β = 1); use --solver mu for other losses',
  },
  {
    // What the solver accepts, described by the flag a user types for it, not as though the
    // user had typed it in their spelling (`--set betaLoss=frobenius`).
    source: ['solvers/setup.ts', "use solver 'mu' for other losses"],
    error: () => failure(nmf(X, { components: 2, betaLoss: 'kullback-leibler' })),
    asWritten: new Map([['betaLoss', '--set betaLoss']]),
    typed: new Map([['betaLoss', 'kullback-leibler']]),
    command:
      "option --set betaLoss: solver 'cd' handles only --loss frobenius, found " +
      "'kullback-leibler' (β = 1); use --solver mu for other losses",
  },
  {
    source: ['solvers/setup.ts', "use solver 'mu' for other losses"],
    error: () => failure(nmf(X, { components: 2, betaLoss: 'kullback-leibler' })),
    asWritten: new Map([['betaLoss', '--set beta-loss']]),
    typed: new Map([['betaLoss', 'kullback-leibler']]),
    command:
      "option --set beta-loss: solver 'cd' handles only --loss frobenius, found " +
      "'kullback-leibler' (β = 1); use --solver mu for other losses",
  },
  {
    source: ['core/beta-divergence.ts', 'use a betaLoss > 0 such as'],
    error: () => failure(nmf(X, { components: 2, solver: 'mu', betaLoss: 0 })),
    input: csv,
    command:
      'x.csv: line 1, column 3: --loss itakura-saito (β = 0) needs X without zeros, found 0: ' +
      'for β ≤ 0 the divergence of a zero entry is infinite, and the multiplicative updates ' +
      'raise W·H to the power β − 2 < 0, dividing by a reconstruction that goes to zero ' +
      'there. Add a small positive constant to X (for example 1e-9), or use --loss ' +
      'kullback-leibler or another β > 0',
  },
  {
    source: ['core/beta-divergence.ts', 'use a betaLoss > 0 such as'],
    error: () => failure(nmf(X, { components: 2, solver: 'mu', betaLoss: -1 })),
    command:
      'option --loss: --loss -1 (β = -1) needs X without zeros, found 0 at row 1, column 3: ' +
      'for β ≤ 0 the divergence of a zero entry is infinite, and the multiplicative updates ' +
      'raise W·H to the power β − 2 < 0, dividing by a reconstruction that goes to zero ' +
      'there. Add a small positive constant to X (for example 1e-9), or use --loss ' +
      'kullback-leibler or another β > 0',
  },
]

/** Advice in the library's source that no run of the command meets, and why. */
const NOT_FOR_THE_COMMAND: readonly (readonly [string, string, () => void])[] = [
  // A plugin's own options: the command runs nmfkit's solvers only.
  ['solvers/resolve-solver.ts', "give the plugin's", () => undefined],
  // A CsrMatrix for a solver that takes dense X only: every solver the command runs takes one.
  [
    'solvers/setup.ts',
    'pass a dense Matrix',
    () => expect(solvers.every((solver) => solver.capabilities.sparse)).toBe(true),
  ],
  // What a solver's step did, not advice.
  ['solvers/driver.ts', 'returned factors that give it', () => undefined],
  // An Either given where a matrix belongs: a JavaScript caller's slip; the command builds
  // its matrices from files and passes them unwrapped.
  ['core/input.ts', 'pass its .right', () => undefined],
  // Generated code, not a message.
  ['dsl/fuse.ts', '"use strict";', () => undefined],
  // betaDivergence's overflow: no command calls betaDivergence.
  [
    'core/beta-divergence.ts',
    'or use a betaLoss in [0, 2]',
    () => {
      const commands = readdirSync(join(root, 'cli'), { recursive: true, encoding: 'utf8' })
      const calls = commands
        .filter((name) => name.endsWith('.ts'))
        .filter((name) => readFileSync(join(root, 'cli', name), 'utf8').includes('betaDivergence'))
      expect(calls).toEqual([])
    },
  ],
]

/** Words that advise, inside a string of the library's: a candidate for the table. */
const ADVICE = /\b(use|leave|give|pass|try|instead|such as)\b/

/** The library's source lines that advise (after their first quote, outside comments). */
const adviceInSource = (): (readonly [string, string])[] =>
  ['core', 'dsl', 'solvers'].flatMap((folder) =>
    readdirSync(join(root, folder))
      .filter((name) => name.endsWith('.ts') && name !== 'wasm-binary.ts')
      .flatMap((name) =>
        readFileSync(join(root, folder, name), 'utf8')
          .split('\n')
          .filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line))
          .map((line) => line.slice(line.search(/['"`]/)))
          .filter((text) => /^['"`]/.test(text) && ADVICE.test(text))
          .map((text) => [`${folder}/${name}`, text.trim()] as const),
      ),
  )

/**
 * The library's option names (but as the user wrote one after --set), and the way its API
 * advises init and solver.
 */
const API_WORDING =
  /(?<!--set )\b(betaLoss|alphaW|alphaH|l1Ratio|maxIter)\b|\buse (a )?(init|solver) '/

describe("the library's advice, as the command gives it", () => {
  it.each(CASES.map((c) => [c.command, c] as const))('%s', (_, c) => {
    const error = c.error()
    // The case is the library's advice it claims to be.
    expect(readFileSync(join(root, c.source[0]), 'utf8')).toContain(c.source[1])
    expect(error.message).toMatch(API_WORDING)
    const message = fromLibraryError(error, c.input, c.asWritten, c.typed).message
    expect(message).toBe(c.command)
    expect(message).not.toMatch(API_WORDING)
    // Advice names a flag a user can type, never `--set NAME` without its value; and what a
    // solver accepts, by that flag, never as though the user had typed it (`--set NAME=…`).
    expect(message).not.toMatch(/\b(use|leave)( a)?( smaller)? --set /)
    expect(message).not.toMatch(/\bhandles only --set /)
    // What it found shows no flag the user did not type (alphaH, 'same' by default).
    if (c.typed?.has('alphaH') !== true) {
      for (const [, found = ''] of message.matchAll(/\bfound ([^:;]*)/g)) {
        expect(found).not.toMatch(/--alpha-h (?!at its default)|alpha-h=/)
      }
    }
  })

  it('runs every piece of advice in the library, or says why the command never meets it', () => {
    for (const [, , check] of NOT_FOR_THE_COMMAND) check()
    const known = [...CASES.map((c) => c.source), ...NOT_FOR_THE_COMMAND.map(([f, s]) => [f, s])]
    const unknown = adviceInSource().filter(
      ([file, text]) => !known.some(([at, snippet]) => at === file && text.includes(snippet)),
    )
    // A new phrasing: word it for the command in cli/library-errors.ts, and add it here.
    expect(unknown).toEqual([])
    // Each snippet the table knows is still in the library's source.
    for (const [file, snippet] of known) {
      expect(readFileSync(join(root, file), 'utf8')).toContain(snippet)
    }
  })

  it("leaves a name in quotes as it is: a model's key, or a value the user gave", () => {
    const flag = (option: string) => `--${option}`
    // A value found, which the library shows as JSON, quoted as the command quotes one.
    expect(commandWording(`option 'maxIter': expected an integer ≥ 1, found "abc"`, flag)).toBe(
      `option 'maxIter': expected an integer ≥ 1, found 'abc'`,
    )
    expect(commandWording('expected a number in (0, 1], found "alphaW"', flag)).toBe(
      "expected a number in (0, 1], found 'alphaW'",
    )
    expect(commandWording('expected a number in (0, 1], found "x alphaW"', flag)).toBe(
      "expected a number in (0, 1], found 'x alphaW'",
    )
    // Descriptions of a solver or an init, which are words as well as options, stay.
    expect(commandWording("solver 'cd' overflowed; init 'nndsvd' gave", flag)).toBe(
      "solver 'cd' overflowed; init 'nndsvd' gave",
    )
  })
})
