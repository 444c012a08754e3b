/**
 * `nmfkit compare A B [--input X]`: the library's comparators on two models
 * (fits of the same data): `aligned` (up to permutation and scale) and `norms`
 * (entry by entry), rendered by `formatReport`, or as JSON.
 */
import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import * as E from 'fp-ts/lib/Either.js'
import {
  aligned,
  compare,
  formatReport,
  norms,
  withOptions,
  type AnyComparator,
  type AnyMatrix,
  type ConfiguredComparator,
} from 'nmfkit'
import {
  fromLibraryError,
  inputFlags,
  inputFlagsHelp,
  numberFlag,
  readOptionsOf,
  stdinOnce,
  startCommand,
} from '../args.ts'
import { fileName, inputError, quotedToken, usageError, type CliResult } from '../errors.ts'
import { checkOutputPath, writeAll } from '../files.ts'
import { readMatrixFile, type LoadedMatrix } from '../formats/read.ts'
import { readModel } from '../model.ts'

export const compareUsage = `usage: nmfkit compare A B [--input X] [options]

Compares two models of the same data (from 'nmfkit fit', or scikit-learn
fixtures with expected W and H): 'aligned' matches the components up to
permutation and scale and gives a verdict; 'norms' compares entry by entry, as
the notebook did. With --input, the reconstruction errors against X too.

Options:
  --input FILE           X, the data both were fitted to (any input format)
  --comparators LIST     aligned, norms or both, comma-separated (default aligned,norms)
  --tolerance X          aligned: the largest relative difference of a matched
                         pair that still counts as the same component, in [0, 1)
                         (default 1e-6)
  --json                 the reports as JSON instead of text tables
  -o, --output FILE      write the report to FILE instead of stdout
  -h, --help             print this help

${inputFlagsHelp.replace('Reading the input ', 'Reading --input ')}
`

const comparatorsByName: Readonly<Record<string, AnyComparator>> = {
  aligned: aligned as unknown as AnyComparator,
  norms: norms as unknown as AnyComparator,
}

const parseCompareArgs = (args: string[]) =>
  parseArgs({
    args,
    allowPositionals: true,
    tokens: true,
    options: {
      ...inputFlags,
      input: { type: 'string' },
      comparators: { type: 'string' },
      tolerance: { type: 'string' },
      json: { type: 'boolean' },
      output: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h' },
    },
  })

/** The comparators named by `--comparators`, with `--tolerance` for `aligned`. */
const chosenComparators = (
  list: string | undefined,
  tolerance: number | undefined,
): CliResult<(AnyComparator | ConfiguredComparator)[]> => {
  const names = (list ?? 'aligned,norms')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '')
  const chosen: (AnyComparator | ConfiguredComparator)[] = []
  for (const [q, name] of names.entries()) {
    const comparator = Object.hasOwn(comparatorsByName, name) ? comparatorsByName[name] : undefined
    if (comparator === undefined) {
      return E.left(
        usageError(`option --comparators: expected aligned or norms, found ${quotedToken(name)}`),
      )
    }
    if (names.indexOf(name) !== q) {
      return E.left(usageError(`option --comparators: ${name} is listed twice`))
    }
    chosen.push(
      name === 'aligned' && tolerance !== undefined
        ? withOptions(aligned, { tolerance })
        : comparator,
    )
  }
  if (chosen.length === 0) {
    return E.left(usageError('option --comparators: expected aligned or norms, found none'))
  }
  if (tolerance !== undefined && !names.includes('aligned')) {
    return E.left(usageError('option --tolerance: it sets aligned, which --comparators leaves out'))
  }
  return E.right(chosen)
}

/** Runs `nmfkit compare`. */
export const runCompare = async (args: string[]): Promise<CliResult<void>> => {
  const start = startCommand('compare', compareUsage, [2, 'two models A and B'], () =>
    parseCompareArgs(args),
  )
  if (E.isLeft(start)) return start
  if (start.right === undefined) return E.right(undefined)
  const { values, positionals } = start.right
  const tolerance = numberFlag('tolerance', values.tolerance)
  if (E.isLeft(tolerance)) return tolerance
  const comparators = chosenComparators(values.comparators, tolerance.right)
  if (E.isLeft(comparators)) return comparators
  const output = values.output ?? '-'
  const checked = checkOutputPath(output, '--output')
  if (E.isLeft(checked)) return checked
  const readOptions = readOptionsOf(values)
  if (E.isLeft(readOptions)) return readOptions
  // The input flags read --input: without it they would be ignored without a word.
  const unread = Object.keys(inputFlags).find(
    (flag) => (values as Record<string, unknown>)[flag] !== undefined,
  )
  if (values.input === undefined && unread !== undefined) {
    return E.left(usageError(`option --${unread}: it reads --input, which is not given`))
  }

  const once = stdinOnce([
    ['the first model', positionals[0]],
    ['the second model', positionals[1]],
    ['--input', values.input],
  ])
  if (E.isLeft(once)) return once

  const models = []
  for (const path of positionals) {
    const model = readModel(path)
    if (E.isLeft(model)) return model
    if (model.right.W === undefined) {
      return E.left(inputError(path, 'expected W beside H to compare, found H alone'))
    }
    models.push({ W: model.right.W, H: model.right.H })
  }
  let input: LoadedMatrix | undefined
  let X: AnyMatrix | undefined
  if (values.input !== undefined) {
    const loaded = readMatrixFile(values.input, readOptions.right)
    if (E.isLeft(loaded)) return loaded
    input = loaded.right
    X = input.matrix
  }

  const report = compare(models[0], models[1], {
    comparators: comparators.right,
    ...(X === undefined ? {} : { X }),
  })
  if (E.isLeft(report)) {
    // A refusal of a model's W or H (input 'a.W', 'b.H'...) is that model's file's, not X's.
    const side = report.left.input?.split('.')[0]
    const model = side === 'a' ? positionals[0] : side === 'b' ? positionals[1] : undefined
    if (model !== undefined) {
      return E.left(inputError(model, report.left.message.replace(/^[\w.]+: /, '')))
    }
    // X's file only for what is X's (input 'X'): a number of the pair that is beyond the
    // largest double (a scale ratio) is neither file's.
    return E.left(fromLibraryError(report.left, report.left.input === 'X' ? input : undefined))
  }
  // The models by their files' names, quoted and escaped as every message shows a file's
  // name (a line break or U+202E would split or reorder the report's header).
  const names = { a: fileName(basename(positionals[0])), b: fileName(basename(positionals[1])) }
  const text =
    values.json === true
      ? `${JSON.stringify(report.right, null, 2)}\n`
      : `${formatReport(report.right, names)}\n`
  return writeAll([{ ...checked.right, content: text }])
}
