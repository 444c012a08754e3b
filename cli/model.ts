/**
 * The model file `nmfkit fit` writes and `transform`, `compare` and `show`
 * read: JSON with the format tag `nmfkit-model`, version 1. It holds the fit's
 * summary, the options as used, the history, and W and H in the fixtures'
 * dense format. Top-level keys are one per line, matrices on one line each.
 *
 * `readModel` also accepts a scikit-learn fixture (`expected.W`/`expected.H`)
 * or any JSON object with `W` and `H`, so a fit can be compared with one.
 */
import * as E from 'fp-ts/lib/Either.js'
import { Matrix, type Factorization, type HistoryEntry } from 'nmfkit'
import { inputError, quotedToken, type CliResult } from './errors.ts'
import { isObject, jsonMatrixOf, type JsonMatrix } from './formats/json.ts'
import { parseJsonText } from './formats/json-text.ts'
import { readInputBytes, type LoadedMatrix } from './formats/read.ts'
import { binaryName, decodeUtf8 } from './formats/text.ts'
import { counted } from '../core/show.ts'

export const MODEL_FORMAT = 'nmfkit-model'
export const MODEL_VERSION = 1

/** A model as read back. W is absent only for files that hold H alone. */
export interface Model {
  readonly file: string
  readonly W?: Matrix
  readonly H: Matrix
  readonly solver?: string
  readonly options: Readonly<Record<string, unknown>>
  readonly history: readonly HistoryEntry[]
  readonly featureNames?: readonly string[]
  readonly reconstructionError?: number
  /**
   * Where H's entry (row, col), from 0, is in the file, as the CLI names places: its JSON
   * path and its row and column from 1.
   */
  readonly locateH: (row: number, col: number) => string
  /** Where W's entry (row, col) is in the file, as `locateH` names H's; with W. */
  readonly locateW?: (row: number, col: number) => string
}

/** Options that are not settings of the fit (callbacks, signals) stay out of the file. */
const recordedOptions = (options: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(options).filter(
      ([key, value]) => key !== 'onIteration' && key !== 'signal' && typeof value !== 'function',
    ),
  )

/** JSON with one top-level key per line and each value on one line. */
const formatModelJson = (fields: Readonly<Record<string, unknown>>): string => {
  const lines = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`)
  return `{\n${lines.join(',\n')}\n}\n`
}

/** The model file's text for a fit of `input`. */
export const formatModel = (
  fit: Factorization,
  input: LoadedMatrix,
  seconds: number,
  stoppedBy?: string,
): string =>
  formatModelJson({
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    input: {
      file: input.file,
      description: input.description,
      rows: input.matrix.rows,
      cols: input.matrix.cols,
    },
    solver: fit.solver,
    options: recordedOptions(fit.options),
    seed: fit.seed,
    nIter: fit.nIter,
    converged: fit.converged,
    stoppedBy,
    reconstructionError: fit.reconstructionError,
    seconds: Number(seconds.toFixed(3)),
    featureNames: input.columnNames,
    sampleNames: input.rowNames,
    history: fit.history,
    H: fit.H.toJSON(),
    W: fit.W.toJSON(),
  })

/**
 * The factor at `key` of a model document, read as an input matrix is (nested arrays, or
 * { rows, cols, data } dense or CSR; a bad entry placed alike), dense, with where each of
 * its entries is in the file.
 */
const factorAt = (
  document: unknown,
  file: string,
  key: string,
): CliResult<{ readonly matrix: Matrix; readonly locate: JsonMatrix['locate'] }> => {
  const read = jsonMatrixOf(document, file, key)
  if (E.isLeft(read)) return read
  const { matrix, locate } = read.right
  return E.right({ matrix: matrix.format === 'dense' ? matrix : matrix.toDense(), locate })
}

/**
 * Reads a model file (or a fixture, or any JSON object with W and H).
 *
 * @example
 * readModel('model.json') // Right({ W, H, options, history, ... })
 */
export const readModel = (path: string): CliResult<Model> => {
  const input = readInputBytes(path)
  if (E.isLeft(input)) return input
  // A matrix file given for a model: decodeUtf8's advice (read it as a matrix) would not help.
  const binary = binaryName(input.right.bytes)
  if (binary !== undefined) {
    return E.left(
      inputError(path, `expected a model (the JSON file nmfkit fit -o writes), found ${binary}`),
    )
  }
  const text = decodeUtf8(input.right.bytes, path)
  if (E.isLeft(text)) return text
  const parsed = parseJsonText(text.right, path)
  if (E.isLeft(parsed)) return parsed
  return modelOf(parsed.right, path)
}

/**
 * Whether a JSON value is meant as a model rather than a matrix: it has the
 * model's format tag, or H (at the top, or under `expected` as in a fixture).
 */
export const isModelDocument = (document: unknown): boolean =>
  isObject(document) &&
  (document.format === MODEL_FORMAT ||
    'H' in document ||
    (isObject(document.expected) && 'H' in document.expected))

/** What a value shows as in a message: a string quoted, anything else as JSON. */
const shownValue = (value: unknown): string =>
  typeof value === 'string' ? quotedToken(value) : String(JSON.stringify(value))

/**
 * Why a model's solver is unclear, if it is: `solver.name` (the fit's) and `options.solver`
 * (the option as given), where the model has both, must be one name; a transform would
 * otherwise run the one and ignore the other without a word. A name nmfkit does not have
 * is a plugin's, which has no transform: transform says so and runs cd.
 */
const checkSolverNames = (name: unknown, option: unknown): string | undefined => {
  for (const [key, value] of [
    ['solver.name', name],
    ['options.solver', option],
  ] as const) {
    if (value !== undefined && typeof value !== 'string') {
      return `${key}: expected a solver's name, found ${shownValue(value)}`
    }
  }
  if (name !== undefined && option !== undefined && name !== option) {
    return (
      `options.solver: expected ${shownValue(name)}, the solver.name of the fit, ` +
      `found ${shownValue(option)}`
    )
  }
  return undefined
}

