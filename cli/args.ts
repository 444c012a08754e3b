/**
 * Helpers around Node's `util.parseArgs`: its errors as usage errors, numbers
 * from flags, the flags every command that reads a matrix shares, and the
 * names of library options as flags in messages.
 */
import * as E from 'fp-ts/lib/Either.js'
import { setKernelPath, type KernelPath, type NmfError } from 'nmfkit'
import { KERNEL_PATHS, kernelsRefusal } from './environment.ts'
import { inputError, quotedToken, usageError, type CliError, type CliResult } from './errors.ts'
import { escapeControls } from '../core/display.ts'
import { isStandardInput } from './files.ts'
import { flagOf, libraryDetail } from './library-errors.ts'
import { inputFormats, type InputFormat, type ReadOptions } from './formats/read.ts'
import { TOO_SMALL, underflows } from './formats/text.ts'

/** Runs a `parseArgs` call; its error becomes one usage line for `command`. */
export const tryParse = <A>(command: string, parse: () => A): CliResult<A> => {
  try {
    return E.right(parse())
  } catch (error) {
    // parseArgs explains over several lines; the first says what is wrong.
    const message = (error as Error).message
    const first = message.split('\n')[0].split(/\.\s/)[0].replace(/\.$/, '')
    const ambiguous = /^Option '([^']*)' argument is ambiguous/.exec(first)
    const long = /use '(--[\w-]+)=-XYZ'/.exec(message)?.[1]
    // An unknown option is shown as the user typed it, which may hold a line break: its
    // name is read whole from the JSON that ends the message (`as in '-- "--a\nb"`).
    const unknown = /^Unknown option '[\s\S]*as in '-- ("(?:[^"\\]|\\.)*")$/.exec(message)
    // A flag last on the line, without its value: `Option '-k, --components <value>'
    // argument missing`, said as the other refusals of a flag's value are.
    const missing = /^Option '(?:(-\w), )?(--[\w-]+) <value>' argument missing/.exec(first)
    const reason =
      unknown !== null
        ? `unknown option ${quotedToken(JSON.parse(unknown[1]) as string)}`
        : missing !== null
          ? `option ${missing[2]}${missing[1] === undefined ? '' : ` (${missing[1]})`}: ` +
            'expected a value, found none'
          : ambiguous === null
            ? escapeControls(`${first[0].toLowerCase()}${first.slice(1)}`)
            : `option ${ambiguous[1]}: expected a value, found an option; ` +
              `a value that starts with '-' is written ${long ?? ambiguous[1]}=-VALUE`
    return E.left(usageError(`${reason} (see nmfkit ${command} --help)`))
  }
}

/** A decimal number as people write one: 12, -0.5, .5, 1e-6 (no hex, no Infinity, no spaces). */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

/** Why decimal `text` is no double: too large, or too small (it would become 0), if either. */
const outOfRange = (text: string): string | undefined => {
  const value = Number(text)
  if (!Number.isFinite(value)) return 'too large for a double'
  if (underflows(text, value)) return TOO_SMALL
  return undefined
}

/**
 * Whether decimal `text` writes an integer exactly: 2.0000000000000001 is a double equal to
 * 2, but not an integer as written.
 */
const writesInteger = (text: string): boolean => {
  const [mantissa, exponent = '0'] = text.replace(/^[+-]/, '').split(/[eE]/)
  const [whole, fraction = ''] = mantissa.split('.')
  // The digits that land after the point once the exponent moves it must all be 0.
  const point = whole.length + Number(exponent)
  return /^0*$/.test(`${whole}${fraction}`.slice(Math.max(0, point)))
}

/** The number `text` writes in decimal, or undefined (not decimal, or not a double). */
export const decimalNumber = (text: string): number | undefined =>
  DECIMAL.test(text) && outOfRange(text) === undefined ? Number(text) : undefined

/**
 * A flag's value that may be a number or a name (`--loss`, `--set`): the number when
 * `text` is one in decimal, else the text itself; an error when `text` is decimal but no
 * double, which would otherwise become 0 or Infinity, or reach the library as text.
 */
export const numberOrText = (flag: string, text: string): CliResult<number | string> => {
  const range = DECIMAL.test(text) ? outOfRange(text) : undefined
  if (range !== undefined) {
    return E.left(
      usageError(`option ${flag}: expected a number, found ${quotedToken(text)}, ${range}`),
    )
  }
  return E.right(decimalNumber(text) ?? text)
}

/**
 * A number from a flag, or undefined when the flag is absent. `flag` names it in errors:
 * a long name without its dashes (`max-iter`), or a flag as written (`-k`).
 */
