/**
 * `nmfkit show MODEL --shape 8x8 -o parts.svg`: the components (rows of H) as
 * a grid of small images, in SVG (with labels) or PNG, by the extension.
 * MODEL is a model from `nmfkit fit` (told by its content, whatever the name),
 * or H alone in any input format.
 */
import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import * as E from 'fp-ts/lib/Either.js'
import type { AnyMatrix, Matrix, NmfError } from 'nmfkit'
import { checkNonNegative } from '../../core/validate.ts'
import { inputFlags, numberFlag, placedInputError, readOptionsOf, startCommand } from '../args.ts'
import { inputError, quotedFileName, usageError, type CliResult } from '../errors.ts'
import { checkOutputPath, writeAll, writtenAsStream } from '../files.ts'
import { isObject, jsonMatrixOf, withoutOperation } from '../formats/json.ts'
import { parseJsonText } from '../formats/json-text.ts'
import {
  flagsRefused,
  parseMatrixBytes,
  readInputBytes,
  sniffFormat,
  type ReadOptions,
} from '../formats/read.ts'
import { decodeUtf8 } from '../formats/text.ts'
import { isModelDocument, modelOf } from '../model.ts'
import { componentsPng, componentsPngSize, MAX_PNG_PIXELS } from '../png.ts'
import { componentsSvg, MAX_SVG_PIXELS } from '../svg.ts'
import { parseShape, type ImageShape, type TileOptions } from '../tiles.ts'
import { counted } from '../../core/show.ts'

export const showUsage = `usage: nmfkit show MODEL [--shape HxW] [-o FILE] [options]

Draws the components (the rows of H) as a grid of small images: each row of H,
features long, is read row by row as an image of HEIGHT×WIDTH pixels and scaled
to its own maximum (white 0, black the largest entry), so every entry of H must
be finite and ≥ 0. With W in the model, each label gives the component's share
of the total of W·H, and every entry of W must be finite and ≥ 0 too.

MODEL is a file, or '-' for stdin, gzipped or not, holding either
  - a model: JSON from 'nmfkit fit', any JSON object with H (W optional) or a
    fixture with expected.H; JSON is told by its content, whatever the name;
  - H alone (components × features) in any input format: CSV, TSV or text,
    .mtx, .npy, or JSON as 'nmfkit fit --h H.json' writes it (or nested
    arrays, one per row); without a known extension, the content tells which.

Options:
  --shape HxW            the image of one component, e.g. 8x8 (default: square)
  -o, --output FILE      .svg (labelled) or .png; '-' or none: SVG on stdout
  --columns N            images per row of the grid (default: about √(2k))
  --scale N              screen pixels per image pixel (default: about 96 / side)
  --title TEXT           the line above the grid (SVG)
  -h, --help             print this help

Reading H alone from delimited text (CSV, TSV or text), as the other commands read it:
  --delimiter CHAR       ',' 'tab' ';' or 'space' (default: by extension, else detected)
  --header, --no-header  the first line names the columns (default: detected; needed when
                         it reads either way: 0,1,2,... as pandas numbers columns)
  --row-names, --no-row-names
                         the first column names the rows (default: detected; needed for
                         a first column 0,1,2,... under a named corner or no header)

The largest pictures: a PNG of 100 million pixels (say 10000×10000), an SVG
of 1 million image pixels (components × features).
`

/**
 * The share of each component in the total of W·H, when W is known: `14%`. W and H are
 * finite and ≥ 0 (`drawable`).
 */
const shares = (W: Matrix | undefined, H: Matrix): string[] | undefined => {
  if (W === undefined) return undefined
  // Each component's mass Σ_i w_it · Σ_j h_tj as a logarithm, each sum scaled by its own
  // largest entry: neither a large nor a small component over- or underflows (a W column
  // of 1e-300 against an H row of 1e300 has a mass of 1).
  // (A loop, not Math.max(...values): a column of a million samples is too many arguments.)
  const largestOf = (values: readonly number[]): number =>
    values.reduce((a, b) => (b > a ? b : a), -Infinity)
  const logSum = (values: readonly number[]): number => {
    const top = largestOf(values)
    return top > 0 ? Math.log(top) + Math.log(values.reduce((a, b) => a + b / top, 0)) : -Infinity
  }
  const logMass = Array.from({ length: H.rows }, (_, t) => logSum(W.column(t)) + logSum(H.row(t)))
  const top = largestOf(logMass)
  if (top === -Infinity) return undefined
  const mass = logMass.map((l) => Math.exp(l - top))
  const total = mass.reduce((a, b) => a + b, 0)
  return mass.map((m) => `${((100 * m) / total).toFixed(1)}%`)
}

