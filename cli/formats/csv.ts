/**
 * Delimited text: CSV, TSV, or numbers separated by spaces, one row of the
 * matrix per line. A header row and a column of row names are detected (or set
 * by flags), columns can be left out (a label, an id), and every other cell
 * must be a finite number (a nonzero one too small for a double, which would
 * be read as 0, is refused). A byte-order mark is stripped; blank lines are
 * skipped; `"quoted, fields"` are read as names. UTF-16 text is refused with a
 * message that says so.
 *
 * Detection of the header, from the first line: a name above numbers in a column that
 * `--drop-columns` leaves out makes it a header; otherwise, from its kept cells:
 * - its first cell is empty and the others are names or numbers: a header, as
 *   pandas writes one above its index (`,a,b` or `,0,1`);
 * - its first cell is a name and another cell is not a number: a header
 *   (`name,a,b`);
 * - its first cell is a name and the others are numbers (`sample,400,500`): a
 *   header when a later line has no name in its first cell; a named row when
 *   it is the only line, or when NaN or inf is among its numbers; else it is
 *   either a header or a named row, and reading it needs `--header` or
 *   `--no-header`;
 * - otherwise (its first cell is a number, NaN or inf): data, unless it reads 0, 1, 2,
 *   … (the column numbers pandas writes): then reading it needs `--header` or
 *   `--no-header`.
 * A name is a cell that is neither empty nor a number nor a spelling of NaN or
 * inf. The first column holds row names when every data line has a name there,
 * or when the header's first cell is empty (pandas' index, which may be
 * numbers) and no data line has an empty, NaN or inf cell there. A first column
 * 0, 1, 2, … elsewhere (an index, or data) needs `--row-names` or `--no-row-names`.
 */
import * as E from 'fp-ts/lib/Either.js'
import { Matrix } from 'nmfkit'
import {
  fileName,
  inputError,
  quoteCell,
  quotedToken,
  usageError,
  type CliResult,
} from '../errors.ts'
import { notUtf8Text, TOO_SMALL, underflows } from './text.ts'

/** How to read delimited text; every field is detected when left out. */
export interface DelimitedOptions {
  /** The separator; `' '` means runs of spaces and tabs. */
  readonly delimiter?: string
  /** Whether the first line names the columns. */
  readonly header?: boolean
  /** Whether the first column names the rows. */
  readonly rowNames?: boolean
  /**
   * Columns to leave out: numbers counted from 1 in the file, `last`, or header names (a
   * name leaves out every column that has it).
   */
  readonly dropColumns?: readonly string[]
  /**
   * The shape the matrix must have, where the caller knows it (a custom start's W or H,
   * which no flag of the input's reads): a first line or first column that reads either way
   * is read the way that gives this shape, or as data where neither does (the caller then
   * names the shape it expected), rather than asking for a flag.
   */
  readonly shape?: { readonly rows: number; readonly cols: number }
}

/** A name of `--drop-columns` that several columns of the header have, and their numbers from 1. */
export interface RepeatedName {
  readonly name: string
  readonly columns: readonly number[]
}

