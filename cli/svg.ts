/**
 * The components of a factorization as a grid of small images, in SVG. Each
 * component (a row of H) is drawn as a height×width image, scaled to its own
 * maximum: white is 0, black is the component's largest entry.
 *
 * Examples may import `componentsSvg` from here (Node only).
 */
import type { Matrix } from 'nmfkit'
import { unicodeEscape } from '../core/display.ts'
import {
  layoutTiles,
  normalizedComponent,
  tileOrigin,
  type ImageShape,
  type TileOptions,
} from './tiles.ts'

/** UTF-16 code units of the high and of the low half of a surrogate pair. */
const isHigh = (code: number): boolean => code >= 0xd800 && code <= 0xdbff
const isLow = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff

/**
 * `text` with the characters XML 1.0 does not allow at all, not even as references, written
 * out as `\u001b`: the C0 controls but tab, line feed and carriage return; U+FFFE and
 * U+FFFF; half a surrogate pair without the other half.
 */
const withoutNonXml = (text: string): string => {
  let out = ''
  for (let q = 0; q < text.length; q++) {
    const code = text.charCodeAt(q)
    if (isHigh(code) && q + 1 < text.length && isLow(text.charCodeAt(q + 1))) {
      out += text.slice(q, q + 2)
      q++
      continue
    }
    const allowed =
      (code >= 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) &&
      code !== 0xfffe &&
      code !== 0xffff &&
      !isHigh(code) &&
      !isLow(code)
    out += allowed ? text[q] : unicodeEscape(text[q])
  }
  return out
}

/**
 * Text safe inside SVG elements and attributes: markup characters as references, and
 * characters XML cannot hold (an ESC in a file name, say) written out (`withoutNonXml`).
 */
export const escapeXml = (text: string): string =>
  withoutNonXml(text).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)

/** Options of `componentsSvg`. */
export interface ComponentsSvgOptions extends TileOptions {
  /** A line above the grid. */
  readonly title?: string
  /** One label per component. @default '1', '2', ... */
  readonly labels?: readonly string[]
}

/**
 * The most image pixels (components × features) `componentsSvg` draws: 1 million. Each is
 * a `<rect>` of up to about 90 characters: 4 million made a file of about 270 MB and took
 * 2.7 GB and 10 s to write, more than any viewer opens; a PNG draws more.
 */
export const MAX_SVG_PIXELS = 1_000_000

const LABEL_HEIGHT = 16
const TITLE_HEIGHT = 24

/** The gray of a value in [0, 1]: 0 white, 1 black. */
const gray = (value: number): string => {
  const level = Math.round(255 * (1 - value))
  return `rgb(${level},${level},${level})`
}

/**
 * An SVG picture of the components: one tile per row of `components`
 * (k×features), each a `shape.height`×`shape.width` image read row by row.
 * Throws a RangeError for more than `MAX_SVG_PIXELS` image pixels.
 *
 * @example
 * writeFileSync('parts.svg', componentsSvg(fit.H, { height: 8, width: 8 }))
 */
export const componentsSvg = (
  components: Matrix,
  shape: ImageShape,
  options: ComponentsSvgOptions = {},
): string => {
  if (components.rows * components.cols > MAX_SVG_PIXELS) {
    throw new RangeError(
      `componentsSvg: expected at most ${MAX_SVG_PIXELS} image pixels, ` +
        `found ${components.rows}×${components.cols}`,
    )
  }
  const layout = layoutTiles(components.rows, shape, options, LABEL_HEIGHT)
  const top = options.title === undefined ? 0 : TITLE_HEIGHT
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" ` +
      `width="${layout.width}" height="${layout.height + top}" ` +
      `viewBox="0 0 ${layout.width} ${layout.height + top}" ` +
      'font-family="sans-serif" font-size="11">',
    `<rect width="100%" height="100%" fill="white"/>`,
  ]
  if (options.title !== undefined) {
    out.push(`<text x="${layout.gap}" y="16" font-size="13">${escapeXml(options.title)}</text>`)
  }
  for (let index = 0; index < components.rows; index++) {
    const [x, y] = tileOrigin(layout, index)
    const label = options.labels?.[index] ?? String(index + 1)
    out.push(`<g transform="translate(${x},${y + top})">`)
    out.push(`<text x="0" y="-4" fill="#333">${escapeXml(label)}</text>`)
    const values = normalizedComponent(components, index)
    for (let row = 0; row < shape.height; row++) {
      for (let col = 0; col < shape.width; col++) {
        const value = values[row * shape.width + col]
        // White pixels are the background already; leaving them out keeps the file small.
        if (value <= 1 / 512) continue
        out.push(
          `<rect x="${col * layout.scale}" y="${row * layout.scale}" ` +
            `width="${layout.scale}" height="${layout.scale}" fill="${gray(value)}"/>`,
        )
      }
    }
    out.push(
      `<rect width="${layout.tileWidth}" height="${layout.tileHeight}" ` +
        'fill="none" stroke="#999" stroke-width="1"/>',
    )
    out.push('</g>')
  }
  out.push('</svg>')
  return `${out.join('\n')}\n`
}
