/**
 * `nmfkit fit INPUT -k K`: reads X, runs `nmf` with every option given by a
 * flag, and writes the model, W, H and the convergence plot once the fit has
 * succeeded, as `writeAll` orders them. Progress goes to stderr (see `progress.ts`).
 */
import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import * as E from 'fp-ts/lib/Either.js'
import {
  nmf,
  solvers,
  type AnyMatrix,
  type Factorization,
  type HistoryEntry,
  type Matrix,
  type NmfOptions,
} from 'nmfkit'
import {
  checkFitFlags,
  stdinOnce,
  fromLibraryError,
  inputFlags,
  inputFlagsHelp,
  fitRunFlags,
  fitRunFlagsHelp,
  everyFlag,
  numberFlag,
  readOptionsOf,
  startCommand,
  writtenFlag,
} from '../args.ts'
import { fileName, inputError, quotedFileName, usageError, type CliResult } from '../errors.ts'
import {
  checkOutputPath,
  distinctOutputs,
  isNullDevice,
  isStandardStream,
  overwritesNoInput,
  writeAll,
  type CheckedOutput,
  type OutputFile,
} from '../files.ts'
import { formatOfPath, readMatrixFile, type LoadedMatrix } from '../formats/read.ts'
import { encodedOrRefused, encodeMatrix, outputFormatOf } from '../formats/write.ts'
import { formatModel } from '../model.ts'
import { convergenceSvg } from '../plot.ts'
import { createProgress, formatDuration, formatTol, progressMode } from '../progress.ts'
import { showIterations } from '../../core/errors.ts'
import { showShape } from '../../core/matrix-shared.ts'
import { setOptionNames, solverOptions, typedOptions } from './solver-flags.ts'

export const fitUsage = `usage: nmfkit fit INPUT -k K [options]

Factorizes the non-negative matrix X in INPUT (rows are samples, columns
features) as X ≈ W·H, W samples×k and H k×features, both non-negative.

The fit:
  -k, --components K     the number of components (required)
  --solver NAME          ${solvers.map((s) => s.name).join(', ')} (default cd)
  --loss LOSS            the beta-divergence, for solvers that take one: frobenius,
                         kullback-leibler, itakura-saito, or a number (beta; a
                         negative one as --loss=-0.5)
  --init NAME            random, nndsvd, nndsvda or nndsvdar (default: nndsvda
                         when k ≤ min(samples, features), else random)
  --init-w FILE, --init-h FILE
                         a custom start instead: W (samples×k) and H (k×features),
                         read as INPUT is (any input format, detected); both or neither,
                         not with --init (scikit-learn's init='custom')
  --seed N               the seed of random, nndsvdar, the randomized SVD of nndsvd
                         starts on large X, and --shuffle (default 0)
  --max-iter N           at most N iterations (default 200)
  --tol X                the stopping tolerance (default 1e-4)
  --alpha-w X            the penalty on W, scaled by the features (default 0)
  --alpha-h X            the penalty on H, scaled by the samples, or 'same' (default)
  --l1-ratio X           the L1 share of the penalties, in [0, 1] (default 0)
  --shuffle              visit the components in a random order
  --gamma X              moving-average: the step fraction, in (0, 1] (default 0.1)
  --set NAME=VALUE       any other solver option (repeatable), e.g. with --solver
                         moving-average: --set nonnegative=false
  --time-limit SECONDS   stop after the iteration that passes this time, keep the result

Output, written only when the fit succeeds: files to temporary names, devices and pipes
in place, then the files renamed over their targets one by one. A refused write replaces
no file; a rename refused after others succeeded (a sticky folder) leaves those done.
Ctrl-C or SIGTERM while they are written removes the temporary files.
  -o, --output FILE      the model as JSON: W, H, the options, the history, the error.
                         Any name but one of another format (.csv, .npy, .gz, .svg, ...);
                         '-' is stdout, the default when no other output is asked for
  --w FILE               W as .csv, .tsv, .npy or .json, by the extension
  --h FILE               H, the same way
  --plot FILE.svg        the convergence: the solver's measure per iteration, log scale
${fitRunFlagsHelp}

${inputFlagsHelp}
`