export const numberFlag = (
  flag: string,
  text: string | undefined,
  integer = false,
): CliResult<number | undefined> => {
  if (text === undefined) return E.right(undefined)
  const value = decimalNumber(text)
  if (value === undefined || (integer && !(Number.isSafeInteger(value) && writesInteger(text)))) {
    const range = !DECIMAL.test(text)
      ? undefined
      : (outOfRange(text) ??
        (integer && Number.isInteger(value) && !Number.isSafeInteger(value)
          ? `too far from 0 to count exactly (at most ${Number.MAX_SAFE_INTEGER} either way)`
          : undefined))
    return E.left(
      usageError(
        `option ${flag.startsWith('-') ? flag : `--${flag}`}: ` +
          `expected ${integer ? 'an integer' : 'a number'}, found ${quotedToken(text)}` +
          (range === undefined ? '' : `, ${range}`),
      ),
    )
  }
  return E.right(value)
}

/** `--every N` of fit and transform: with -v, a line every N iterations, N ≥ 1. */
export const everyFlag = (
  text: string | undefined,
  verbose: boolean,
): CliResult<number | undefined> => {
  const every = numberFlag('every', text, true)
  if (E.isRight(every) && every.right !== undefined && every.right < 1) {
    return E.left(
      usageError(`option --every: expected an integer ≥ 1, found ${quotedToken(text ?? '')}`),
    )
  }
  // Without -v nothing prints by iterations: a --every that would be ignored is refused.
  if (E.isRight(every) && every.right !== undefined && !verbose) {
    return E.left(
      usageError('option --every: sets how often -v (--verbose) prints a line; give -v too'),
    )
  }
  return every
}

/** The flags of every command that reads a matrix. */
export const inputFlags = {
  format: { type: 'string' },
  delimiter: { type: 'string' },
  header: { type: 'boolean' },
  'no-header': { type: 'boolean' },
  'row-names': { type: 'boolean' },
  'no-row-names': { type: 'boolean' },
  'drop-columns': { type: 'string', multiple: true },
  key: { type: 'string' },
} as const

/** The help lines of `inputFlags`. */
export const inputFlagsHelp = `Reading the input (--delimiter to --drop-columns: text files only):
  --format NAME          csv, tsv, txt, mtx, npy or json (default: by extension, else by content)
  --delimiter CHAR       ',' 'tab' ';' or 'space' (default: by extension, else detected)
  --header, --no-header  the first line names the columns (default: detected; needed when
                         it reads either way: a name then numbers above named lines,
                         or 0,1,2,... as pandas numbers columns)
  --row-names, --no-row-names
                         the first column names the rows (default: detected; needed for
                         a first column 0,1,2,... under a named corner or no header)
  --drop-columns LIST    leave out columns: numbers from 1, 'last', or header names,
                         comma-separated (e.g. --drop-columns last for a label column);
                         a name leaves out every column of that name, a number one
  --key PATH             JSON: the dotted key of the matrix (default: X in a fixture);
                         a key with dots in its name is found too where the path is
                         not (a.b takes {"a.b": ...} when there is no "a"), or
                         always with the dots escaped: --key 'a\\.b'`

/** The values of `inputFlags`, as parseArgs returns them. */
export interface InputFlagValues {
  readonly format?: string
  readonly delimiter?: string
  readonly header?: boolean
  readonly 'no-header'?: boolean
  readonly 'row-names'?: boolean
  readonly 'no-row-names'?: boolean
  readonly 'drop-columns'?: string[]
  readonly key?: string
}

const delimiters: Readonly<Record<string, string>> = {
  ',': ',',
  comma: ',',
  tab: '\t',
  '\t': '\t',
  '\\t': '\t',
  ';': ';',
  semicolon: ';',
  space: ' ',
  ' ': ' ',
}

const yesNo = (
  flag: string,
  yes: boolean | undefined,
  no: boolean | undefined,
): CliResult<boolean | undefined> =>
  yes === true && no === true
    ? E.left(usageError(`options --${flag} and --no-${flag} exclude each other`))
    : E.right(yes === true ? true : no === true ? false : undefined)

/**
 * An error when two of the inputs read standard input (`-`, /dev/stdin and its other
 * names): it can be read once, and the second would find it empty. `inputs` are
 * [what, path] pairs, as the messages name them.
 */
export const stdinOnce = (
  inputs: readonly (readonly [string, string | undefined])[],
): CliResult<void> => {
  const fromStdin = inputs
    .filter(([, path]) => path !== undefined && isStandardInput(path))
    .map(([what]) => what)
  return fromStdin.length < 2
    ? E.right(undefined)
    : E.left(
        usageError(
          `${fromStdin.join(' and ')} both read standard input ('-'), which can be read once`,
        ),
      )
}

