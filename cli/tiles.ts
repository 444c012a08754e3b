/**
 * The layout shared by the pictures of components (`svg.ts`, `png.ts`): each
 * row of H (one component, a vector of features) is an image of
 * height×width pixels, read row by row, and the images sit in a grid.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Matrix } from 'nmfkit'
import { quotedToken, usageError, type CliResult } from './errors.ts'

/** The size of one component's image, in pixels. */
export interface ImageShape {
  readonly height: number
  readonly width: number
}

/** Where the tiles go, in output pixels. */
export interface TileLayout {
  readonly columns: number
  readonly rows: number
  /** Output pixels per image pixel. */
  readonly scale: number
  /** Space around each tile. */
  readonly gap: number
  /** Room above each tile for its label (0 in the PNG). */
  readonly labelHeight: number
  readonly tileWidth: number
  readonly tileHeight: number
  readonly width: number
  readonly height: number
}

/** Options of the pictures of components. */
export interface TileOptions {
  /** Tiles per row of the grid. @default about √(2k) */
  readonly columns?: number
  /** Output pixels per image pixel. @default about 96 / the longer side */
  readonly scale?: number
}

/**
 * Reads `8x8` (height×width) as an image shape; the product must be the number
 * of features. Without a shape, a square one is guessed when the features allow.
 */
export const parseShape = (text: string | undefined, features: number): CliResult<ImageShape> => {
  if (text === undefined) {
    const side = Math.round(Math.sqrt(features))
    return side * side === features
      ? E.right({ height: side, width: side })
      : E.left(
          usageError(
            `option --shape: expected HEIGHTxWIDTH with HEIGHT·WIDTH = ${features} ` +
              '(the features), ' +
              `found none, and ${features} is not a square`,
          ),
        )
  }
  const match = /^(\d+)[x×](\d+)$/i.exec(text)
  const height = Number(match?.[1])
  const width = Number(match?.[2])
  if (match === null || height < 1 || width < 1 || height * width !== features) {
    return E.left(
      usageError(
        `option --shape: expected HEIGHTxWIDTH with HEIGHT·WIDTH = ${features} ` +
          `(the features), found ${quotedToken(text)}`,
      ),
    )
  }
  return E.right({ height, width })
}

/** The grid for k tiles of the given shape. */
export const layoutTiles = (
  count: number,
  shape: ImageShape,
  options: TileOptions,
  labelHeight: number,
): TileLayout => {
  const columns = Math.max(1, Math.min(count, options.columns ?? Math.ceil(Math.sqrt(2 * count))))
  const rows = Math.ceil(count / columns)
  const scale = options.scale ?? Math.max(2, Math.floor(96 / Math.max(shape.height, shape.width)))
  const gap = Math.max(4, Math.round(scale / 2))
  const tileWidth = shape.width * scale
  const tileHeight = shape.height * scale
  return {
    columns,
    rows,
    scale,
    gap,
    labelHeight,
    tileWidth,
    tileHeight,
    width: gap + columns * (tileWidth + gap),
    height: gap + rows * (labelHeight + tileHeight + gap),
  }
}

/** The top-left corner of tile `index`'s image (below its label). */
export const tileOrigin = (layout: TileLayout, index: number): [number, number] => {
  const column = index % layout.columns
  const row = Math.floor(index / layout.columns)
  return [
    layout.gap + column * (layout.tileWidth + layout.gap),
    layout.gap + row * (layout.labelHeight + layout.tileHeight + layout.gap) + layout.labelHeight,
  ]
}

/**
 * Component `index` (a row of `components`) scaled to its own maximum: values
 * in [0, 1], 1 at the largest entry. An all-zero component stays all zero.
 */
export const normalizedComponent = (components: Matrix, index: number): number[] => {
  const values = components.row(index)
  // A fold, not Math.max(0, ...values): spreading a row of 100 000+ features overflows the stack.
  const largest = values.reduce((a, b) => Math.max(a, b), 0)
  return values.map((value) => (largest > 0 ? Math.max(0, value) / largest : 0))
}