const fitFlags = {
  ...inputFlags,
  ...fitRunFlags,
  components: { type: 'string', short: 'k' },
  solver: { type: 'string' },
  loss: { type: 'string' },
  init: { type: 'string' },
  'init-w': { type: 'string' },
  'init-h': { type: 'string' },
  seed: { type: 'string' },
  'max-iter': { type: 'string' },
  tol: { type: 'string' },
  'alpha-w': { type: 'string' },
  'alpha-h': { type: 'string' },
  'l1-ratio': { type: 'string' },
  shuffle: { type: 'boolean' },
  gamma: { type: 'string' },
  set: { type: 'string', multiple: true },
  'time-limit': { type: 'string' },
  output: { type: 'string', short: 'o' },
  w: { type: 'string' },
  h: { type: 'string' },
  plot: { type: 'string' },
} as const

type FitValues = ReturnType<typeof parseFitArgs>['values']

const parseFitArgs = (args: string[]) =>
  parseArgs({ args, allowPositionals: true, options: fitFlags, tokens: true })

/**
 * The output files asked for, checked before the fit so that a bad path fails fast, each
 * with its plan, worked out then and used to write it.
 */
interface Outputs {
  readonly model?: CheckedOutput
  readonly w?: CheckedOutput
  readonly h?: CheckedOutput
  readonly plot?: CheckedOutput
}

/** The pictures the CLI draws: `show -o` writes both, `--plot` SVG. */
const pictureExtensions = ['svg', 'png']

/**
 * The extension of a model's file `path` when it claims a format other than the model's
 * JSON, one the CLI reads or writes (model.csv, model.json.gz, model.svg), else undefined.
 * Any other name is the model's: the format is fixed, so the name need not tell it
 * (`model`, `/dev/null`). A device or a pipe (`/dev/null`, a named pipe, `/dev/stdout`),
 * written in place, leaves no file whose name could mislead, whatever its name.
 */
const otherFormatClaimed = ({ path, plan }: CheckedOutput): string | undefined => {
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1].toLowerCase()
  if (extension === undefined || plan.mode !== 'rename') return undefined
  // formatOfPath sees through a final .gz, which claims gzip all the same.
  const format = extension === 'gz' ? 'gz' : formatOfPath(path)
  if (format !== undefined) return format === 'json' ? undefined : extension
  return pictureExtensions.includes(extension) ? extension : undefined
}

const checkOutputs = (values: FitValues): CliResult<Outputs> => {
  const wanted = values.output ?? ((values.w ?? values.h ?? values.plot) ? undefined : '-')
  const asked = [
    ['--output', 'model', wanted],
    ['--w', 'w', values.w],
    ['--h', 'h', values.h],
    ['--plot', 'plot', values.plot],
  ] as const
  const outputs: Partial<Record<keyof Outputs, CheckedOutput>> = {}
  for (const [flag, key, path] of asked) {
    if (path === undefined) continue
    if (flag === '--w' || flag === '--h') {
      const format = outputFormatOf(path, flag)
      if (E.isLeft(format)) return format
    }
    if (flag === '--plot' && !/\.svg$/i.test(path) && !isNullDevice(path)) {
      return E.left(
        usageError(
          `option --plot: expected a file name ending in .svg, found ${quotedFileName(path)}`,
        ),
      )
    }
    const checked = checkOutputPath(path, flag)
    if (E.isLeft(checked)) return checked
    if (flag === '--output' && path !== '-') {
      const claimed = otherFormatClaimed(checked.right)
      if (claimed !== undefined) {
        return E.left(
          usageError(
            `option --output: expected a name for a JSON file (the model's format), ` +
              `found ${quotedFileName(path)}, whose .${claimed} names another format`,
          ),
        )
      }
    }
    outputs[key] = checked.right
  }
  const distinct = distinctOutputs(asked.map(([flag, key]) => [flag, outputs[key]] as const))
  return E.isLeft(distinct) ? distinct : E.right(outputs)
}

