/** The pictures: components as SVG and PNG, the convergence plot, the image shape flag. */
import { inflateSync } from 'node:zlib'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { Matrix, type HistoryEntry } from 'nmfkit'
import { componentsPng, componentsPngSize, encodeGrayPng, MAX_PNG_PIXELS } from '../../cli/png.ts'
import { convergenceSvg } from '../../cli/plot.ts'
import { componentsSvg, escapeXml, MAX_SVG_PIXELS } from '../../cli/svg.ts'
import { normalizedComponent, parseShape } from '../../cli/tiles.ts'

const matrix = (rows: number[][]): Matrix => {
  const result = Matrix.fromArrays(rows)
  if (E.isLeft(result)) throw new Error(result.left.message)
  return result.right
}

const fromData = (rows: number, cols: number, data: Float64Array): Matrix => {
  const result = Matrix.fromData(rows, cols, data)
  if (E.isLeft(result)) throw new Error(result.left.message)
  return result.right
}

/** The gray pixels of an 8-bit grayscale PNG written by `encodeGrayPng`. */
const decodeGrayPng = (png: Uint8Array): { width: number; height: number; pixels: number[][] } => {
  const view = new DataView(png.buffer, png.byteOffset)
  const width = view.getUint32(16)
  const height = view.getUint32(20)
  const idatLength = view.getUint32(33)
  const raw = inflateSync(png.subarray(41, 41 + idatLength))
  const pixels = Array.from({ length: height }, (_, y) =>
    Array.from(raw.subarray(y * (width + 1) + 1, (y + 1) * (width + 1))),
  )
  return { width, height, pixels }
}

describe('components', () => {
  // Two 2×2 components: a diagonal, and one bright pixel at the top right.
  const H = matrix([
    [4, 0, 0, 2],
    [0, 1, 0, 0],
  ])

  it('draws each component as a tile, black at its own maximum', () => {
    const svg = componentsSvg(H, { height: 2, width: 2 }, { scale: 10, labels: ['one', 'two'] })
    expect(svg.match(/<g transform/g)).toHaveLength(2)
    expect(svg).toContain('>one</text>')
    expect(svg).toContain('fill="rgb(0,0,0)"')
    expect(svg).toContain('fill="rgb(128,128,128)"')
  })

  it('writes a PNG with the same pixels', () => {
    const png = componentsPng(H, { height: 2, width: 2 }, { scale: 1, columns: 2 })
    const { width, height, pixels } = decodeGrayPng(png)
    // Gap 4 around 2×2 tiles: 4 + 2·(2 + 4) wide, 4 + 2 + 4 high.
    expect([width, height]).toEqual([16, 10])
    expect(pixels[4].slice(4, 6)).toEqual([0, 255])
    expect(pixels[5].slice(4, 6)).toEqual([255, 128])
    expect(pixels[4].slice(10, 12)).toEqual([255, 0])
    expect(pixels[0][0]).toBe(200)
  })

  it('encodes a valid PNG signature and chunk CRCs', () => {
    const png = encodeGrayPng(2, 1, Uint8Array.of(0, 255))
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    expect(decodeGrayPng(png).pixels).toEqual([[0, 255]])
  })

  it('scales components of any length, past what a call can take as arguments', () => {
    // 2^17 features had overflowed the stack (Math.max over the row spread as arguments).
    const features = 1 << 17
    const data = new Float64Array(2 * features).fill(1)
    data[features - 1] = 4
    const wide = fromData(2, features, data)
    const first = normalizedComponent(wide, 0)
    expect([first[0], first[features - 1]]).toEqual([0.25, 1])
    expect(normalizedComponent(wide, 1).every((value) => value === 1)).toBe(true)
    const svg = componentsSvg(wide, { height: 256, width: 512 }, { scale: 1 })
    expect(svg.match(/<rect x=/g)).toHaveLength(2 * features)
    const png = decodeGrayPng(componentsPng(wide, { height: 256, width: 512 }, { scale: 1 }))
    expect([png.width, png.height]).toEqual([4 + 2 * (512 + 4), 4 + 256 + 4])
    expect(png.pixels[4][4]).toBe(191) // 1/4 of the first component's largest entry
  })

  it('refuses a picture too large to make, before allocating it', () => {
    const H = Matrix.fill(2, 4096, 1)
    const shape = { height: 64, width: 64 }
    // 2 tiles of 64 000 pixels square, 500 apart: 8.4e9 pixels, more than a typed array holds.
    expect(componentsPngSize(2, shape, { scale: 1000 })).toEqual({
      width: 500 + 2 * (64_000 + 500),
      height: 500 + 64_000 + 500,
      scale: 1000,
    })
    expect(() => componentsPng(H, shape, { scale: 1000 })).toThrow(
      new RangeError(
        `componentsPng: expected at most ${MAX_PNG_PIXELS} pixels, found 129500×65000`,
      ),
    )
    const long = Matrix.zeros(1, MAX_SVG_PIXELS + 1)
    expect(() => componentsSvg(long, { height: 1, width: MAX_SVG_PIXELS + 1 })).toThrow(
      new RangeError(
        `componentsSvg: expected at most ${MAX_SVG_PIXELS} image pixels, found 1×1000001`,
      ),
    )
  })

  it('reads the shape flag, and guesses a square one', () => {
    expect(parseShape('2x3', 6)).toEqual(E.right({ height: 2, width: 3 }))
    expect(parseShape(undefined, 64)).toEqual(E.right({ height: 8, width: 8 }))
    expect(E.isLeft(parseShape('3x3', 6))).toBe(true)
    expect(E.isLeft(parseShape(undefined, 6))).toBe(true)
    expect(parseShape('2×3', 6)).toEqual(E.right({ height: 2, width: 3 }))
    // Spaces are refused, as in numbers: the text is taken as written.
    for (const text of [' 2x3', '2x3 ', '2 x 3', '0x6', '2x3x1']) {
      expect(parseShape(text, 6)).toEqual(
        E.left(
          expect.objectContaining({
            message:
              'option --shape: expected HEIGHTxWIDTH with HEIGHT·WIDTH = 6 (the features), ' +
              `found '${text}'`,
          }),
        ),
      )
    }
  })
})

