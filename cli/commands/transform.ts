/**
 * `nmfkit transform INPUT --model MODEL`: the coefficients W of new samples on
 * a model's fixed components H (the library's `transform`), with the model's
 * solver, loss and penalties unless flags say otherwise. `--inverse` also
 * writes W·H, the samples rebuilt from their coefficients.
 */
import { parseArgs } from 'node:util'
import { counted } from '../../core/show.ts'
import * as E from 'fp-ts/lib/Either.js'
import {
  inverseTransform,
  transform,
  type Factorization,
  type Matrix,
  type NmfError,
  type TransformOptions,
} from 'nmfkit'
import {
  checkFitFlags,
  everyFlag,
  fromLibraryError,
  inputFlags,
  inputFlagsHelp,
  fitRunFlags,
  fitRunFlagsHelp,
  numberFlag,
  placedInputError,
  readOptionsOf,
  stdinOnce,
  startCommand,
} from '../args.ts'
import {
  fileName,
  inputError,
  quoteCell,
  quotedToken,
  usageError,
  type CliError,
  type CliResult,
} from '../errors.ts'
import {
  checkOutputPath,
  distinctOutputs,
  overwritesNoInput,
  writeAll,
  type CheckedOutput,
  type OutputFile,
} from '../files.ts'
import { readMatrixFile } from '../formats/read.ts'
import { encodedOrRefused, encodeMatrix, outputFormatOf } from '../formats/write.ts'
import { flagOf, libraryDetail } from '../library-errors.ts'
import { readModel, type Model } from '../model.ts'
import { lossOption, typedOptions } from './solver-flags.ts'
import { createProgress, formatDuration, formatTol, progressMode } from '../progress.ts'
import { showIterations } from '../../core/errors.ts'
import { showShape } from '../../core/matrix-shared.ts'

export const transformUsage = `usage: nmfkit transform INPUT --model MODEL [--w FILE] [options]

Finds W for the samples in INPUT (samples × the model's features) with the
model's components H fixed, as scikit-learn's NMF.transform does. The solver,
loss, penalties, max-iter and tol default to the model's.

Options:
  --model FILE           a model from 'nmfkit fit' (required)
  --w FILE               W as .csv, .tsv, .npy or .json; default: CSV on stdout
  --inverse FILE         also write W·H, the samples rebuilt (same formats); for W·H
                         alone on stdout, --inverse - with --w FILE or --w /dev/null
  --solver NAME          cd or mu (default: the model's, cd if it has no transform)
  --loss LOSS            frobenius, kullback-leibler, itakura-saito, or a number (mu;
                         a negative one as --loss=-0.5)
  --max-iter N, --tol X, --alpha-w X, --l1-ratio X, --seed N, --shuffle
                         as for 'nmfkit fit' (default: the model's)
${fitRunFlagsHelp}

${inputFlagsHelp}
`

const transformFlags = {
  ...inputFlags,
  ...fitRunFlags,
  model: { type: 'string' },
  w: { type: 'string' },
  inverse: { type: 'string' },
  solver: { type: 'string' },
  loss: { type: 'string' },
  'max-iter': { type: 'string' },
  tol: { type: 'string' },
  'alpha-w': { type: 'string' },
  'l1-ratio': { type: 'string' },
  seed: { type: 'string' },
  shuffle: { type: 'boolean' },
} as const

const parseTransformArgs = (args: string[]) =>
  parseArgs({ args, allowPositionals: true, options: transformFlags, tokens: true })

type TransformValues = ReturnType<typeof parseTransformArgs>['values']

/** The options a transform inherits from the fit that made the model. */
const inherited = ['betaLoss', 'maxIter', 'tol', 'alphaW', 'alphaH', 'l1Ratio', 'shuffle', 'seed']