/** How the fit ended, in words: `converged, tol 1e-4` or `did not converge in 200 iterations`. */
const ending = (fit: Factorization, stoppedBy: string | undefined): string => {
  const tol = `tol ${formatTol(Number(fit.options.tol))}`
  if (stoppedBy !== undefined) return `stopped by ${stoppedBy}, ${tol}`
  return fit.converged
    ? `converged, ${tol}`
    : `did not converge in ${showIterations(fit.nIter)}, ${tol}`
}

const outputFiles = (
  fit: Factorization,
  input: LoadedMatrix,
  outputs: Outputs,
  seconds: number,
  stoppedBy: string | undefined,
): CliResult<OutputFile[]> => {
  const files: OutputFile[] = []
  const components = Array.from({ length: fit.W.cols }, (_, t) => `component${t + 1}`)
  if (outputs.model !== undefined) {
    const content = encodedOrRefused(
      outputs.model.path,
      `the model (W ${showShape(fit.W.rows, fit.W.cols)}, H ${showShape(fit.H.rows, fit.H.cols)})`,
      'leave out -o and write W and H as .npy files with --w and --h',
      () => formatModel(fit, input, seconds, stoppedBy),
    )
    if (E.isLeft(content)) return content
    files.push({ ...outputs.model, content: content.right })
  }
  for (const [flag, output, factor, names] of [
    [
      '--w',
      outputs.w,
      fit.W,
      input.rowNames === undefined ? {} : { rows: input.rowNames, columns: components },
    ],
    [
      '--h',
      outputs.h,
      fit.H,
      input.columnNames === undefined ? {} : { columns: input.columnNames },
    ],
  ] as const) {
    if (output === undefined) continue
    const format = outputFormatOf(output.path, flag)
    if (E.isLeft(format)) continue
    const content = encodedOrRefused(
      output.path,
      `${flag.slice(2).toUpperCase()} (${showShape(factor.rows, factor.cols)}) as ${format.right}`,
      `write it as .npy (${flag} FILE.npy)`,
      () => encodeMatrix(factor, format.right, names),
    )
    if (E.isLeft(content)) return content
    files.push({ ...output, content: content.right })
  }
  if (outputs.plot !== undefined) {
    const title =
      `${fit.solver.name} on ${basename(input.file)} ` +
      `(${input.matrix.rows}×${input.matrix.cols}), k = ${fit.W.cols}`
    const subtitle =
      `reconstruction error ${fit.reconstructionError.toPrecision(6)} ` +
      `after ${showIterations(fit.nIter)} ` +
      `(${ending(fit, stoppedBy)})`
    files.push({
      ...outputs.plot,
      content: convergenceSvg(fit.history, { title, subtitle, measure: fit.solver.measure }),
    })
  }
  return E.right(files)
}

/** The files of a custom start, `--init-w` and `--init-h`, when given (both, without --init). */
const customStartFlags = (
  values: FitValues,
): CliResult<{ readonly w: string; readonly h: string } | undefined> => {
  const w = values['init-w']
  const h = values['init-h']
  if (w === undefined && h === undefined) return E.right(undefined)
  if (w === undefined || h === undefined) {
    const [given, missing] = w === undefined ? ['--init-h', '--init-w'] : ['--init-w', '--init-h']
    return E.left(
      usageError(
        `option ${given}: expected ${missing} too (a custom start is W and H), found none`,
      ),
    )
  }
  const named = values.init !== undefined || (values.set ?? []).some((pair) => /^init=/.test(pair))
  if (named) {
    return E.left(
      usageError(
        'options --init and --init-w/--init-h exclude each other (a named start or a custom one)',
      ),
    )
  }
  return E.right({ w, h })
}

