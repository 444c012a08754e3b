/** Flags and library errors as one-line messages, in process. */
import { parseArgs } from 'node:util'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { nmf } from 'nmfkit'
import {
  everyFlag,
  fromLibraryError,
  numberFlag,
  readOptionsOf,
  startCommand,
  tryParse,
} from '../../cli/args.ts'
import {
  commonOptions,
  lossOption,
  setOptionNames,
  solverOptions,
  typedOptions,
} from '../../cli/commands/solver-flags.ts'
// Internal: the library's own list of the options every solver takes.
import { commonProps } from '../../solvers/options.ts'

const message = <A>(result: E.Either<{ message: string }, A>): string =>
  E.isLeft(result) ? result.left.message : 'no error'

describe('flags', () => {
  const parse = (args: string[]) =>
    tryParse('fit', () =>
      parseArgs({
        args,
        options: { components: { type: 'string', short: 'k' }, tol: { type: 'string' } },
      }),
    )

  const firstSentence =
    "keeps the first sentence of parseArgs' errors, and explains values that start with '-'"
  it(firstSentence, () => {
    expect(message(parse(['--nope']))).toBe("unknown option '--nope' (see nmfkit fit --help)")
    expect(message(parse(['-k', '-3']))).toBe(
      "option -k: expected a value, found an option; a value that starts with '-' is written " +
        '--components=-VALUE (see nmfkit fit --help)',
    )
  })

  it('says a flag last on the line lacks its value as the other refusals of a value do', () => {
    expect(message(parse(['-k']))).toBe(
      'option --components (-k): expected a value, found none (see nmfkit fit --help)',
    )
    expect(message(parse(['--tol']))).toBe(
      'option --tol: expected a value, found none (see nmfkit fit --help)',
    )
  })

  it('turns fit flags into nmf options, and refuses what the solver does not take', () => {
    expect(
      solverOptions({ components: '3', 'max-iter': '50', loss: '1.5', 'alpha-h': 'same' }),
    ).toEqual(E.right({ solver: 'cd', components: 3, maxIter: 50, betaLoss: 1.5, alphaH: 'same' }))
    expect(message(solverOptions({ components: '3', 'max-iter': '5.5' }))).toBe(
      "option --max-iter: expected an integer, found '5.5'",
    )
    expect(message(solverOptions({ components: '3', gamma: '0.5' }))).toBe(
      "option --gamma: solver 'cd' has no such option (its own options: none)",
    )
    expect(
      solverOptions({ components: '3', solver: 'moving-average', set: ['nonnegative=false'] }),
    ).toEqual(E.right({ solver: 'moving-average', components: 3, nonnegative: false }))
    expect(message(solverOptions({ components: '3', solver: 'als' }))).toMatch(
      /^option --solver: expected one of cd, moving-average/,
    )
  })

  it('reads numbers written in decimal, and nothing that would become another number', () => {
    for (const [text, value] of [
      ['12', 12],
      ['-0.5', -0.5],
      ['.5', 0.5],
      ['5.', 5],
      ['1E3', 1000],
      ['1e-5', 1e-5],
      ['0.0e-9', 0],
      ['5e-324', 5e-324],
    ] as const) {
      expect(numberFlag('tol', text)).toEqual(E.right(value))
    }
    for (const text of ['0x10', '0b1', '1_000', ' 1', '1 ', '', 'Infinity', 'NaN', '1e', '--1']) {
      expect(message(numberFlag('tol', text))).toBe(
        `option --tol: expected a number, found '${text}'`,
      )
    }
    expect(message(numberFlag('tol', '1e-400'))).toBe(
      "option --tol: expected a number, found '1e-400', too small for a double " +
        '(the smallest is 5e-324; write 0 for 0)',
    )
    expect(message(numberFlag('tol', '2e308'))).toBe(
      "option --tol: expected a number, found '2e308', too large for a double",
    )
    expect(message(numberFlag('max-iter', '0x10', true))).toBe(
      "option --max-iter: expected an integer, found '0x10'",
    )
    expect(numberFlag('max-iter', '1e3', true)).toEqual(E.right(1000))
    expect(message(numberFlag('seed', '9007199254740993', true))).toBe(
      "option --seed: expected an integer, found '9007199254740993', too far from 0 to " +
        'count exactly (at most 9007199254740991 either way)',
    )
    expect(numberFlag('seed', '9007199254740991', true)).toEqual(E.right(2 ** 53 - 1))
    expect(message(everyFlag('0e3', true))).toBe(
      "option --every: expected an integer ≥ 1, found '0e3'",
    )
    expect(everyFlag('3', true)).toEqual(E.right(3))
    // Without -v it would change nothing.
    expect(message(everyFlag('3', false))).toBe(
      'option --every: sets how often -v (--verbose) prints a line; give -v too',
    )
    expect(everyFlag(undefined, false)).toEqual(E.right(undefined))
  })

  it('refuses a --loss or --set number that is no double, in fit and transform alike', () => {
    expect(message(lossOption('1e-400'))).toBe(
      "option --loss: expected a number, found '1e-400', too small for a double " +
        '(the smallest is 5e-324; write 0 for 0)',
    )
    expect(message(lossOption('1e400'))).toBe(
      "option --loss: expected a number, found '1e400', too large for a double",
    )
    expect(lossOption('1.5')).toEqual(E.right({ betaLoss: 1.5 }))
    expect(lossOption('kullback-leibler')).toEqual(E.right({ betaLoss: 'kullback-leibler' }))
    expect(message(solverOptions({ components: '2', set: ['tol=1e-400'] }))).toBe(
      "option --set tol: expected a number, found '1e-400', too small for a double " +
        '(the smallest is 5e-324; write 0 for 0)',
    )
  })

  it('reads an integer flag only where the text writes an integer', () => {
    expect(message(numberFlag('max-iter', '2.0000000000000001', true))).toBe(
      "option --max-iter: expected an integer, found '2.0000000000000001'",
    )
    expect(numberFlag('max-iter', '1.5e1', true)).toEqual(E.right(15))
    expect(numberFlag('max-iter', '20.00', true)).toEqual(E.right(20))
    expect(numberFlag('max-iter', '20e-1', true)).toEqual(E.right(2))
    expect(numberFlag('max-iter', '-0.5e1', true)).toEqual(E.right(-5))
    expect(message(numberFlag('max-iter', '25e-1', true))).toBe(
      "option --max-iter: expected an integer, found '25e-1'",
    )
    expect(message(numberFlag('seed', '-9007199254740993', true))).toBe(
      "option --seed: expected an integer, found '-9007199254740993', too far from 0 to " +
        'count exactly (at most 9007199254740991 either way)',
    )
  })

  it('names the number of components by the flag as written, -k by default', () => {
    expect(message(solverOptions({ components: '1.5' }, '--components'))).toBe(
      "option --components: expected an integer, found '1.5'",
    )
    expect(message(solverOptions({ components: '1.5' }))).toBe(
      "option -k: expected an integer, found '1.5'",
    )
    expect(message(solverOptions({ components: 'two' }))).toBe(
      "option -k: expected an integer, found 'two'",
    )
  })

  it('knows which options --set gave, in either spelling, so that later errors name it', () => {
    expect([...setOptionNames(['tol=0x10', 'max-iter=3', 'nonsense', 'gamma=0.5'])]).toEqual([
      ['tol', 'tol'],
      ['maxIter', 'max-iter'],
      ['gamma', 'gamma'],
    ])
    expect(setOptionNames(undefined).size).toBe(0)
    // Messages name the flag as written.
    expect(message(solverOptions({ components: '2', set: ['max-iter=1.5'] }))).toBe(
      "option --set max-iter: expected an integer, found '1.5'",
    )
    expect(message(solverOptions({ components: '2', 'max-iter': '5', set: ['max-iter=3'] }))).toBe(
      'option --set max-iter: maxIter is already given by --max-iter',
    )
  })

  it('knows the values typed for options, by flag or --set, to show them as typed', () => {
    const typed = typedOptions({ loss: '1e300', 'alpha-h': 'same', set: ['alpha-w=1.50', 'x'] })
    expect([...typed]).toEqual([
      ['betaLoss', '1e300'],
      ['alphaH', 'same'],
      ['alphaW', '1.50'],
    ])
  })

  it("refuses an --alpha-h that is no number, naming 'same', which it takes too", () => {
    expect(message(solverOptions({ components: '2', 'alpha-h': 'foo' }))).toBe(
      "option --alpha-h: expected a number or 'same', found 'foo'",
    )
  })

  it('names the flag for options only a flag sets, and knows no inherited names', () => {
    expect(message(solverOptions({ components: '2', set: ['components=3'] }))).toBe(
      'option --set components: components is set with -k',
    )
    expect(message(solverOptions({ components: '2', set: ['solver=mu'] }))).toBe(
      'option --set solver: solver is set with --solver',
    )
    // Names no option has: unknown, not a malformed NAME=VALUE.
    for (const name of ['constructor', 'toString', 'hasOwnProperty', '__proto__', '_tol']) {
      expect(message(solverOptions({ components: '2', set: [`${name}=1`] }))).toBe(
        `option --set ${name}: solver 'cd' has no such option (its own options: none)`,
      )
    }
    expect(message(solverOptions({ components: '2', set: ['seed=9007199254740993'] }))).toBe(
      "option --set seed: expected an integer, found '9007199254740993', too far from 0 to " +
        'count exactly (at most 9007199254740991 either way)',
    )
    expect(message(solverOptions({ components: '2', set: ['maxIter=2.0000000000000001'] }))).toBe(
      "option --set maxIter: expected an integer, found '2.0000000000000001'",
    )
    // Not an integer option: any double.
    expect(solverOptions({ components: '2', set: ['tol=9007199254740993'] })).toEqual(
      E.right({ solver: 'cd', components: 2, tol: 9007199254740992 }),
    )
  })

  it('refuses a --set of an option that a flag or an earlier --set gives', () => {
    expect(message(solverOptions({ components: '2', 'max-iter': '5', set: ['maxIter=7'] }))).toBe(
      'option --set maxIter: maxIter is already given by --max-iter',
    )
    expect(message(solverOptions({ components: '2', init: 'random', set: ['init=nndsvd'] }))).toBe(
      'option --set init: init is already given by --init',
    )
    expect(
      message(
        solverOptions({
          components: '2',
          solver: 'moving-average',
          set: ['gamma=0.1', 'gamma=0.2'],
        }),
      ),
    ).toBe('option --set gamma: gamma is already given by an earlier --set')
    expect(
      message(solverOptions({ components: '2', loss: 'frobenius', set: ['betaLoss=2'] })),
    ).toBe('option --set betaLoss: betaLoss is already given by --loss')
  })

  it('passes --loss and --set values that are not decimal numbers on as text', () => {
    expect(solverOptions({ components: '2', loss: '0x2' })).toEqual(
      E.right({ solver: 'cd', components: 2, betaLoss: '0x2' }),
    )
    expect(
      solverOptions({ components: '2', solver: 'moving-average', set: ['gamma=0x10'] }),
    ).toEqual(E.right({ solver: 'moving-average', components: 2, gamma: '0x10' }))
  })

  it('refuses a flag given twice, but not one that takes a list', () => {
    const start = (args: string[]) =>
      startCommand('fit', 'usage', [0, 'nothing'], () =>
        parseArgs({
          args,
          allowPositionals: true,
          tokens: true,
          options: {
            components: { type: 'string', short: 'k' },
            quiet: { type: 'boolean' },
            help: { type: 'boolean' },
            'drop-columns': { type: 'string', multiple: true },
          },
        }),
      )
    expect(message(start(['-k', '2', '--components', '3']))).toBe(
      'option --components (as -k and --components) is given more than once ' +
        '(see nmfkit fit --help)',
    )
    expect(message(start(['-k', '2', '-k', '3']))).toBe(
      'option -k is given more than once (see nmfkit fit --help)',
    )
    // A switch says the same thing each time.
    expect(start(['--quiet', '-k', '2', '--quiet'])).toEqual(
      E.right({
        values: { quiet: true, components: '2' },
        positionals: [],
        tokens: expect.any(Array),
      }),
    )
    expect(start(['--drop-columns', '1', '--drop-columns', 'last', '-k', '2'])).toEqual(
      E.right({
        values: { 'drop-columns': ['1', 'last'], components: '2' },
        positionals: [],
        tokens: expect.any(Array),
      }),
    )
  })

  it('reads the input flags', () => {
    expect(
      readOptionsOf({ delimiter: 'tab', 'no-header': true, 'drop-columns': ['1,last', 'id'] }),
    ).toEqual(E.right({ delimiter: '\t', header: false, dropColumns: ['1', 'last', 'id'] }))
    expect(message(readOptionsOf({ format: 'xlsx' }))).toBe(
      "option --format: expected one of csv, tsv, txt, mtx, npy, json, found 'xlsx'",
    )
  })

  it('refuses a --drop-columns list of nothing, as --comparators does', () => {
    for (const list of ['', ',', ' , ']) {
      expect(message(readOptionsOf({ 'drop-columns': [list] }))).toBe(
        "option --drop-columns: expected column numbers from 1, 'last' or header names, " +
          'comma-separated, found none',
      )
    }
  })
})