/** The options the flags give (checked before any file is read). */
const flagOptions = (values: TransformValues): CliResult<Record<string, unknown>> => {
  const options: Record<string, unknown> = {}
  if (values.solver !== undefined) {
    if (values.solver !== 'cd' && values.solver !== 'mu') {
      return E.left(
        usageError(
          `option --solver: expected cd or mu (the solvers with a transform), ` +
            `found ${quotedToken(values.solver)}`,
        ),
      )
    }
    options.solver = values.solver
  }
  for (const [flag, option, integer] of [
    ['max-iter', 'maxIter', true],
    ['tol', 'tol', false],
    ['alpha-w', 'alphaW', false],
    ['l1-ratio', 'l1Ratio', false],
    ['seed', 'seed', true],
  ] as const) {
    const value = numberFlag(flag, values[flag], integer)
    if (E.isLeft(value)) return value
    if (value.right !== undefined) options[option] = value.right
  }
  if (values.shuffle === true) options.shuffle = true
  const loss = lossOption(values.loss)
  if (E.isLeft(loss)) return loss
  return E.right({ ...options, ...loss.right })
}

/** Transform options: the model's, then the flags'. */
const transformOptions = (
  fromFlags: Readonly<Record<string, unknown>>,
  model: Model,
): Record<string, unknown> => {
  const options: Record<string, unknown> = {}
  for (const key of inherited)
    if (model.options[key] !== undefined) options[key] = model.options[key]
  // Only cd and mu have a transform; a moving-average model's H is solved for with cd.
  options.solver = model.solver === 'mu' ? 'mu' : 'cd'
  return { ...options, ...fromFlags }
}

/**
 * A refusal of transform's as the command names it: what comes from the model (its H; its
 * loss, when --loss does not replace it) is not blamed on a flag or on the input's file.
 */
const transformError = (
  error: NmfError,
  values: TransformValues,
  input: { readonly file: string; readonly locate: (row: number, col: number) => string },
  fromFlags: Readonly<Record<string, unknown>>,
  model: {
    readonly file: string
    readonly solver: string | undefined
    readonly options: Readonly<Record<string, unknown>>
    readonly locateH: (row: number, col: number) => string
  },
): CliError => {
  const typed = typedOptions(values)
  const detail = libraryDetail(error, new Map(), typed)
  // An option that no flag gave is the model's: its file is at fault, not a flag.
  if (error._tag === 'InvalidOption' && !(error.option in fromFlags)) {
    return inputError(model.file, detail)
  }
  // H is the model's: a refusal of H names the model's file (and H's row and column).
  if (error.input === 'H') {
    // The library counts from 0; the place is named in the file's own layout of H.
    const { row, col } = error as { row?: number; col?: number }
    if (row === undefined || col === undefined || row < 0 || col < 0) {
      return inputError(model.file, detail)
    }
    return placedInputError(model.file, model.locateH, row, col, detail)
  }
  if (error._tag === 'Unsupported' && error.option === 'betaLoss' && values.loss === undefined) {
    // The loss is the model's. A zero in X that it cannot take is the input's, named by
    // its place (the loss, which no flag gave, as the model's)...
    if (error.row !== undefined && error.col !== undefined) {
      return placedInputError(
        input.file,
        input.locate,
        error.row,
        error.col,
        detail.replace(/^--loss /, 'loss '),
        "the model's ",
      )
    }
    // ...and a solver that cannot take it is --solver's fault. With no --solver, the solver
    // is the model's, or, for a model of another solver (which has no transform), cd.
    if (values.solver === undefined) {
      const own = model.solver === 'cd' || model.solver === 'mu'
      return own
        ? inputError(model.file, `${detail} (the solver and the loss are the model's)`)
        : usageError(
            `option --solver: ${detail} (` +
              (model.solver === undefined
                ? 'the model names no solver'
                : `the model's solver, ${quotedToken(model.solver)}, has no transform`) +
              ", so transform runs cd; give --solver mu for the model's loss)",
          )
    }
    return usageError(`option --solver: ${detail} (the loss is the model's; --loss overrides it)`)
  }
  // Any other refusal of an option (the model's alphaW overflowing the sums, say) that no
  // flag gave is the model's, with the flag that would replace it.
  const option = 'option' in error ? error.option : undefined
  if (option !== undefined && !(option in fromFlags) && model.options[option] !== undefined) {
    return inputError(
      model.file,
      `${detail} (the model's ${option}; ${flagOf(option)} overrides it)`,
    )
  }
  return fromLibraryError(error, input, new Map(), typed)
}

