/** `nmfkit info`: what it finds in a matrix, and how it says it, in process and as a command. */
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { afterAll, describe, expect, it } from 'vitest'
import { CsrMatrix, Matrix, type AnyMatrix } from 'nmfkit'
import { describeMatrix, formatInfo } from '../../cli/commands/info.ts'
import { encodeNpy } from '../../cli/formats/npy.ts'
import type { LoadedMatrix } from '../../cli/formats/read.ts'
import { nmfkit, tempFolder, writeFiles } from './helpers.ts'

const dense = (rows: number[][]): Matrix => {
  const result = Matrix.fromArrays(rows)
  if (E.isLeft(result)) throw new Error(result.left.message)
  return result.right
}

const loaded = (matrix: AnyMatrix): LoadedMatrix => ({
  file: 'x',
  matrix,
  description: 'test',
  locate: (row, col) => `row ${row + 1}, column ${col + 1}`,
})

describe('describeMatrix and formatInfo', () => {
  it('count one entry, row or column in the singular', () => {
    const one = formatInfo(describeMatrix(loaded(dense([[0]]))))
    expect(one).toContain('(samples × features), 1 entry\n')
    expect(one).toContain('all-zero    1 row, 1 column\n')
    const two = formatInfo(describeMatrix(loaded(dense([[0, 0]]))))
    expect(two).toContain('(samples × features), 2 entries\n')
    expect(two).toContain('all-zero    1 row, 2 columns\n')
  })

  it('give the storage in binary units, named as such', () => {
    const storage = (rows: number, cols: number): string | undefined =>
      /stored dense, (.*)\n/.exec(
        formatInfo(describeMatrix(loaded(Matrix.fill(rows, cols, 1)))),
      )?.[1]
    expect(storage(1, 100)).toBe('800 B')
    expect(storage(1797, 64)).toBe('898.5 KiB')
    expect(storage(1024, 1024)).toBe('8.0 MiB')
  })

  it('report no non-finite entry, and a fit, for a matrix of finite non-negative numbers', () => {
    const info = describeMatrix(
      loaded(
        dense([
          [1, 2],
          [3, 4],
        ]),
      ),
    )
    expect(info).toMatchObject({
      min: 1,
      max: 4,
      mean: 2.5,
      negatives: 0,
      nonFinite: 0,
      fitRefused: false,
    })
    expect(info.firstNonFinite).toBeUndefined()
    const text = formatInfo(info)
    expect(text).toContain('non-finite  none\n')
    expect(text).toContain('a fit       k from 1 to 2 with the default init nndsvda')
  })

  it('report NaN and ±Infinity with the first one’s place, and the finite entries’ range', () => {
    const info = describeMatrix(
      loaded(
        dense([
          [1, NaN, 3],
          [Infinity, -2, -Infinity],
        ]),
      ),
    )
    expect(info).toMatchObject({
      min: -2,
      max: 3,
      mean: 2 / 3,
      negatives: 1,
      firstNegative: 'row 2, column 2: -2',
      nonFinite: 3,
      firstNonFinite: 'row 1, column 2: NaN',
      fitRefused: true,
    })
    // As JSON, every number is a number (NaN and Infinity would become null).
    expect(JSON.stringify(info)).not.toContain('null')
    const text = formatInfo(info)
    expect(text).toContain('values      min -2, max 3, mean 0.666667 (of the finite entries)\n')
    expect(text).toContain(
      'non-finite  3, the first at row 1, column 2: NaN: a fit needs every entry finite\n',
    )
    expect(text).toContain('a fit       refused until every entry is finite and ≥ 0; then k')
    expect(text).not.toMatch(/NaN, |Infinity, |mean NaN/)
  })

  it('count a sparse matrix’s zeros in the finite entries, and say when none is finite', () => {
    const sparse = CsrMatrix.fromDense(
      dense([
        [1e308, 0],
        [0, 1],
      ]),
    )
    sparse.data[0] = Infinity // as duplicates summing past the largest double leave it
    const info = describeMatrix(loaded(sparse))
    expect(info).toMatchObject({ min: 0, max: 1, mean: 1 / 3, nonFinite: 1 })
    expect(info.firstNonFinite).toBe('row 1, column 1: Infinity')

    const none = describeMatrix(loaded(dense([[NaN]])))
    expect(none.min).toBeUndefined()
    expect(formatInfo(none)).toContain('values      none finite\n')
  })

  it('do not say a fit will work with negative entries', () => {
    const text = formatInfo(describeMatrix(loaded(dense([[1, -1]]))))
    expect(text).toContain('a fit       refused until every entry is ≥ 0; then k from 1 to 1')
  })
})