/** `ReadOptions` from the input flags. */
export const readOptionsOf = (values: InputFlagValues): CliResult<ReadOptions> => {
  const format = values.format
  if (format !== undefined && !inputFormats.includes(format as InputFormat)) {
    return E.left(
      usageError(
        `option --format: expected one of ${inputFormats.join(', ')}, found ${quotedToken(format)}`,
      ),
    )
  }
  const delimiter = values.delimiter === undefined ? undefined : delimiters[values.delimiter]
  if (values.delimiter !== undefined && delimiter === undefined) {
    return E.left(
      usageError(
        `option --delimiter: expected ',', 'tab', ';' or 'space', ` +
          `found ${quotedToken(values.delimiter)}`,
      ),
    )
  }
  const header = yesNo('header', values.header, values['no-header'])
  if (E.isLeft(header)) return header
  const rowNames = yesNo('row-names', values['row-names'], values['no-row-names'])
  if (E.isLeft(rowNames)) return rowNames
  const dropColumns = (values['drop-columns'] ?? [])
    .flatMap((list) => list.split(','))
    .map((spec) => spec.trim())
    .filter((spec) => spec !== '')
  // A list of nothing ('' or ',') leaves out nothing: a slip, refused as --comparators is.
  if (values['drop-columns'] !== undefined && dropColumns.length === 0) {
    return E.left(
      usageError(
        "option --drop-columns: expected column numbers from 1, 'last' or header names, " +
          'comma-separated, found none',
      ),
    )
  }
  return E.right({
    ...(format === undefined ? {} : { format: format as InputFormat }),
    ...(delimiter === undefined ? {} : { delimiter }),
    ...(header.right === undefined ? {} : { header: header.right }),
    ...(rowNames.right === undefined ? {} : { rowNames: rowNames.right }),
    ...(dropColumns.length === 0 ? {} : { dropColumns }),
    ...(values.key === undefined ? {} : { key: values.key }),
  })
}

/** The flag as the user wrote it for `option` (e.g. `-k` or `--components`), if given. */
export const writtenFlag = (tokens: readonly Token[] | undefined, option: string) =>
  tokens?.find((token) => token.kind === 'option' && token.name === option)?.rawName

/**
 * `detail`, a library message about the entry (row, col) counted from 0, as an error of
 * `file` that places the entry in the file's own layout (`locate`), `lead` before the rest
 * of the message; the library's own " at row …, column …" is dropped, counted from 1 as
 * `libraryDetail` rewrites it, or from 0 as the library wrote it.
 */
export const placedInputError = (
  file: string,
  locate: (row: number, col: number) => string,
  row: number,
  col: number,
  detail: string,
  lead = '',
): CliError =>
  inputError(
    file,
    `${locate(row, col)}: ${lead}${detail
      .replace(` at row ${row + 1}, column ${col + 1}`, '')
      .replace(` at row ${row}, column ${col}`, '')}`,
  )

/**
 * A library error as a one-line CLI error: an option is named by its flag (as the user
 * wrote it, where `asWritten` has it: `--components`, `--set max-iter`), in the error's
 * prefix and in what it found, and by the flag a user types for it in its advice
 * (`libraryDetail`), a number as `typed` has it (option → the text typed), and a bad entry
 * of the input by its place in the file.
 */
export const fromLibraryError = (
  error: NmfError,
  input?: { readonly file: string; readonly locate: (row: number, col: number) => string },
  asWritten: ReadonlyMap<string, string> = new Map(),
  typed: ReadonlyMap<string, string> = new Map(),
): CliError => {
  const detail = libraryDetail(error, asWritten, typed)
  // An entry of X, where the error names one, has its place in the file (a number the fit
  // computed has row and col -1).
  const row = 'row' in error ? (error.row ?? -1) : -1
  const col = 'col' in error ? (error.col ?? -1) : -1
  if (row >= 0 && col >= 0 && input !== undefined) {
    return placedInputError(input.file, input.locate, row, col, detail)
  }
  // An option the error is about (a bad value; one that rules the fit out or made it
  // overflow) is named by its flag.
  const option = 'option' in error ? error.option : undefined
  if (option !== undefined) {
    const flag = asWritten.get(option) ?? flagOf(option)
    return usageError(`option ${flag}: ${detail.replace(/^option '[^']*': /, '')}`)
  }
  if (error._tag === 'Aborted' || input === undefined) return usageError(detail)
  // What the library does not support, for no option, is about X where the error says so
  // (`input`: a fit that underflowed at X's scale, every entry at or below EPSILON): the
  // input's fault, named by its file as its other refusals are.
  if (error._tag === 'Unsupported' && error.input !== 'X') return usageError(detail)
  return inputError(input.file, detail)
}