/**
 * The input's columns are the model's features, in its order, where both have names: W
 * from columns in another order, or from other columns, would be wrong without a word.
 */
const sameFeatures = (
  file: string,
  columns: readonly string[] | undefined,
  modelFile: string,
  model: { readonly featureNames?: readonly string[] },
): CliResult<void> => {
  const features = model.featureNames
  if (columns === undefined || features === undefined) return E.right(undefined)
  const at = features.findIndex((name, j) => name !== columns[j])
  if (at < 0) return E.right(undefined)
  const here = columns.indexOf(features[at])
  const moved =
    here >= 0 ? `; the model's ${quoteCell(features[at])} is feature ${here + 1} here` : ''
  return E.left(
    inputError(
      file,
      `expected the features of ${fileName(modelFile)}, in its order, ` +
        `found ${quoteCell(columns[at])} as feature ${at + 1}, ` +
        `where the model has ${quoteCell(features[at])}${moved}`,
    ),
  )
}

/** Runs `nmfkit transform`. */
export const runTransform = async (args: string[]): Promise<CliResult<void>> => {
  const start = startCommand('transform', transformUsage, [1, 'one INPUT file'], () =>
    parseTransformArgs(args),
  )
  if (E.isLeft(start)) return start
  if (start.right === undefined) return E.right(undefined)
  const { values, positionals } = start.right
  if (values.model === undefined) {
    return E.left(
      usageError('option --model: expected a model file, found none (see nmfkit transform --help)'),
    )
  }
  const flags = checkFitFlags(values)
  if (E.isLeft(flags)) return flags
  const every = everyFlag(values.every, values.verbose === true)
  if (E.isLeft(every)) return every
  const fromFlags = flagOptions(values)
  if (E.isLeft(fromFlags)) return fromFlags
  const wPath = values.w ?? '-'
  // Each output asked for, by its flag, with the plan it is written by.
  const checked = new Map<string, CheckedOutput>()
  for (const [flag, path] of [
    ['--w', wPath],
    ['--inverse', values.inverse],
  ] as const) {
    if (path === undefined) continue
    const format = outputFormatOf(path, flag)
    if (E.isLeft(format)) return format
    const output = checkOutputPath(path, flag)
    if (E.isLeft(output)) return output
    checked.set(flag, output.right)
  }
  // W goes to standard output unless --w names a file: --inverse - alone would mix W and
  // W·H there. Say how to have W·H alone on it.
  const inverse = checked.get('--inverse')
  if (values.w === undefined && inverse?.plan.mode === 'stdout') {
    return E.left(
      usageError(
        "options --w (by default) and --inverse both write to standard output ('-'): " +
          'give --w FILE for W (--w /dev/null to drop it), and W·H alone goes to standard output',
      ),
    )
  }
  const distinct = distinctOutputs([
    [values.w === undefined ? '--w (by default)' : '--w', checked.get('--w')],
    ['--inverse', checked.get('--inverse')],
  ])
  if (E.isLeft(distinct)) return distinct
  const readOptions = readOptionsOf(values)
  if (E.isLeft(readOptions)) return readOptions
  const once = stdinOnce([
    ['the input', positionals[0]],
    ['--model', values.model],
  ])
  if (E.isLeft(once)) return once

  const model = readModel(values.model)
  if (E.isLeft(model)) return model
  const loaded = readMatrixFile(positionals[0], readOptions.right)
  if (E.isLeft(loaded)) return loaded
  // Before the transform: an output that is the model or the input just read.
  const overwritten = overwritesNoInput([...checked.values()])
  if (E.isLeft(overwritten)) return overwritten
  const input = loaded.right
  const { H } = model.right
  if (input.matrix.cols !== H.cols) {
    return E.left(
      inputError(
        input.file,
        `expected ${counted(H.cols, 'column', 'columns')} ` +
          `(the features of ${fileName(values.model)}), ` +
          `found ${input.matrix.cols}`,
      ),
    )
  }
  const renamed = sameFeatures(input.file, input.columnNames, values.model, model.right)
  if (E.isLeft(renamed)) return renamed
  const options = transformOptions(fromFlags.right, model.right)

  const mode = progressMode(values.quiet === true, values.verbose === true, process.stderr)
  const progress = createProgress({
    stream: process.stderr,
    mode,
    maxIter: Number(options.maxIter ?? 200),
    ...(every.right === undefined ? {} : { every: every.right }),
  })
  const started = performance.now()
  // A callback only where the progress shows (see fit's).
  const result = transform(input.matrix, H as Matrix<'components'>, {
    ...(options as TransformOptions),
    ...(mode === 'off' ? {} : { onIteration: progress.onIteration }),
  })
  progress.finish()
  if (E.isLeft(result)) {
    const about = {
      file: values.model,
      solver: model.right.solver,
      options: model.right.options,
      locateH: model.right.locateH,
    }
    return E.left(transformError(result.left, values, input, fromFlags.right, about))
  }
  const fit: Factorization = result.right

  const components = Array.from({ length: H.rows }, (_, t) => `component${t + 1}`)
  const files: OutputFile[] = []
  const wFormat = outputFormatOf(wPath, '--w')
  if (E.isRight(wFormat)) {
    const names = input.rowNames === undefined ? {} : { rows: input.rowNames, columns: components }
    const content = encodedOrRefused(
      wPath,
      `W (${showShape(fit.W.rows, fit.W.cols)}) as ${wFormat.right}`,
      'write it as .npy (--w FILE.npy)',
      () => encodeMatrix(fit.W, wFormat.right, names),
    )
    if (E.isLeft(content)) return content
    files.push({ path: wPath, plan: checked.get('--w')?.plan, content: content.right })
  }
  if (values.inverse !== undefined) {
    const rebuilt = inverseTransform(fit.W, fit.H)
    if (E.isLeft(rebuilt)) return E.left(fromLibraryError(rebuilt.left))
    const format = outputFormatOf(values.inverse, '--inverse')
    if (E.isRight(format)) {
      const names = {
        ...(input.rowNames === undefined ? {} : { rows: input.rowNames }),
        ...(input.columnNames === undefined ? {} : { columns: input.columnNames }),
      }
      const content = encodedOrRefused(
        values.inverse,
        `W·H (${showShape(rebuilt.right.rows, rebuilt.right.cols)}) as ${format.right}`,
        'write it as .npy (--inverse FILE.npy)',
        () => encodeMatrix(rebuilt.right, format.right, names),
      )
      if (E.isLeft(content)) return content
      files.push({
        path: values.inverse,
        plan: checked.get('--inverse')?.plan,
        content: content.right,
      })
    }
  }
  const written = await writeAll(files)
  if (E.isLeft(written)) return written
  if (values.quiet !== true) {
    const tol = formatTol(Number(fit.options.tol))
    const status = fit.converged ? 'converged' : `did not converge in ${showIterations(fit.nIter)}`
    process.stderr.write(
      `nmfkit transform: ${fileName(input.file)}: ` +
        `${counted(input.matrix.rows, 'sample', 'samples')} on ` +
        `${counted(H.rows, 'component', 'components')} ` +
        `(${fit.solver.name}): reconstruction error ${fit.reconstructionError.toPrecision(6)} ` +
        `after ${showIterations(fit.nIter)} (${status}, tol ${tol}) ` +
        `in ${formatDuration(performance.now() - started)}\n`,
    )
  }
  return E.right(undefined)
}