describe('the convergence plot', () => {
  const history: HistoryEntry[] = Array.from({ length: 30 }, (_, i) => ({
    iteration: i + 1,
    measure: 10 ** -(i / 5),
    objective: 100 / (i + 1) + 10,
    details: { deltaW: 10 ** -(i / 5) / 2, error: 5 },
  }))

  it('draws the measure and its parts above, the objective and other numbers below', () => {
    const svg = convergenceSvg(history, { title: 'cd, k = 3', measure: 'violation' })
    expect(svg).toContain('>measure: violation</text>')
    expect(svg.match(/<polyline/g)).toHaveLength(4)
    // The measure spans six decades: ticks at powers of ten.
    expect(svg).toContain('>1e-6</text>')
    expect(svg).toContain('>0.01</text>')
    expect(svg).toContain('>deltaW</text>')
    expect(svg).toContain('>objective</text>')
  })

  it('draws a history longer than a call can take as arguments', () => {
    // Every other measure is 0: each positive one stands alone, a circle of its own.
    const long: HistoryEntry[] = Array.from({ length: 300_000 }, (_, i) => ({
      iteration: i + 1,
      measure: i % 2 === 0 ? 1 + i : 0,
    }))
    const svg = convergenceSvg(long, { title: 't', measure: 'm' })
    expect(svg.match(/<circle/g)).toHaveLength(150_000)
    expect(svg).toContain('>1e5</text>')
  })

  it('breaks the line at values a log scale cannot show', () => {
    const broken = history.map((entry, i) => ({ ...entry, measure: i === 10 ? 0 : entry.measure }))
    const svg = convergenceSvg(broken, { title: 't', measure: 'm' })
    expect(svg.match(/<polyline fill="none" stroke="#1f77b4"/g)).toHaveLength(2)
  })
})

describe('escapeXml', () => {
  it('writes out what XML cannot hold, keeps what it can', () => {
    expect(escapeXml('a<b & "c"')).toBe('a&#60;b &#38; &#34;c&#34;')
    // ESC, NUL, U+FFFF and a lone half of a surrogate pair are not XML 1.0 characters.
    expect(escapeXml('x\u001by\u0000\uffff\ud800z\udc00')).toBe(
      'x\\u001by\\u0000\\uffff\\ud800z\\udc00',
    )
    // Tab, line breaks, a whole surrogate pair and other text stay as they are.
    expect(escapeXml('a\tb\nc\rd 😀 é')).toBe('a\tb\nc\rd 😀 é')
    const svg = componentsSvg(
      Matrix.fill(1, 4, 1),
      { height: 2, width: 2 },
      { title: 'X\u001b[31m.csv' },
    )
    expect(svg).toContain('X\\u001b[31m.csv')
    expect([...svg].some((char) => char < ' ' && char !== '\n')).toBe(false)
  })
})