/** The keys a JSON object holding a matrix has, one of them at least. */
const MATRIX_KEYS = ['format', 'rows', 'cols', 'data', 'X']

/** What `loadComponents` read: H, W when the model has it, and where their entries are. */
interface Components {
  readonly file: string
  readonly H: Matrix
  readonly W?: Matrix
  /** Where H's entry (row, col), counted from 0, is in the file. */
  readonly locate: (row: number, col: number) => string
  /** Where W's entry (row, col), counted from 0, is in the file; with W. */
  readonly locateW?: (row: number, col: number) => string
}

/**
 * The components in `path`, read once (stdin too). JSON, told by its content
 * whatever the file's name, is a model (H, and W when it has one) or H alone;
 * anything else is H alone in the format the extension names, else the one
 * its first bytes show.
 */
const loadComponents = (path: string, options: ReadOptions): CliResult<Components> => {
  const input = readInputBytes(path)
  if (E.isLeft(input)) return input
  const { file, bytes } = input.right
  let H: AnyMatrix
  let locate: Components['locate']
  if (sniffFormat(bytes) === 'json') {
    // A text flag would be ignored here: refused, as the readers of the other formats do.
    const refused = flagsRefused('json', options, file)
    if (E.isLeft(refused)) return refused
    const text = decodeUtf8(bytes, file)
    if (E.isLeft(text)) return text
    const parsed = parseJsonText(text.right, file)
    if (E.isLeft(parsed)) return parsed
    const document = parsed.right
    if (isModelDocument(document)) {
      const model = modelOf(document, file)
      if (E.isLeft(model)) return model
      const { H, W, locateH, locateW } = model.right
      return E.right({
        file,
        H,
        locate: locateH,
        ...(W === undefined || locateW === undefined ? {} : { W, locateW }),
      })
    }
    if (isObject(document) && !MATRIX_KEYS.some((key) => key in document)) {
      const keys = Object.keys(document)
      return E.left(
        inputError(
          file,
          'expected an nmfkit model (a JSON object with H) or a matrix, found ' +
            (keys.length === 0
              ? 'an empty object'
              : `an object with keys ${keys.slice(0, 5).join(', ')}` +
                (keys.length > 5 ? ', …' : '')),
        ),
      )
    }
    // A fixture's X is its matrix; a model there is not one (and show picks no other key).
    if (isObject(document) && !('data' in document) && isModelDocument(document.X)) {
      return E.left(inputError(file, 'X: expected a matrix, found an nmfkit model'))
    }
    const read = jsonMatrixOf(document, file)
    if (E.isLeft(read)) return read
    H = read.right.matrix
    locate = read.right.locate
  } else {
    const read = parseMatrixBytes(path, input.right, options)
    if (E.isLeft(read)) return read
    H = read.right.matrix
    locate = read.right.locate
  }
  return E.right({ file, H: H.format === 'dense' ? H : H.toDense(), locate })
}

/**
 * An error when an entry of H cannot be drawn: one that is not finite, or one below 0 (a
 * component is drawn from white at 0 to black at its largest entry), named by its place
 * in the file, as the other commands name an entry. W, which gives the labels their
 * shares, is held to the same: a share of a negative or non-finite total means nothing.
 */
const drawable = ({ file, H, W, locate, locateW }: Components): CliResult<void> => {
  const factors: [string, Matrix, Components['locate']][] = [['H', H, locate]]
  if (W !== undefined && locateW !== undefined) factors.push(['W', W, locateW])
  for (const [name, A, place] of factors) {
    const checked = checkNonNegative('show', name, A)
    if (E.isRight(checked)) continue
    // Its refusals name the entry: a NegativeInput or a NonFiniteInput.
    const { row, col, message } = checked.left as NmfError & { row: number; col: number }
    return E.left(placedInputError(file, place, row, col, withoutOperation(message)))
  }
  return E.right(undefined)
}

/**
 * An error when the picture would be too large to make: a PNG of more than
 * `MAX_PNG_PIXELS` pixels (naming the largest --scale that fits), or an SVG of
 * more than `MAX_SVG_PIXELS` image pixels. Checked before anything is drawn.
 */
