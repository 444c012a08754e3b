/**
 * NumPy's `.npy` format (versions 1, 2 and 3): the magic `\x93NUMPY`, a
 * version, a header that is a Python dict literal
 * (`{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`), then the
 * values. Read: 2-D arrays of float64, float32, float16 (IEEE half precision),
 * signed and unsigned integers of 1 to 8 bytes, and booleans, in either byte
 * order, C or Fortran order. Written:
 * float64, little-endian, C order, version 1.0.
 */
import * as E from 'fp-ts/lib/Either.js'
import { Matrix } from 'nmfkit'
import { inputError, quotedToken, type CliResult } from '../errors.ts'

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59] // \x93NUMPY

/** What one element is: its size in bytes and how to read it at an offset. */
interface ElementType {
  readonly name: string
  readonly size: number
  readonly read: (view: DataView, offset: number, little: boolean) => number
}

/**
 * An IEEE 754 half-precision number from its 16 bits, exactly: 1 sign bit, 5 exponent
 * bits (bias 15), 10 fraction bits. Exponent 0 is zero or subnormal (fraction × 2^-24),
 * exponent 31 is ±Infinity (fraction 0) or NaN; every half is a double, so nothing rounds.
 * (DataView.getFloat16 is newer than the Node versions nmfkit runs on.)
 *
 * @example
 * halfToNumber(0x3c00) // 1
 * halfToNumber(0x0001) // 2 ** -24, the least subnormal
 * halfToNumber(0xfc00) // -Infinity
 */
export const halfToNumber = (bits: number): number => {
  const sign = bits & 0x8000 ? -1 : 1
  const exponent = (bits >> 10) & 0x1f
  const fraction = bits & 0x3ff
  if (exponent === 0) return sign * fraction * 2 ** -24
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN
  return sign * (0x400 + fraction) * 2 ** (exponent - 25)
}

const elementTypes: Readonly<Record<string, ElementType>> = {
  f8: { name: 'float64', size: 8, read: (v, o, le) => v.getFloat64(o, le) },
  f4: { name: 'float32', size: 4, read: (v, o, le) => v.getFloat32(o, le) },
  f2: { name: 'float16', size: 2, read: (v, o, le) => halfToNumber(v.getUint16(o, le)) },
  i8: { name: 'int64', size: 8, read: (v, o, le) => Number(v.getBigInt64(o, le)) },
  i4: { name: 'int32', size: 4, read: (v, o, le) => v.getInt32(o, le) },
  i2: { name: 'int16', size: 2, read: (v, o, le) => v.getInt16(o, le) },
  i1: { name: 'int8', size: 1, read: (v, o) => v.getInt8(o) },
  u8: { name: 'uint64', size: 8, read: (v, o, le) => Number(v.getBigUint64(o, le)) },
  u4: { name: 'uint32', size: 4, read: (v, o, le) => v.getUint32(o, le) },
  u2: { name: 'uint16', size: 2, read: (v, o, le) => v.getUint16(o, le) },
  u1: { name: 'uint8', size: 1, read: (v, o) => v.getUint8(o) },
  b1: { name: 'bool', size: 1, read: (v, o) => (v.getUint8(o) === 0 ? 0 : 1) },
}

/** A matrix read from `.npy` bytes, with what the header said. */
export interface NpyMatrix {
  readonly matrix: Matrix
  /** e.g. `float32`. */
  readonly dtype: string
  readonly fortranOrder: boolean
  /** Whether the values are stored big-endian ('>' in the dtype; never for one byte). */
  readonly bigEndian: boolean
}

const field = (header: string, key: string, pattern: string): string | undefined =>
  new RegExp(`['"]${key}['"]\\s*:\\s*${pattern}`).exec(header)?.[1]

/**
 * Reads a 2-D array from `.npy` bytes.
 *
 * @example
 * parseNpy(readFileSync('x.npy'), 'x.npy')
 * // Right({ matrix, dtype: 'float64', fortranOrder: false })
 */