/** A matrix read from delimited text, with the names and positions it came with. */
export interface DelimitedTable {
  readonly matrix: Matrix
  readonly delimiter: string
  readonly header: boolean
  readonly columnNames?: readonly string[]
  readonly rowNames?: readonly string[]
  /** The columns left out, counted from 1 in the file. */
  readonly dropped: readonly number[]
  /** The names given to `--drop-columns` that more than one column has (all are left out). */
  readonly repeatedNames: readonly RepeatedName[]
  /** The line (from 1) of the matrix's row `row` (from 0). */
  readonly lineOf: (row: number) => number
  /** The column (from 1) in the file of the matrix's column `col` (from 0). */
  readonly columnOf: (col: number) => number
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

const isNumeric = (cell: string): boolean => NUMBER.test(cell.trim())

/** A spelling of a non-finite number: never a name, in a header or a first column. */
const isNonFinite = (cell: string): boolean => /^[+-]?(nan|inf|infinity)$/i.test(cell.trim())

/** A cell that names a row or a column: not empty, not a number, not NaN or inf. */
const isName = (cell: string): boolean =>
  cell.trim() !== '' && !isNumeric(cell) && !isNonFinite(cell)

/**
 * What the first line is, from its cells (see the rules at the top of this file); `named`
 * and `numbered` read either way: a header or a named row, pandas' column numbers or data.
 */
type FirstLine = 'header' | 'data' | 'named' | 'numbered'

const classifyFirst = (cells: readonly string[], laterFirstCells: readonly string[]): FirstLine => {
  const [corner, ...rest] = cells
  if (rest.length === 0) return isName(corner) ? 'header' : 'data'
  if (corner.trim() === '') {
    return rest.every((cell) => cell.trim() !== '' && !isNonFinite(cell)) ? 'header' : 'data'
  }
  if (!isName(corner)) {
    return countsFromZero(cells) && laterFirstCells.length > 0 ? 'numbered' : 'data'
  }
  if (rest.some((cell) => !isNumeric(cell) && !isNonFinite(cell))) return 'header'
  // A name, then numbers: a header with numbers for names, or a named row.
  if (rest.some(isNonFinite)) return 'data'
  if (laterFirstCells.length === 0) return 'data'
  return laterFirstCells.every(isName) ? 'named' : 'header'
}

/** Whether the cells read 0, 1, 2, … in order (at least two of them). */
const countsFromZero = (cells: readonly string[]): boolean =>
  cells.length > 1 && cells.every((cell, q) => cell.trim() === String(q))

/** The first three cells, then an ellipsis: `0, 1, 2, …`. */
const showFew = (cells: readonly string[]): string => {
  const few = cells
    .slice(0, 3)
    .map((cell) => cell.trim())
    .join(', ')
  return cells.length > 3 ? `${few}, …` : few
}

/** The delimiter's name in messages. */
export const delimiterName = (delimiter: string): string =>
  delimiter === ','
    ? 'comma'
    : delimiter === '\t'
      ? 'tab'
      : delimiter === ';'
        ? 'semicolon'
        : delimiter === ' '
          ? 'space'
          : JSON.stringify(delimiter)

/** The delimiter a first line suggests: tab, then semicolon, then comma, then spaces. */
export const sniffDelimiter = (line: string): string =>
  line.includes('\t')
    ? '\t'
    : line.includes(';') && !line.includes(',')
      ? ';'
      : line.includes(',')
        ? ','
        : ' '

/** The fields of one line; `undefined` when a quote is left open. */
const splitFields = (line: string, delimiter: string): string[] | undefined => {
  if (delimiter === ' ') return line.trim().split(/\s+/)
  if (!line.includes('"')) return line.split(delimiter)
  const fields: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const char = line[i]
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"'
        i++
      } else if (char === '"') quoted = false
      else field += char
    } else if (char === '"' && field.trim() === '') {
      quoted = true
      field = ''
    } else if (line.startsWith(delimiter, i)) {
      fields.push(field)
      field = ''
      i += delimiter.length - 1
    } else field += char
  }
  if (quoted) return undefined
  fields.push(field)
  return fields
}

interface Line {
  readonly number: number
  readonly fields: readonly string[]
}

/** The 0-based file columns named by `--drop-columns` that need no header. */
const dropByPosition = (
  file: string,
  specs: readonly string[],
  width: number,
): CliResult<Set<number>> => {
  const dropped = new Set<number>()
  for (const spec of specs) {
    if (spec === 'last') dropped.add(width - 1)
    else if (/^\d+$/.test(spec)) {
      const column = Number(spec)
      if (column < 1 || column > width) {
        return E.left(
          usageError(
            `option --drop-columns: column ${column} is not in 1..${width}, ` +
              `the columns of ${fileName(file)}`,
          ),
        )
      }
      dropped.add(column - 1)
    }
  }
  return E.right(dropped)
}

/** The refusal of a `--drop-columns` that leaves out every column of `file`. */
const noColumnLeft = (file: string): CliResult<never> =>
  E.left(usageError(`option --drop-columns: leaves no column of ${fileName(file)} to read`))