/**
 * The custom start's W and H, read as any input is (format by extension, else by content),
 * and their shapes checked against X and k: W samples×k, H k×features, each refusal naming
 * its file. The library checks their entries (each ≥ 0, finite).
 */
const readCustomStart = (
  files: { readonly w: string; readonly h: string },
  input: LoadedMatrix,
  k: number,
): CliResult<{ readonly W: LoadedMatrix; readonly H: LoadedMatrix }> => {
  const { rows, cols } = input.matrix
  const read: LoadedMatrix[] = []
  for (const [file, flag, factor, shape, wanted] of [
    [files.w, '--init-w', 'W', [rows, k], `${rows}×${k}, the samples of X × -k`],
    [files.h, '--init-h', 'H', [k, cols], `${k}×${cols}, -k × the features of X`],
  ] as const) {
    // The shape settles a first line 0, 1, … (a header or data?), which no flag reads here.
    const loaded = readMatrixFile(file, { shape: { rows: shape[0], cols: shape[1] } })
    if (E.isLeft(loaded)) return loaded
    const { matrix } = loaded.right
    if (matrix.rows !== shape[0] || matrix.cols !== shape[1]) {
      return E.left(
        inputError(
          file,
          `expected the start's ${factor} (${flag}) of shape ${wanted} ` +
            `(${fileName(input.file)}: ${rows}×${cols}), found ${matrix.rows}×${matrix.cols}`,
        ),
      )
    }
    read.push(loaded.right)
  }
  return E.right({ W: read[0], H: read[1] })
}

/** A matrix as dense: a custom start's factors are (a coordinate .mtx is read sparse). */
const dense = (matrix: AnyMatrix): Matrix => (matrix.format === 'csr' ? matrix.toDense() : matrix)