export const parseNpy = (bytes: Uint8Array, file: string): CliResult<NpyMatrix> => {
  if (bytes.length === 0)
    return E.left(inputError(file, 'the file is empty; expected a NumPy .npy file'))
  if (bytes.length < 10 || MAGIC.some((byte, i) => bytes[i] !== byte)) {
    return E.left(
      inputError(file, 'expected a NumPy .npy file (starting with \\x93NUMPY), found other bytes'),
    )
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const major = bytes[6]
  if (major < 1 || major > 3) {
    return E.left(
      inputError(file, `expected .npy format version 1, 2 or 3, found ${major}.${bytes[7]}`),
    )
  }
  const lengthBytes = major === 1 ? 2 : 4
  if (bytes.length < 8 + lengthBytes) {
    return E.left(inputError(file, 'the file is truncated inside its header length'))
  }
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true)
  const dataStart = 8 + lengthBytes + headerLength
  if (bytes.length < dataStart) {
    return E.left(
      inputError(
        file,
        `the file is truncated: expected a header of ${headerLength} bytes, ` +
          `found ${bytes.length - 8 - lengthBytes}`,
      ),
    )
  }
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(8 + lengthBytes, dataStart),
  )

  const descr = field(header, 'descr', `['"]([^'"]*)['"]`)
  const order = field(header, 'fortran_order', '(True|False)')
  const shapeText = field(header, 'shape', '\\(([^)]*)\\)')
  if (descr === undefined || order === undefined || shapeText === undefined) {
    return E.left(
      inputError(
        file,
        "header: expected 'descr' (a simple dtype), 'fortran_order' and 'shape', " +
          `found ${JSON.stringify(header.trim().slice(0, 80))}`,
      ),
    )
  }
  const byteOrder = descr[0]
  const type = elementTypes[descr.slice(1)]
  if (type === undefined || !'<>|='.includes(byteOrder)) {
    return E.left(
      inputError(
        file,
        `header: expected a dtype of float64, float32, float16, (u)int8..64 or bool, ` +
          `found ${quotedToken(descr)}`,
      ),
    )
  }
  const shape = shapeText
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
  if (shape.length !== 2 || !shape.every((part) => /^\d+L?$/.test(part))) {
    return E.left(
      inputError(
        file,
        `header: expected a 2-D array (rows, cols), found shape (${shapeText.trim()})`,
      ),
    )
  }
  const [rows, cols] = shape.map((part) => Number.parseInt(part, 10))
  if (rows < 1 || cols < 1) {
    return E.left(
      inputError(
        file,
        `header: expected at least one row and one column, found shape (${rows}, ${cols})`,
      ),
    )
  }

  const expectedBytes = rows * cols * type.size
  const found = bytes.length - dataStart
  if (found !== expectedBytes) {
    const what = found < expectedBytes ? 'the file is truncated' : 'the file is too long'
    return E.left(
      inputError(
        file,
        `${what}: expected ${expectedBytes} bytes of data for shape (${rows}, ${cols}) ` +
          `${type.name}, found ${found}`,
      ),
    )
  }

  const little = byteOrder === '<' || byteOrder === '|' || (byteOrder === '=' && isLittleEndian())
  const fortranOrder = order === 'True'
  const values = new Float64Array(rows * cols)
  for (let q = 0; q < rows * cols; q++) {
    // Fortran order stores column by column: element q is (q mod rows, q div rows).
    const target = fortranOrder ? (q % rows) * cols + Math.floor(q / rows) : q
    values[target] = type.read(view, dataStart + q * type.size, little)
  }
  const matrix = Matrix.fromData(rows, cols, values)
  if (E.isLeft(matrix)) return E.left(inputError(file, matrix.left.message))
  const bigEndian = !little && type.size > 1
  return E.right({ matrix: matrix.right, dtype: type.name, fortranOrder, bigEndian })
}

const isLittleEndian = (): boolean => new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/**
 * A matrix as `.npy` bytes: version 1.0, `<f8`, C order, the header padded
 * so that the data starts at a multiple of 64 bytes.
 *
 * @example
 * writeFileSync('W.npy', encodeNpy(fit.W)) // numpy.load('W.npy') is the same array
 */
export const encodeNpy = (matrix: Matrix): Uint8Array => {
  const dict =
    `{'descr': '<f8', 'fortran_order': False, ` + `'shape': (${matrix.rows}, ${matrix.cols}), }`
  const unpadded = 10 + dict.length + 1
  const padding = (64 - (unpadded % 64)) % 64
  const header = `${dict}${' '.repeat(padding)}\n`
  const out = new Uint8Array(10 + header.length + matrix.rows * matrix.cols * 8)
  out.set(MAGIC, 0)
  out[6] = 1
  out[7] = 0
  const view = new DataView(out.buffer)
  view.setUint16(8, header.length, true)
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i)
  const values = matrix.toFloat64Array()
  for (let q = 0; q < values.length; q++)
    view.setFloat64(10 + header.length + q * 8, values[q], true)
  return out
}