const checkPictureSize = (
  png: boolean,
  H: Matrix,
  shape: ImageShape,
  tiles: TileOptions,
): CliResult<void> => {
  const atScaleOne = componentsPngSize(H.rows, shape, { ...tiles, scale: 1 })
  const pngFits = (size: { width: number; height: number }): boolean =>
    size.width * size.height <= MAX_PNG_PIXELS
  if (!png) {
    if (H.rows * H.cols <= MAX_SVG_PIXELS) return E.right(undefined)
    return E.left(
      usageError(
        `option --output: expected an SVG of at most ${MAX_SVG_PIXELS} image pixels ` +
          `(components × features), found ${H.rows}×${H.cols} = ${H.rows * H.cols}` +
          (pngFits(atScaleOne) ? '; a .png can draw them' : ''),
      ),
    )
  }
  const size = componentsPngSize(H.rows, shape, tiles)
  if (pngFits(size)) return E.right(undefined)
  let fits = 0
  for (let scale = size.scale - 1; scale >= 1 && fits === 0; scale--) {
    if (pngFits(componentsPngSize(H.rows, shape, { ...tiles, scale }))) fits = scale
  }
  return E.left(
    usageError(
      `option --scale: expected a PNG of at most ${MAX_PNG_PIXELS} pixels, found ` +
        `${size.width}×${size.height} = ${size.width * size.height} at scale ${size.scale}` +
        (tiles.scale === undefined ? ' (the default)' : '') +
        (fits > 0
          ? `; --scale ${fits} or less fits`
          : size.scale > 1
            ? `; even --scale 1 makes ${atScaleOne.width}×${atScaleOne.height}`
            : ''),
    ),
  )
}

/** Runs `nmfkit show`. */
export const runShow = async (args: string[]): Promise<CliResult<void>> => {
  const start = startCommand('show', showUsage, [1, 'one MODEL file'], () =>
    parseArgs({
      args,
      allowPositionals: true,
      tokens: true,
      options: {
        shape: { type: 'string' },
        output: { type: 'string', short: 'o' },
        columns: { type: 'string' },
        scale: { type: 'string' },
        title: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        delimiter: inputFlags.delimiter,
        header: inputFlags.header,
        'no-header': inputFlags['no-header'],
        'row-names': inputFlags['row-names'],
        'no-row-names': inputFlags['no-row-names'],
      },
    }),
  )
  if (E.isLeft(start)) return start
  if (start.right === undefined) return E.right(undefined)
  const { values, positionals } = start.right
  const output = values.output ?? '-'
  const png = /\.png$/i.test(output)
  // '-', the system's names of the standard streams (/dev/stdout), written as '-' is, and
  // /dev/null (which keeps nothing: the picture is drawn, its checks run) are SVG.
  if (!writtenAsStream(output) && !png && !/\.svg$/i.test(output)) {
    return E.left(
      usageError(
        'option --output: expected a file name ending in .svg or .png, ' +
          `found ${quotedFileName(output)}`,
      ),
    )
  }
  const checked = checkOutputPath(output, '--output')
  if (E.isLeft(checked)) return checked
  const columns = numberFlag('columns', values.columns, true)
  if (E.isLeft(columns)) return columns
  const scale = numberFlag('scale', values.scale, true)
  if (E.isLeft(scale)) return scale
  for (const [flag, value] of [
    ['--columns', columns.right],
    ['--scale', scale.right],
  ] as const) {
    if (value !== undefined && (value < 1 || value > 1000)) {
      return E.left(usageError(`option ${flag}: expected an integer in 1..1000, found ${value}`))
    }
  }

  const readOptions = readOptionsOf(values)
  if (E.isLeft(readOptions)) return readOptions
  const model = loadComponents(positionals[0], readOptions.right)
  if (E.isLeft(model)) return model
  const valid = drawable(model.right)
  if (E.isLeft(valid)) return valid
  const { file, H, W } = model.right
  const shape = parseShape(values.shape, H.cols)
  if (E.isLeft(shape)) return shape
  const tiles = {
    ...(columns.right === undefined ? {} : { columns: columns.right }),
    ...(scale.right === undefined ? {} : { scale: scale.right }),
  }
  const size = checkPictureSize(png, H, shape.right, tiles)
  if (E.isLeft(size)) return size
  const labels = shares(W, H)?.map((share, t) => `${t + 1} · ${share}`)
  const title =
    values.title ??
    `${counted(H.rows, 'component', 'components')} of ${basename(file)} ` +
      `(${shape.right.height}×${shape.right.width})` +
      (labels === undefined ? '' : ', % of W·H')
  const content = png
    ? componentsPng(H, shape.right, tiles)
    : componentsSvg(H, shape.right, {
        ...tiles,
        title,
        ...(labels === undefined ? {} : { labels }),
      })
  return writeAll([{ ...checked.right, content }])
}
