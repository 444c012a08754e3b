/**
 * The components as a grayscale PNG, the same grid as `componentsSvg` without
 * the labels. The encoder is the smallest valid PNG: 8-bit grayscale, one
 * IDAT chunk compressed by node:zlib, no filtering.
 */
import { crc32, deflateSync } from 'node:zlib'
import type { Matrix } from 'nmfkit'
import {
  layoutTiles,
  normalizedComponent,
  tileOrigin,
  type ImageShape,
  type TileOptions,
} from './tiles.ts'

/**
 * The most pixels `componentsPng` draws: 100 million, a 10 000×10 000 image. Encoding
 * holds about two bytes per pixel (the pixels and the scanlines), 200 MB at the most.
 */
export const MAX_PNG_PIXELS = 100_000_000

/**
 * The width and height in pixels of the PNG `componentsPng` draws for `count`
 * components, and the scale it draws them at (the option, or its default).
 */
export const componentsPngSize = (
  count: number,
  shape: ImageShape,
  options: TileOptions = {},
): { readonly width: number; readonly height: number; readonly scale: number } => {
  const { width, height, scale } = layoutTiles(count, shape, options, 0)
  return { width, height, scale }
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

/** One PNG chunk: length, type, data, and the CRC of type and data. */
const chunk = (type: string, data: Uint8Array): Uint8Array => {
  const out = new Uint8Array(12 + data.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, data.length)
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i)
  out.set(data, 8)
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)))
  return out
}

/**
 * An 8-bit grayscale PNG of `pixels` (row-major, width×height bytes).
 *
 * @example
 * encodeGrayPng(2, 1, Uint8Array.of(0, 255)) // a black and a white pixel
 */
export const encodeGrayPng = (width: number, height: number, pixels: Uint8Array): Uint8Array => {
  const header = new Uint8Array(13)
  const view = new DataView(header.buffer)
  view.setUint32(0, width)
  view.setUint32(4, height)
  header[8] = 8 // bits per sample
  header[9] = 0 // grayscale; compression, filter and interlace bytes stay 0
  // Each scanline starts with its filter type, 0 (none).
  const raw = new Uint8Array(height * (width + 1))
  for (let y = 0; y < height; y++)
    raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1)
  const parts = [
    Uint8Array.from(SIGNATURE),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

/**
 * A PNG picture of the components: one tile per row of `components`, white
 * for 0 and black for each component's largest entry, on a light gray ground.
 * Throws a RangeError for a picture of more than `MAX_PNG_PIXELS` pixels (see
 * `componentsPngSize`).
 *
 * @example
 * writeFileSync('parts.png', componentsPng(fit.H, { height: 8, width: 8 }))
 */
export const componentsPng = (
  components: Matrix,
  shape: ImageShape,
  options: TileOptions = {},
): Uint8Array => {
  const layout = layoutTiles(components.rows, shape, options, 0)
  if (layout.width * layout.height > MAX_PNG_PIXELS) {
    throw new RangeError(
      `componentsPng: expected at most ${MAX_PNG_PIXELS} pixels, ` +
        `found ${layout.width}×${layout.height}`,
    )
  }
  const pixels = new Uint8Array(layout.width * layout.height).fill(200)
  for (let index = 0; index < components.rows; index++) {
    const [x0, y0] = tileOrigin(layout, index)
    const values = normalizedComponent(components, index)
    for (let y = 0; y < layout.tileHeight; y++) {
      for (let x = 0; x < layout.tileWidth; x++) {
        const value =
          values[Math.floor(y / layout.scale) * shape.width + Math.floor(x / layout.scale)]
        pixels[(y0 + y) * layout.width + x0 + x] = Math.round(255 * (1 - value))
      }
    }
  }
  return encodeGrayPng(layout.width, layout.height, pixels)
}