/**
 * Adds the columns that `--drop-columns` names by their header: every column of that name,
 * as pandas' `drop(columns=...)` does, since a name does not tell one of them from another;
 * the names that matched more than one column come back, to be said (a number drops one).
 */
const dropByName = (
  file: string,
  specs: readonly string[],
  header: readonly string[] | undefined,
  dropped: Set<number>,
): CliResult<readonly RepeatedName[]> => {
  const repeated: RepeatedName[] = []
  for (const spec of new Set(specs)) {
    if (spec === 'last' || /^\d+$/.test(spec)) continue
    const matches = (header ?? []).flatMap((name, j) => (name.trim() === spec ? [j] : []))
    if (matches.length === 0) {
      const where = header === undefined ? 'has no header row' : 'has no column of that name'
      return E.left(
        usageError(`option --drop-columns: ${quotedToken(spec)}: ${fileName(file)} ${where}`),
      )
    }
    for (const j of matches) dropped.add(j)
    if (matches.length > 1) repeated.push({ name: spec, columns: matches.map((j) => j + 1) })
  }
  return E.right(repeated)
}

/**
 * A hint for a line that failed to read as comma-separated but holds tabs or semicolons:
 * the file is likely separated by those, and `--delimiter` says so. Empty otherwise.
 */
const delimiterHint = (line: string, delimiter: string): string => {
  if (delimiter !== ',') return ''
  if (line.includes('\t')) {
    return ' (the line holds tabs: for a tab-separated file, give --delimiter tab)'
  }
  if (line.includes(';')) {
    return " (the line holds semicolons: for a semicolon-separated file, give --delimiter ';')"
  }
  return ''
}

/**
 * Whether `body` ends lines by CR alone: a CR outside double quotes within a line (split at
 * LF) and not at its end. One line ended by a CR, a CR LF, and a CR inside a quoted field
 * are not such line ends.
 */
const endsLinesByCr = (body: string): boolean =>
  body.includes('\r') &&
  body.split('\n').some((line) => {
    const last = line.endsWith('\r') ? line.length - 1 : line.length
    let quoted = false
    for (let q = 0; q < last; q++) {
      const c = line[q]
      if (c === '"') quoted = !quoted
      else if (c === '\r' && !quoted) return true
    }
    return false
  })

/**
 * Reads delimited text into a dense matrix.
 *
 * @example
 * parseDelimited('a,b\n1,2\n3,4\n', 'x.csv') // Right({ matrix: 2×2, columnNames: ['a', 'b'] })
 */
