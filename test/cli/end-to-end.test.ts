/**
 * The command as a new user runs it, in a temporary folder: fit on a CSV, an
 * .mtx and an .npy file; transform new data with the models; compare two fits;
 * show the parts; describe a file. Each step reads back what the previous one
 * wrote.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import * as E from 'fp-ts/lib/Either.js'
import { Matrix, nmf } from 'nmfkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseDelimited } from '../../cli/formats/csv.ts'
import { encodeNpy, parseNpy } from '../../cli/formats/npy.ts'
import { nmfkit, nmfkitWithStdin, sampleData, tempFolder, writeFiles, type Run } from './helpers.ts'

const folder = tempFolder()
afterAll(() => rmSync(folder, { recursive: true, force: true }))

const SAMPLES = 30
const FEATURES = 8
const data = sampleData(SAMPLES, FEATURES)
const features = Array.from({ length: FEATURES }, (_, j) => `f${j + 1}`)

const csv = (rows: number[][], names: boolean): string =>
  [
    ...(names ? [['', ...features].join(',')] : []),
    ...rows.map((row, i) => (names ? [`s${i + 1}`, ...row] : row).join(',')),
  ].join('\n') + '\n'

const mtx = (rows: number[][]): string => {
  const entries = rows.flatMap((row, i) =>
    row.flatMap((value, j) => (value > 5 ? [`${i + 1} ${j + 1} ${value}`] : [])),
  )
  const header = '%%MatrixMarket matrix coordinate real general\n% sparse sample\n'
  return `${header}${rows.length} ${FEATURES} ${entries.length}\n${entries.join('\n')}\n`
}

const npyOf = (rows: number[][]): Uint8Array => {
  const matrix = Matrix.fromArrays(rows)
  if (E.isLeft(matrix)) throw new Error(matrix.left.message)
  return encodeNpy(matrix.right)
}

const read = (name: string): string => readFileSync(join(folder, name), 'utf8')

// The three fits are independent: they run side by side, before the tests that read them.
let csvFit: Run
let mtxFit: Run
let npyFit: Run
let randomFit: Run
const readJson = (name: string): Record<string, unknown> => JSON.parse(read(name))

beforeAll(async () => {
  writeFiles(folder, {
    'data.csv': csv(data, true),
    'new.csv': csv(sampleData(5, FEATURES, 7), false),
    'data.mtx': mtx(data),
    'data.npy': npyOf(data),
  })
  ;[csvFit, mtxFit, npyFit, randomFit] = await Promise.all([
    nmfkit(
      folder,
      'fit',
      'data.csv',
      '-k',
      '3',
      '-o',
      'model.json',
      '--w',
      'W.csv',
      '--h',
      'H.npy',
      '--plot',
      'convergence.svg',
    ),
    nmfkit(
      folder,
      'fit',
      'data.mtx',
      '-k',
      '2',
      '--solver',
      'mu',
      '--loss',
      'kullback-leibler',
      '--max-iter',
      '300',
      '-o',
      'mu.json',
      '--w',
      'W-mu.npy',
      '-q',
    ),
    nmfkit(folder, 'fit', 'data.npy', '-k', '2', '--seed', '3', '--init', 'random', '-q'),
    nmfkit(
      folder,
      'fit',
      'data.csv',
      '-k',
      '3',
      '--init',
      'random',
      '--seed',
      '5',
      '-o',
      'random.json',
      '-q',
    ),
  ])
})

describe('nmfkit fit on three formats', () => {
  it('fits a CSV with names: model, W as CSV, H as .npy, a convergence plot', () => {
    const run = csvFit
    expect(run.status).toBe(0)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(
      new RegExp(
        /^nmfkit fit: data\.csv \(30×8, CSV \(comma-separated\), header row, row names\): /.source +
          /reconstruction error [\d.]+ after \d+ iterations /.source +
          /\(converged, tol 1e-4\) in .*; /.source +
          /wrote model\.json, W\.csv, H\.npy, convergence\.svg\n$/.source,
      ),
    )

    const model = readJson('model.json')
    expect(model.format).toBe('nmfkit-model')
    expect(model.featureNames).toEqual(features)
    expect(model.options).toMatchObject({ components: 3, solver: 'cd', init: 'nndsvda' })
    expect(model.options).not.toHaveProperty('onIteration')
    expect(model.H).toMatchObject({ rows: 3, cols: FEATURES })

    const W = parseDelimited(read('W.csv'), 'W.csv')
    if (E.isLeft(W)) throw new Error(W.left.message)
    expect(W.right.rowNames?.[0]).toBe('s1')
    expect(W.right.columnNames).toEqual(['component1', 'component2', 'component3'])
    expect(W.right.matrix.toFloat64Array()).toEqual(
      Float64Array.from((model.W as { data: number[] }).data),
    )
    const H = parseNpy(readFileSync(join(folder, 'H.npy')), 'H.npy')
    if (E.isLeft(H)) throw new Error(H.left.message)
    expect(Array.from(H.right.matrix.toFloat64Array())).toEqual(
      (model.H as { data: number[] }).data,
    )

    const svg = read('convergence.svg')
    expect(svg).toContain('<polyline')
    expect(svg).toContain('cd on data.csv (30×8), k = 3')
    expect(readdirSync(folder).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  it('fits a sparse .mtx with mu and a KL loss, W as .npy', () => {
    const run = mtxFit
    expect(run).toMatchObject({ status: 0, stderr: '' })
    const model = readJson('mu.json')
    expect(model.options).toMatchObject({ solver: 'mu', betaLoss: 'kullback-leibler' })
    expect((model.input as { description: string }).description).toBe(
      'Matrix Market coordinate real general, kept sparse',
    )
    const W = parseNpy(readFileSync(join(folder, 'W-mu.npy')), 'W-mu.npy')
    if (E.isLeft(W)) throw new Error(W.left.message)
    expect(W.right.matrix.shape).toEqual([SAMPLES, 2])
  })

  it('fits an .npy and writes the model to stdout when no file is named', () => {
    const run = npyFit
    expect(run.status).toBe(0)
    const model = JSON.parse(run.stdout)
    expect(model).toMatchObject({ format: 'nmfkit-model', seed: 3, W: { rows: SAMPLES, cols: 2 } })
    expect(model.input.description).toBe('NumPy .npy, float64, C order')
  })
})

describe.concurrent('nmfkit transform, compare, show and info on what fit wrote', () => {
  it('transforms new samples with the CSV model, and rebuilds them', async () => {
    const run = await nmfkit(
      folder,
      'transform',
      'new.csv',
      '--model',
      'model.json',
      '--w',
      'W-new.csv',
      '--inverse',
      'rebuilt.json',
    )
    expect(run.status).toBe(0)
    expect(run.stderr).toMatch(/^nmfkit transform: new\.csv: 5 samples on 3 components \(cd\)/)
    const W = parseDelimited(read('W-new.csv'), 'W-new.csv')
    if (E.isLeft(W)) throw new Error(W.left.message)
    expect(W.right.matrix.shape).toEqual([5, 3])
    expect(readJson('rebuilt.json')).toMatchObject({ format: 'dense', rows: 5, cols: FEATURES })
  })

  it('keeps the first iteration under --time-limit=-0, and says the limit as 0 s', async () => {
    const run = await nmfkit(
      folder,
      'fit',
      'data.csv',
      '-k',
      '2',
      '--time-limit=-0',
      '-o',
      'limited.json',
    )
    expect(run.status).toBe(0)
    expect(run.stderr).toContain('after 1 iteration (stopped by --time-limit 0 s, tol 1e-4)')
    expect(readJson('limited.json')).toMatchObject({ nIter: 1, stoppedBy: '--time-limit 0 s' })
  })

  it("transforms with the mu model's loss, W on stdout", async () => {
    const run = await nmfkit(folder, 'transform', 'data.mtx', '--model', 'mu.json', '-q')
    expect(run.status).toBe(0)
    const lines = run.stdout.trim().split('\n')
    expect(lines).toHaveLength(SAMPLES)
    expect(lines[0].split(',')).toHaveLength(2)
  })

  it('compares two fits of the CSV, with X, as text, and a fit with itself as JSON', async () => {
    expect(randomFit).toMatchObject({ status: 0, stderr: '' })
    const [text, json] = await Promise.all([
      nmfkit(folder, 'compare', 'model.json', 'random.json', '--input', 'data.csv'),
      nmfkit(folder, 'compare', 'model.json', 'model.json', '--comparators', 'aligned', '--json'),
    ])
    expect(text).toMatchObject({ status: 0, stderr: '' })
    expect(text.stdout).toMatch(
      /^comparator aligned: up to permutation and scale \(a = model\.json, b = random\.json\)\n/,
    )
    expect(text.stdout).toMatch(/reconstruction error ‖X − W·H‖_F: a [\d.]+, b [\d.]+/)
    expect(text.stdout).toContain('comparator norms: entry by entry')
    const report = JSON.parse(json.stdout)
    expect(report.reports).toHaveLength(1)
    expect(report.reports[0]).toMatchObject({
      comparator: 'aligned',
      permutation: [0, 1, 2],
      verdict: { same: true },
    })
  })

  it('shows the components as SVG and PNG', async () => {
    const [svg, png] = await Promise.all([
      nmfkit(folder, 'show', 'model.json', '--shape', '2x4', '-o', 'parts.svg'),
      nmfkit(folder, 'show', 'H.npy', '--shape', '2x4', '--scale', '10', '-o', 'parts.png'),
    ])
    expect(svg).toMatchObject({ status: 0, stderr: '' })
    expect(png).toMatchObject({ status: 0, stderr: '' })
    const picture = read('parts.svg')
    expect(picture).toContain('3 components of model.json (2×4), % of W·H')
    expect(picture.match(/<g transform/g)).toHaveLength(3)
    const bytes = readFileSync(join(folder, 'parts.png'))
    expect([...bytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG')
    // Three 40×20 tiles in one row, 5 pixels apart: 5 + 3·(40 + 5) wide, 5 + 20 + 5 high.
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([140, 30])
  })

  it("labels each component with its share of W·H, however large the model's entries", async () => {
    // W·H's totals pass the largest double: 1e200 · 1e200. The shares are 1/3 and 2/3.
    writeFiles(folder, {
      'small-shares.json': '{"W": [[1, 1], [0, 1]], "H": [[2, 0], [0, 2]]}\n',
      'large-shares.json': '{"W": [[1e200, 1e200], [0, 1e200]], "H": [[2e200, 0], [0, 2e200]]}\n',
      // Component 1 is 1e300 in W and 1e-300 in H: its mass is 1 (twice 0.5), not 1e-600.
      'apart-shares.json':
        '{"W": [[1e300, 1e-300], [0, 1e-300]], "H": [[1e-300, 0], [0, 1e300]]}\n',
      // 200 000 samples: too many for Math.max(...column) (an internal error before).
      'many-shares.json': `${JSON.stringify({
        W: Array.from({ length: 200_000 }, () => [1, 1]),
        H: [
          [1, 0],
          [0, 2],
        ],
      })}\n`,
    })
    const runs = await Promise.all(
      ['small-shares.json', 'large-shares.json', 'apart-shares.json', 'many-shares.json'].map(
        (file) => nmfkit(folder, 'show', file, '--shape', '1x2'),
      ),
    )
    for (const run of runs) {
      expect(run).toMatchObject({ status: 0, stderr: '' })
      expect(run.stdout.match(/>\d+ · [^<]*</g)).toEqual(['>1 · 33.3%<', '>2 · 66.7%<'])
    }
  })

  it('shows H alone as fit --h writes it in JSON, and a model by its content', async () => {
    // The same fit as model.json's (cd from nndsvda is deterministic), H alone as JSON.
    const fit = await nmfkit(folder, 'fit', 'data.csv', '-k', '3', '--h', 'H-alone.json', '-q')
    expect(fit).toMatchObject({ status: 0, stderr: '' })
    writeFiles(folder, { 'digits.model': read('model.json') })
    const shape = ['--shape', '2x4']
    const [json, npy, byName, renamed, stdin, gzipped] = await Promise.all([
      nmfkit(folder, 'show', 'H-alone.json', ...shape),
      nmfkit(folder, 'show', 'H.npy', ...shape),
      nmfkit(folder, 'show', 'model.json', ...shape),
      nmfkit(folder, 'show', 'digits.model', ...shape),
      nmfkitWithStdin(read('model.json'), folder, 'show', '-', ...shape),
      nmfkitWithStdin(gzipSync(read('model.json')), folder, 'show', '-', ...shape),
    ])
    for (const run of [json, npy, byName, renamed, stdin, gzipped]) {
      expect(run).toMatchObject({ status: 0, stderr: '' })
    }
    expect(json.stdout).toContain('>3 components of H-alone.json (2×4)</text>')
    expect(json.stdout).toBe(npy.stdout.replace('of H.npy', 'of H-alone.json'))
    expect(byName.stdout).toContain('>3 components of model.json (2×4), % of W·H</text>')
    expect(renamed.stdout).toBe(byName.stdout.replace('of model.json', 'of digits.model'))
    expect(stdin.stdout).toBe(byName.stdout.replace('of model.json', 'of stdin'))
    expect(gzipped.stdout).toBe(stdin.stdout)
  })

  it('reads H as text with the text flags, where its first line counts 0, 1, …', async () => {
    // 0,1,2,3 above one line: pandas' column numbers, or the first of two components.
    writeFiles(folder, { 'H-counting.csv': '0,1,2,3\n1,1,0,2\n', 'H-counting.json': '[[1, 2]]' })
    const show = (...flags: string[]) =>
      nmfkit(folder, 'show', 'H-counting.csv', '--shape', '2x2', ...flags)
    const [asked, header, data, json] = await Promise.all([
      show(),
      show('--header'),
      show('--no-header', '--no-row-names'),
      nmfkit(folder, 'show', 'H-counting.json', '--shape', '1x2', '--no-header'),
    ])
    expect(asked.status).toBe(2)
    expect(asked.stderr).toMatch(/expected --header \(columns numbered 0, 1, 2, …/)
    expect(header).toMatchObject({ status: 0, stderr: '' })
    expect(header.stdout).toContain('>1 component of H-counting.csv (2×2)</text>')
    expect(data).toMatchObject({ status: 0, stderr: '' })
    expect(data.stdout).toContain('>2 components of H-counting.csv (2×2)</text>')
    expect(json).toMatchObject({
      status: 2,
      stderr:
        'nmfkit show: option --no-header: applies to delimited text (.csv, .tsv, .txt), ' +
        'not to H-counting.json (read as json)\n',
    })
  })

  it('shows components of 2^17 features, which had overflowed the stack', async () => {
    writeFiles(folder, { 'wide.npy': npyOf([Array.from({ length: 1 << 17 }, (_, j) => j % 7)]) })
    const [svg, png] = await Promise.all([
      nmfkit(folder, 'show', 'wide.npy', '--shape', '256x512', '-o', 'wide.svg'),
      nmfkit(folder, 'show', 'wide.npy', '--shape', '256x512', '--scale', '1', '-o', 'wide.png'),
    ])
    expect(svg).toMatchObject({ status: 0, stderr: '' })
    expect(png).toMatchObject({ status: 0, stderr: '' })
    expect(read('wide.svg')).toContain('>1 component of wide.npy (256×512)</text>')
    const bytes = readFileSync(join(folder, 'wide.png'))
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([4 + 512 + 4, 4 + 256 + 4])
  })

  it('describes a file', async () => {
    const run = await nmfkit(folder, 'info', 'data.mtx')
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('shape       30 × 8 (samples × features), 240 entries')
    expect(run.stdout).toContain('stored sparse (CSR)')
    expect(run.stdout).toContain('negatives   none')
  })
})

describe('nmfkit fit from a custom start (--init-w, --init-h)', () => {
  const start = {
    W: sampleData(SAMPLES, 2, 7).map((row) => row.map((value) => value / 10)),
    H: sampleData(2, FEATURES, 11).map((row) => row.map((value) => value / 10)),
  }
  beforeAll(() =>
    writeFiles(folder, {
      'start-x.csv': csv(data, false),
      'start-w.csv': csv(start.W, false),
      'start-h.npy': npyOf(start.H),
    }),
  )

  it('fits from it as nmf does with init { W, H }, whatever the files’ formats', async () => {
    const run = await nmfkit(
      folder,
      ...['fit', 'start-x.csv', '-k', '2', '-q', '--init-w', 'start-w.csv'],
      ...['--init-h', 'start-h.npy'],
    )
    expect(run).toMatchObject({ status: 0, stderr: '' })
    const model = JSON.parse(run.stdout) as { options: { init: string }; W: { data: number[] } }
    expect(model.options.init).toBe('custom')
    const [X, W, H] = [data, start.W, start.H].map((rows) => {
      const matrix = Matrix.fromArrays(rows)
      if (E.isLeft(matrix)) throw new Error(matrix.left.message)
      return matrix.right
    })
    const fit = nmf(X, { components: 2, init: { W, H } })
    if (E.isLeft(fit)) throw new Error(fit.left.message)
    expect(model.W.data).toEqual(Array.from(fit.right.W.toFloat64Array()))
  })

  it('refuses a start of the wrong shape, or half of one, naming the file or the flag', async () => {
    const [shape, half, both] = await Promise.all([
      nmfkit(
        folder,
        'fit',
        'start-x.csv',
        '-k',
        '3',
        '--init-w',
        'start-w.csv',
        '--init-h',
        'start-h.npy',
      ),
      nmfkit(folder, 'fit', 'start-x.csv', '-k', '2', '--init-h', 'start-h.npy'),
      nmfkit(
        folder,
        ...['fit', 'start-x.csv', '-k', '2', '--init', 'random'],
        ...['--init-w', 'start-w.csv', '--init-h', 'start-h.npy'],
      ),
    ])
    expect(shape.stderr).toBe(
      "nmfkit fit: start-w.csv: expected the start's W (--init-w) of shape 30×3, the samples of " +
        'X × -k (start-x.csv: 30×8), found 30×2\n',
    )
    expect(half.stderr).toBe(
      'nmfkit fit: option --init-h: expected --init-w too (a custom start is W and H), found none\n',
    )
    expect(both.stderr).toBe(
      'nmfkit fit: options --init and --init-w/--init-h exclude each other (a named start or a ' +
        'custom one)\n',
    )
    expect([shape.status, half.status, both.status]).toEqual([2, 2, 2])
  })

  it('reads a start whose first line or column counts 0, 1, … by its shape, which no flag sets', async () => {
    // X 3×3, k = 2. W's first line 0,1 and H's 0,1,2 read as pandas' column numbers or as
    // data; W's first column 0,1,2 as an index or as data: the shape the start must have
    // tells which. --no-header and --row-names read X, not the start.
    writeFiles(folder, {
      'count-x.csv': '1,2,3\n4,5,6\n7,8,10\n',
      'count-w-data.csv': '0,1\n1,0\n1,1\n',
      'count-w-header.csv': '0,1\n0,1\n1,0\n1,1\n',
      'count-w-index.csv': 'w,a,b\n0,0,1\n1,1,0\n2,1,1\n',
      'count-h-data.csv': '0,1,2\n1,1,0\n',
      'count-h-header.csv': '0,1,2\n0,1,2\n1,1,0\n',
    })
    const fit = (w: string, h: string) =>
      nmfkit(
        folder,
        'fit',
        'count-x.csv',
        '-k',
        '2',
        '-q',
        '--max-iter',
        '1',
        '--init-w',
        w,
        '--init-h',
        h,
      )
    const runs = await Promise.all([
      fit('count-w-data.csv', 'count-h-data.csv'),
      fit('count-w-header.csv', 'count-h-header.csv'),
      fit('count-w-index.csv', 'count-h-data.csv'),
    ])
    for (const run of runs) expect(run).toMatchObject({ status: 0, stderr: '' })
    const X = Matrix.fromArrays([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 10],
    ])
    const W = Matrix.fromArrays([
      [0, 1],
      [1, 0],
      [1, 1],
    ])
    const H = Matrix.fromArrays([
      [0, 1, 2],
      [1, 1, 0],
    ])
    if (E.isLeft(X) || E.isLeft(W) || E.isLeft(H)) throw new Error('the test matrices')
    const expected = nmf(X.right, { components: 2, maxIter: 1, init: { W: W.right, H: H.right } })
    if (E.isLeft(expected)) throw new Error(expected.left.message)
    for (const run of runs) {
      const model = JSON.parse(run.stdout) as { W: { data: number[] } }
      expect(model.W.data).toEqual(Array.from(expected.right.W.toFloat64Array()))
    }
  })
})