/** Why a model's `featureNames` do not name H's columns, if they do not: one string each. */
const checkFeatureNames = (names: unknown, columns: number): string | undefined => {
  if (names === undefined) return undefined
  const expected = `expected ${counted(columns, 'name', 'names')} (one per column of H)`
  if (!Array.isArray(names)) return `featureNames: ${expected}, found ${shownValue(names)}`
  const notName = names.findIndex((name) => typeof name !== 'string')
  if (notName >= 0) {
    return `featureNames: ${expected}, found ${shownValue(names[notName])} at place ${notName + 1}`
  }
  return names.length === columns ? undefined : `featureNames: ${expected}, found ${names.length}`
}

/** The model in a JSON value already parsed from `path`, as `readModel` reads it. */
export const modelOf = (document: unknown, path: string): CliResult<Model> => {
  if (!isObject(document)) {
    return E.left(
      inputError(
        path,
        'expected an nmfkit model (a JSON object with W and H), found something else',
      ),
    )
  }
  if (document.format === MODEL_FORMAT && document.version !== MODEL_VERSION) {
    return E.left(
      inputError(
        path,
        `version: expected ${MODEL_VERSION}, found ${JSON.stringify(document.version)}`,
      ),
    )
  }
  const holder =
    'H' in document ? document : isObject(document.expected) ? document.expected : undefined
  const prefix = holder === document ? '' : 'expected.'
  if (holder === undefined || !('H' in holder)) {
    return E.left(
      inputError(
        path,
        `expected an nmfkit model (format "${MODEL_FORMAT}") with H, found no key H`,
      ),
    )
  }
  const factorH = factorAt(document, path, `${prefix}H`)
  if (E.isLeft(factorH)) return factorH
  const factorW = 'W' in holder ? factorAt(document, path, `${prefix}W`) : undefined
  if (factorW !== undefined && E.isLeft(factorW)) return factorW
  const H = factorH.right.matrix
  const W = factorW?.right.matrix
  if (W !== undefined && W.cols !== H.rows) {
    return E.left(
      inputError(
        path,
        `expected W to have ${counted(H.rows, 'column', 'columns')} (the rows of H), ` +
          `found ${W.cols}`,
      ),
    )
  }
  const options = isObject(document.options) ? document.options : {}
  const named = isObject(document.solver) ? document.solver.name : undefined
  const solverError = checkSolverNames(named, options.solver)
  if (solverError !== undefined) return E.left(inputError(path, solverError))
  const solver = named ?? options.solver
  const names = document.featureNames
  const namesError = checkFeatureNames(names, H.cols)
  if (namesError !== undefined) return E.left(inputError(path, namesError))
  return E.right({
    file: path,
    H,
    locateH: factorH.right.locate,
    ...(factorW === undefined ? {} : { W: factorW.right.matrix, locateW: factorW.right.locate }),
    ...(typeof solver === 'string' ? { solver } : {}),
    options,
    history: Array.isArray(document.history) ? (document.history as HistoryEntry[]) : [],
    ...(Array.isArray(names) ? { featureNames: names.map(String) } : {}),
    ...(typeof document.reconstructionError === 'number'
      ? { reconstructionError: document.reconstructionError }
      : {}),
  })
}