describe('--set', () => {
  it("takes every common option of nmf's that a command line can give", () => {
    const fromFlagsOnly = ['components', 'solver']
    const libraryOnly = ['onIteration', 'signal']
    const expected = Object.keys(commonProps).filter(
      (name) => !fromFlagsOnly.includes(name) && !libraryOnly.includes(name),
    )
    expect([...commonOptions].sort()).toEqual(expected.sort())
  })
})

describe('library errors', () => {
  it('names an option by its flag', () => {
    const result = nmf([[1]], { components: 1, maxIter: 0 })
    if (E.isRight(result)) throw new Error('expected a Left')
    expect(fromLibraryError(result.left).message).toBe(
      'option --max-iter: expected an integer ≥ 1, found 0',
    )
  })

  it('names a bad entry by its place in the file', () => {
    const result = nmf(
      [
        [1, 2],
        [3, -4],
      ],
      { components: 1 },
    )
    if (E.isRight(result)) throw new Error('expected a Left')
    const input = {
      file: 'x.csv',
      locate: (row: number, col: number) => `line ${row + 2}, column ${col + 1}`,
    }
    expect(fromLibraryError(result.left, input)).toEqual({
      kind: 'input',
      message: 'x.csv: line 3, column 2: expected X to be non-negative, found -4',
    })
  })
})