/** The flags of the commands that fit (fit, transform): progress, kernels, help. */
export const fitRunFlags = {
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean', short: 'v' },
  every: { type: 'string' },
  kernels: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

/** The help lines of `fitRunFlags`. */
export const fitRunFlagsHelp = `  -q, --quiet            no progress bar and no summary on stderr
  -v, --verbose          a line on stderr every --every iterations
  --every N              with --verbose: a line every N iterations (default 10)
  --kernels PATH         auto (the default: WebAssembly for all but the
                         smallest products), reference (the TypeScript loops)
                         or wasm (WebAssembly for every product); the
                         environment variable NMFKIT_KERNELS sets the default
  -h, --help             print this help`

/** Applies `--kernels`, when given, for the rest of the command. */
const applyKernelsFlag = (value: string | undefined): CliResult<void> => {
  if (value === undefined) return E.right(undefined)
  if (!(KERNEL_PATHS as readonly string[]).includes(value)) {
    return E.left(
      usageError(
        `option --kernels: expected ${KERNEL_PATHS.join(', ')}, found ${quotedToken(value)}`,
      ),
    )
  }
  setKernelPath(value as KernelPath)
  return E.right(undefined)
}

/** What parseArgs reports of one argument with `tokens: true`. */
export interface Token {
  readonly kind: string
  readonly name?: string
  readonly rawName?: string
  readonly value?: string
}

/**
 * The first flag that takes one value and was given twice (parseArgs would keep the last
 * one silently), with the spellings used when they differ: `--components (as
 * --components and -k)`. Switches, which take no value, and flags that take a list
 * (their values are arrays) may repeat.
 */
const repeatedFlag = (values: object, tokens: readonly Token[]): string | undefined => {
  const spellings = new Map<string, string[]>()
  for (const { kind, name, rawName, value } of tokens) {
    if (kind !== 'option' || name === undefined || value === undefined) continue
    if (Array.isArray((values as Record<string, unknown>)[name])) continue
    const seen = spellings.get(name) ?? []
    seen.push(rawName ?? `--${name}`)
    spellings.set(name, seen)
    if (seen.length === 2) {
      const distinct = [...new Set(seen)]
      return distinct.length === 1 ? distinct[0] : `--${name} (as ${distinct.join(' and ')})`
    }
  }
  return undefined
}

/**
 * The start every command shares: its flags parsed, its usage printed for --help (then
 * there is nothing left to do: `undefined`), an NMFKIT_KERNELS that nmfkit does not know
 * refused unless `--kernels` replaces it (environment.ts), and the number of positional
 * arguments checked against `expected`, e.g. `[1, 'one INPUT file']`.
 */
export const startCommand = <V extends { readonly help?: boolean; readonly kernels?: string }>(
  command: string,
  usage: string,
  expected: readonly [number, string],
  parse: () => { values: V; positionals: string[]; tokens?: readonly Token[] },
): CliResult<{ values: V; positionals: string[]; tokens?: readonly Token[] } | undefined> => {
  const parsed = tryParse(command, parse)
  if (E.isLeft(parsed)) return parsed
  const repeated = repeatedFlag(parsed.right.values, parsed.right.tokens ?? [])
  if (repeated !== undefined) {
    return E.left(
      usageError(`option ${repeated} is given more than once (see nmfkit ${command} --help)`),
    )
  }
  if (parsed.right.values.help === true) {
    process.stdout.write(usage)
    return E.right(undefined)
  }
  const refusal = kernelsRefusal(parsed.right.values.kernels)
  if (refusal !== undefined) return E.left(usageError(refusal))
  const found = parsed.right.positionals.length
  if (found !== expected[0]) {
    return E.left(
      usageError(`expected ${expected[1]}, found ${found} (see nmfkit ${command} --help)`),
    )
  }
  return parsed
}

/** The checks of the flags that fit and transform share: progress, then kernels. */
export const checkFitFlags = (values: {
  readonly quiet?: boolean
  readonly verbose?: boolean
  readonly kernels?: string
}): CliResult<void> => {
  if (values.quiet === true && values.verbose === true) {
    return E.left(usageError('options --quiet and --verbose exclude each other'))
  }
  return applyKernelsFlag(values.kernels)
}