export const parseDelimited = (
  text: string,
  file: string,
  options: DelimitedOptions = {},
): CliResult<DelimitedTable> => {
  const encoding = notUtf8Text(text, file)
  if (encoding !== undefined) return E.left(encoding)
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  // Lines ended by CR alone (classic Mac OS) would read as one line holding them all.
  if (endsLinesByCr(body)) {
    return E.left(
      inputError(
        file,
        'expected lines ended by LF or CR LF, found lines ended by CR alone (as classic Mac ' +
          "OS wrote them): convert them, e.g. with tr '\\r' '\\n'",
      ),
    )
  }
  const rawLines = body.split(/\r?\n/)
  const firstLine = rawLines.find((line) => line.trim() !== '')
  if (firstLine === undefined) {
    return E.left(inputError(file, 'the file is empty; expected lines of numbers'))
  }
  const delimiter = options.delimiter ?? sniffDelimiter(firstLine)
  const separated = `${delimiterName(delimiter)}-separated`

  const lines: Line[] = []
  for (let i = 0; i < rawLines.length; i++) {
    if (rawLines[i].trim() === '') continue
    const fields = splitFields(rawLines[i], delimiter)
    if (fields === undefined) {
      return E.left(
        inputError(
          file,
          `line ${i + 1}: expected a closing quote, found none` +
            delimiterHint(rawLines[i], delimiter),
        ),
      )
    }
    lines.push({ number: i + 1, fields })
  }
  const first = lines[0]
  const width = first.fields.length
  for (const line of lines) {
    if (line.fields.length !== width) {
      return E.left(
        inputError(
          file,
          `line ${line.number}: expected ${width} ${separated} field${width === 1 ? '' : 's'} ` +
            `(as on line ${first.number}), ` +
            `found ${line.fields.length}` +
            delimiterHint(rawLines[line.number - 1], delimiter),
        ),
      )
    }
  }

  const specs = options.dropColumns ?? []
  const byPosition = dropByPosition(file, specs, width)
  if (E.isLeft(byPosition)) return byPosition
  // Nothing kept by position: no cell is left to tell a header from data, nor to read.
  if (byPosition.right.size === width) return noColumnLeft(file)
  const kept = (cells: readonly string[]): string[] =>
    cells.filter((_, j) => !byPosition.right.has(j))

  // A column --drop-columns leaves out can still tell the header: a name above numbers
  // there (`id` above 1, 2, …) names the column, whatever the kept cells are.
  const namesLeftOut = [...byPosition.right].some(
    (j) => isName(first.fields[j]) && lines.slice(1).every((line) => !isName(line.fields[j])),
  )
  const cells = kept(first.fields)
  const classified =
    options.header !== undefined
      ? undefined
      : namesLeftOut
        ? 'header'
        : classifyFirst(
            cells,
            lines.slice(1).map((line) => kept(line.fields)[0] ?? ''),
          )
  // A known shape settles a first line that reads either way: a header leaves one row less.
  const reading =
    options.shape !== undefined && (classified === 'named' || classified === 'numbered')
      ? options.shape.rows === lines.length - 1
        ? 'header'
        : 'data'
      : classified
  if (reading === 'named' || reading === 'numbered') {
    const [name, ...numbers] = cells
    const [asHeader, asData] =
      reading === 'numbered'
        ? [`columns numbered ${showFew(cells)}, as pandas numbers them`, 'a row of data']
        : [`columns named ${showFew(numbers)}`, `a row named ${quoteCell(name.trim())}`]
    return E.left(
      inputError(
        file,
        `line ${first.number}: expected --header (${asHeader}) or --no-header (${asData}), ` +
          'found a line that reads either way',
      ),
    )
  }
  const header = options.header ?? reading === 'header'
  const headerCells = header ? first.fields.map((cell) => cell.trim()) : undefined
  const dataLines = header ? lines.slice(1) : lines
  if (dataLines.length === 0) {
    return E.left(
      inputError(
        file,
        `expected rows of numbers after the header on line ${first.number}, found none`,
      ),
    )
  }
  const dropped = new Set(byPosition.right)
  const byName = dropByName(file, specs, headerCells, dropped)
  if (E.isLeft(byName)) return byName

  const firstCells = dataLines.map((line) => line.fields[0])
  // Columns the drops keep, and whether the first of them can name the rows (data is left).
  const keptColumns = width - dropped.size
  const namesPossible = !dropped.has(0) && keptColumns > 1
  // A first column 0, 1, 2, … counting the rows is an index, as pandas writes one, or
  // data that happens to count: the flag decides, or the known shape (row names leave one
  // column less; data where neither gives it).
  const countingColumn =
    options.rowNames === undefined &&
    namesPossible &&
    headerCells?.[0] !== '' &&
    dataLines.length > 1 &&
    countsFromZero(firstCells)
  const indexByShape =
    countingColumn && options.shape !== undefined
      ? options.shape.cols === keptColumns - 1
      : undefined
  if (countingColumn && indexByShape === undefined) {
    const named = headerCells === undefined ? '' : ` (${quoteCell(headerCells[0])})`
    return E.left(
      inputError(
        file,
        `column 1${named}: expected --row-names (an index counting the rows ` +
          `${showFew(firstCells)}, as pandas writes one) or --no-row-names (a column of ` +
          'data), found a column that reads either way',
      ),
    )
  }
  // An explicit --row-names that cannot apply is refused, not ignored: its column would be
  // read as data (or was left out) without a word.
  if (options.rowNames === true && !namesPossible) {
    const found = dropped.has(0)
      ? 'column 1 left out by --drop-columns'
      : dropped.size > 0
        ? 'a single column left by --drop-columns, which would leave no data'
        : 'a single column, which would leave no data'
    return E.left(
      usageError(
        `option --row-names: expected a first column naming the rows of ${fileName(file)} ` +
          `and data after it, found ${found}`,
      ),
    )
  }
  const rowNames =
    namesPossible &&
    (options.rowNames ??
      indexByShape ??
      (firstCells.every(isName) ||
        (headerCells?.[0] === '' &&
          firstCells.every((cell) => cell.trim() !== '' && !isNonFinite(cell)))))
  if (rowNames) dropped.add(0)

  const columns: number[] = []
  for (let j = 0; j < width; j++) if (!dropped.has(j)) columns.push(j)
  if (columns.length === 0) return noColumnLeft(file)

  const cols = columns.length
  const values = new Float64Array(dataLines.length * cols)
  for (let i = 0; i < dataLines.length; i++) {
    const line = dataLines[i]
    for (let c = 0; c < cols; c++) {
      const j = columns[c]
      const cell = line.fields[j].trim()
      const value = Number(cell)
      if (!NUMBER.test(cell) || !Number.isFinite(value) || underflows(cell, value)) {
        const name =
          headerCells !== undefined && headerCells[j] !== ''
            ? ` (${quoteCell(headerCells[j])})`
            : ''
        const found = cell === '' ? 'an empty cell' : quoteCell(cell)
        const what = !NUMBER.test(cell)
          ? `a number, found ${found}`
          : Number.isFinite(value)
            ? `a number, found ${found}, ${TOO_SMALL}`
            : `a finite number, found ${found}`
        return E.left(
          inputError(
            file,
            `line ${line.number}, column ${j + 1}${name}: expected ${what}` +
              delimiterHint(rawLines[line.number - 1], delimiter),
          ),
        )
      }
      values[i * cols + c] = value
    }
  }

  const matrix = Matrix.fromData(dataLines.length, cols, values)
  if (E.isLeft(matrix)) return E.left(inputError(file, matrix.left.message))
  return E.right({
    matrix: matrix.right,
    delimiter,
    header,
    ...(headerCells === undefined ? {} : { columnNames: columns.map((j) => headerCells[j]) }),
    ...(rowNames ? { rowNames: dataLines.map((line) => line.fields[0].trim()) } : {}),
    dropped: [...dropped]
      .filter((j) => !(rowNames && j === 0))
      .map((j) => j + 1)
      .sort((a, b) => a - b),
    repeatedNames: byName.right,
    lineOf: (row) => dataLines[row].number,
    columnOf: (col) => columns[col] + 1,
  })
}