describe.concurrent('nmfkit info on non-finite entries', () => {
  const folder = tempFolder()
  afterAll(() => rmSync(folder, { recursive: true, force: true }))
  const withNaN = dense([
    [1, 2],
    [NaN, 4],
  ])
  writeFiles(folder, {
    'nan.npy': encodeNpy(withNaN),
    'big.json': '[[1,1e400]]',
    'sums.mtx':
      '%%MatrixMarket matrix coordinate real general\n2 2 3\n1 1 1e308\n1 1 1e308\n2 2 1\n',
  })

  it('names the first NaN of a .npy', async () => {
    const run = await nmfkit(folder, 'info', 'nan.npy')
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('values      min 1, max 4, mean 2.33333 (of the finite entries)')
    expect(run.stdout).toContain('non-finite  1, the first at row 2, column 1: NaN: ')
    expect(run.stdout).toContain('a fit       refused until every entry is finite; then')
  })

  it('reads a float16 .npy, naming its first Infinity as for any .npy; fit refuses it', async () => {
    // numpy.save of np.array([[1, 0.5], [np.inf, 2]], dtype='>f2'): header and bytes by hand.
    const dict = "{'descr': '>f2', 'fortran_order': False, 'shape': (2, 2), }"
    const header = `${dict}${' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64)}\n`
    const bytes = Buffer.concat([
      Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length, 0]),
      Buffer.from(header, 'latin1'),
      Buffer.from([0x3c, 0x00, 0x38, 0x00, 0x7c, 0x00, 0x40, 0x00]),
    ])
    writeFiles(folder, { 'half.npy': bytes })
    const [info, fit] = await Promise.all([
      nmfkit(folder, 'info', 'half.npy'),
      nmfkit(folder, 'fit', 'half.npy', '-k', '1', '-o', 'half-model.json'),
    ])
    expect(info.status).toBe(0)
    expect(info.stdout).toContain('file        half.npy: NumPy .npy, float16 big-endian, C order\n')
    expect(info.stdout).toContain(
      'values      min 0.5, max 2, mean 1.16667 (of the finite entries)',
    )
    expect(info.stdout).toContain('non-finite  1, the first at row 2, column 1: Infinity: ')
    expect(fit.status).toBe(2)
    expect(fit.stderr).toMatch(/^nmfkit fit: half\.npy: row 2, column 1: expected X to be finite/)
    expect(existsSync(join(folder, 'half-model.json'))).toBe(false)
  })

  it('names an Infinity of Matrix Market sums, in --json too; JSON refuses 1e400', async () => {
    const [json, mtx] = await Promise.all([
      nmfkit(folder, 'info', 'big.json', '--json'),
      nmfkit(folder, 'info', 'sums.mtx', '--json'),
    ])
    // A literal too large for a double is refused where it is, as CSV refuses it.
    expect(json.status).toBe(2)
    expect(json.stderr).toBe(
      'nmfkit info: big.json: line 1, column 5: expected a finite number, found "1e400", too ' +
        'large for a double\n',
    )
    expect(JSON.parse(mtx.stdout)).toMatchObject({
      max: 1,
      nonFinite: 1,
      firstNonFinite: 'entry (1, 1): Infinity',
    })
  })

  it('gives the range of k that fit takes: no more than fit’s limit on a very long side', async () => {
    // 5 × 100,000,000 with 5 entries: nndsvda would go to k = 5, but H of k × 100,000,000
    // passes nmf's largest array above k = 2.
    const entries = [1, 2, 3, 4, 5].map((i) => `${i} ${i} 1`).join('\n')
    writeFiles(folder, {
      'wide.mtx': `%%MatrixMarket matrix coordinate real general\n5 100000000 5\n${entries}\n`,
    })
    const [info, json, fit] = await Promise.all([
      nmfkit(folder, 'info', 'wide.mtx'),
      nmfkit(folder, 'info', 'wide.mtx', '--json'),
      nmfkit(folder, 'fit', 'wide.mtx', '-k', '3', '-o', 'wide-model.json'),
    ])
    expect(info.stdout).toContain(
      'a fit       k from 1 to 2 with the default init nndsvda (at most 2: W, H and their ' +
        'k×k Gram matrices must each fit in 268435456 entries)',
    )
    expect(JSON.parse(json.stdout)).toMatchObject({ maxComponents: 2 })
    expect(fit.status).toBe(2)
    expect(fit.stderr).toContain('option -k: expected at most 2 for X of 5×100000000')
  })

  it('says that no k fits where a side of X is longer than H of one component may be', async () => {
    // 1 × (2^28 + 1) with one entry (JSON, whose CSR takes any number of columns): H of a
    // single component would pass nmf's largest array, so there is no k from 1 to anything.
    writeFiles(folder, {
      'wider.json': JSON.stringify({
        format: 'csr',
        rows: 1,
        cols: 2 ** 28 + 1,
        indptr: [0, 1],
        indices: [5],
        data: [1],
      }),
    })
    const [info, fit] = await Promise.all([
      nmfkit(folder, 'info', 'wider.json'),
      nmfkit(folder, 'fit', 'wider.json', '-k', '1', '-o', 'wider-model.json'),
    ])
    expect(info.stdout).toContain(
      'a fit       none: a side of 268,435,457 is longer than W or H of one component may ' +
        'be (268435456 entries)',
    )
    expect(fit.status).toBe(2)
    expect(fit.stderr).toBe(
      'nmfkit fit: wider.json: expected X with at most 268435456 rows and columns (W holds ' +
        'one entry per row for each component, H one per column, each in at most 268435456 ' +
        'entries), found X of 1×268435457: no k fits\n',
    )
  })

  it('says that X’s zeros rule out β ≤ 0, only when X has zeros and entries that are not', () => {
    const note = "--loss itakura-saito and any other β ≤ 0 refuse X's"
    const some = formatInfo(
      describeMatrix(
        loaded(
          dense([
            [1, 0, 0],
            [2, 3, 0],
          ]),
        ),
      ),
    )
    expect(some).toContain(`nndsvda (random above 2, up to 16384); W 2×k`)
    expect(some).toContain(`\n            ${note} 3 zeros\n`)
    const one = formatInfo(describeMatrix(loaded(CsrMatrix.fromDense(dense([[0, 5]])))))
    expect(one).toContain(`${note} 1 zero\n`)
    expect(formatInfo(describeMatrix(loaded(dense([[1, 2]]))))).not.toContain(note)
    const none = formatInfo(describeMatrix(loaded(dense([[0, 0]]))))
    expect(none).not.toContain(note)
    expect(none).toContain('warning     every entry is zero')
  })

  it('says how far above min(samples, features) a random init goes', () => {
    const text = formatInfo(describeMatrix(loaded(dense([[1, 2]]))))
    expect(text).toContain(
      'k from 1 to 1 with the default init nndsvda (random above 1, up to 16384)',
    )
  })

  it('says a .npy is big-endian, where its bytes are', async () => {
    const dict = "{'descr': '>f8', 'fortran_order': False, 'shape': (1, 2), }"
    const header = `${dict}${' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64)}\n`
    const data = Buffer.alloc(16)
    data.writeDoubleBE(1.5, 0)
    data.writeDoubleBE(2, 8)
    writeFiles(folder, {
      'big-endian.npy': Buffer.concat([
        Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length, 0]),
        Buffer.from(header, 'latin1'),
        data,
      ]),
    })
    const run = await nmfkit(folder, 'info', 'big-endian.npy')
    expect(run.stdout).toContain(
      'file        big-endian.npy: NumPy .npy, float64 big-endian, C order\n',
    )
    expect(run.stdout).toContain('values      min 1.5, max 2, mean 1.75\n')
  })
})