/** Runs `nmfkit fit`. */
export const runFit = async (args: string[]): Promise<CliResult<void>> => {
  const start = startCommand('fit', fitUsage, [1, 'one INPUT file'], () => parseFitArgs(args))
  if (E.isLeft(start)) return start
  if (start.right === undefined) return E.right(undefined)
  const { values, positionals, tokens } = start.right
  // Errors name -k or --components, as the user wrote it, and --set NAME for --set's options.
  const componentsFlag = writtenFlag(tokens, 'components') ?? '-k'
  const asWritten = new Map([
    ['components', componentsFlag],
    ...[...setOptionNames(values.set)].map(([option, name]) => [option, `--set ${name}`] as const),
  ])
  if (values.components === undefined) {
    return E.left(
      usageError(
        'option -k: expected the number of components, found none (see nmfkit fit --help)',
      ),
    )
  }
  const flags = checkFitFlags(values)
  if (E.isLeft(flags)) return flags
  const every = everyFlag(values.every, values.verbose === true)
  if (E.isLeft(every)) return every
  const timeLimit = numberFlag('time-limit', values['time-limit'])
  if (E.isLeft(timeLimit)) return timeLimit
  if (timeLimit.right !== undefined && timeLimit.right < 0) {
    const found = timeLimit.right
    return E.left(usageError(`option --time-limit: expected seconds ≥ 0, found ${found}`))
  }
  const outputs = checkOutputs(values)
  if (E.isLeft(outputs)) return outputs
  const options = solverOptions(values, componentsFlag)
  if (E.isLeft(options)) return options
  const readOptions = readOptionsOf(values)
  if (E.isLeft(readOptions)) return readOptions
  const startFiles = customStartFlags(values)
  if (E.isLeft(startFiles)) return startFiles
  const once = stdinOnce([
    ['the input', positionals[0]],
    ['--init-w', values['init-w']],
    ['--init-h', values['init-h']],
  ])
  if (E.isLeft(once)) return once
  const loaded = readMatrixFile(positionals[0], readOptions.right)
  if (E.isLeft(loaded)) return loaded
  const input = loaded.right
  const custom =
    startFiles.right === undefined
      ? undefined
      : readCustomStart(startFiles.right, input, Number(options.right.components))
  if (custom !== undefined && E.isLeft(custom)) return custom
  // Before the fit, which may be long: an output that is one of the files just read.
  const overwritten = overwritesNoInput(Object.values(outputs.right))
  if (E.isLeft(overwritten)) return overwritten

  // The driver checks the signal after each iteration's callback.
  const started = performance.now()
  const mode = progressMode(values.quiet === true, values.verbose === true, process.stderr)
  const progress = createProgress({
    stream: process.stderr,
    mode,
    maxIter: Number(options.right.maxIter ?? 200),
    ...(every.right === undefined ? {} : { every: every.right }),
    // The bar's time left, from a start no earlier than the limit's: at most what remains.
    ...(timeLimit.right === undefined ? {} : { timeLimitMs: timeLimit.right * 1000 }),
  })
  const limit = new AbortController()
  const fitOptions: NmfOptions = {
    components: Number(options.right.components),
    ...options.right,
    ...(custom === undefined
      ? {}
      : { init: { W: dense(custom.right.W.matrix), H: dense(custom.right.H.matrix) } }),
    // Only where something watches the iterations: without a callback or a signal the
    // built-in solvers run their iterations back to back in the module (README, "Kernels:
    // TypeScript and WebAssembly").
    ...(mode === 'off' && timeLimit.right === undefined
      ? {}
      : {
          signal: limit.signal,
          onIteration: (entry: HistoryEntry) => {
            progress.onIteration(entry)
            const elapsed = performance.now() - started
            if (timeLimit.right !== undefined && elapsed > timeLimit.right * 1000) limit.abort()
          },
        }),
  }
  const result = nmf(input.matrix, fitOptions)
  progress.finish()
  const seconds = (performance.now() - started) / 1000

  let fit: Factorization
  let stoppedBy: string | undefined
  if (E.isLeft(result)) {
    const error = result.left
    if (error._tag !== 'Aborted' || error.partial === undefined) {
      // A refusal of the custom start (a negative entry, say) is its file's, at its place.
      const start =
        error.input === 'init.W'
          ? custom?.right.W
          : error.input === 'init.H'
            ? custom?.right.H
            : undefined
      return E.left(fromLibraryError(error, start ?? input, asWritten, typedOptions(values)))
    }
    fit = error.partial as Factorization
    // The parsed number: -0 is shown as 0, 1e1 as 10.
    stoppedBy = `--time-limit ${String(timeLimit.right)} s`
  } else fit = result.right

  const files = outputFiles(fit, input, outputs.right, seconds, stoppedBy)
  if (E.isLeft(files)) return files
  const written = await writeAll(files.right)
  if (E.isLeft(written)) return written
  if (values.quiet !== true) {
    const { model, w, h, plot } = outputs.right
    const wrote = [
      ...new Set(
        [model, w, h, plot].flatMap((output) =>
          output === undefined || isStandardStream(output.plan) ? [] : [fileName(output.path)],
        ),
      ),
    ]
    // The shape as read, and how (a header row, row names, columns left out): a first line
    // taken for a header, say, shows here rather than only in `info`.
    const read = `${input.matrix.rows}×${input.matrix.cols}, ${input.description}`
    process.stderr.write(
      `nmfkit fit: ${fileName(input.file)} (${read}): ` +
        `reconstruction error ${fit.reconstructionError.toPrecision(6)} ` +
        `after ${showIterations(fit.nIter)} (${ending(fit, stoppedBy)}) ` +
        `in ${formatDuration(seconds * 1000)}` +
        `${wrote.length === 0 ? '' : `; wrote ${wrote.join(', ')}`}\n`,
    )
  }
  return E.right(undefined)
}