/** A name as one field: quoted when it holds the delimiter, a quote or a line break. */
const field = (name: string, delimiter: string): string =>
  name.includes(delimiter) || /["\r\n]/.test(name) || (delimiter === ' ' && name.includes(' '))
    ? `"${name.replaceAll('"', '""')}"`
    : name

/** Names to write beside the numbers: a header row, and a first column of row names. */
export interface DelimitedNames {
  readonly columns?: readonly string[]
  readonly rows?: readonly string[]
  /** The header's first cell above the row names. @default '' */
  readonly corner?: string
}

/**
 * A matrix as delimited text, one row per line, each number in the shortest
 * form that reads back to the same float64.
 *
 * @example
 * formatDelimited(Matrix 2×2, ',', { columns: ['a', 'b'] }) // 'a,b\n1,2\n3,4\n'
 */
export const formatDelimited = (
  matrix: Matrix,
  delimiter = ',',
  names: DelimitedNames = {},
): string => {
  const out: string[] = []
  const rowNames = names.rows?.length === matrix.rows ? names.rows : undefined
  if (names.columns?.length === matrix.cols) {
    const cells = names.columns.map((name) => field(name, delimiter))
    out.push((rowNames === undefined ? cells : [names.corner ?? '', ...cells]).join(delimiter))
  }
  const values = matrix.toFloat64Array()
  for (let i = 0; i < matrix.rows; i++) {
    const cells: string[] = rowNames === undefined ? [] : [field(rowNames[i], delimiter)]
    for (let j = 0; j < matrix.cols; j++) cells.push(String(values[i * matrix.cols + j]))
    out.push(cells.join(delimiter))
  }
  return `${out.join('\n')}\n`
}
