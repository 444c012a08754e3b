/**
 * Bad usage and bad input, through the command in a child process: one line on
 * stderr that names the file, the line or entry and what was expected; exit
 * code 2; and no output file written or overwritten.
 */
import { existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { rmSync } from 'node:fs'
import { encodeNpy } from '../../cli/formats/npy.ts'
import { Matrix } from 'nmfkit'
import * as E from 'fp-ts/lib/Either.js'
import { nmfkit, tempFolder, writeFiles, type Run } from './helpers.ts'

const folder = tempFolder()
afterAll(() => rmSync(folder, { recursive: true, force: true }))

const goodNpy = (): Uint8Array => {
  const matrix = Matrix.fromArrays([
    [1, 2, 3],
    [4, 5, 6],
  ])
  if (E.isLeft(matrix)) throw new Error(matrix.left.message)
  return encodeNpy(matrix.right)
}

writeFiles(folder, {
  'ragged.csv': 'a,b,c\n1,2,3\n4,5\n',
  'letters.csv': 'a,b,c\n1,2,3\n4,x,6\n',
  'empty.csv': '',
  'truncated.npy': goodNpy().subarray(0, 128 + 40),
  'range.mtx': '%%MatrixMarket matrix coordinate real general\n3 3 2\n1 1 1.5\n4 2 2\n',
  'negative.csv': '1,2\n3,-4\n',
  'good.csv': '1,2\n3,4\n',
  'bom.csv': '\uFEFFa,b\n1,2\n3,4\n',
  'model.json': 'the old model\n',
  'huge.mtx': '%%MatrixMarket matrix coordinate real general\n1000000000 1000000000 1\n1 1 1\n',
  'nan-first.csv': '1,NaN\n2,3\n',
  'input.csv': '1,2\n3,4\n',
  'numbers-header.csv': 'sample,400,500,600\ns1,1,2,3\ns2,4,5,6\n',
  'tiny.csv': '1,1e-400\n2,3\n',
  'utf16.tsv': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a\tb\n1\t2\n', 'utf16le')]),
  'lines.json': 'a,b\n1,2\n',
})

/** The run failed with exit code 2 and exactly one line on stderr. */
const oneLineFailure = (run: Run): string => {
  expect(run.status).toBe(2)
  expect(run.stdout).toBe('')
  const lines = run.stderr.split('\n').filter((line) => line !== '')
  expect(lines).toHaveLength(1)
  return lines[0]
}

describe.concurrent('bad input: one line naming the file, the place and what was expected', () => {
  it('a ragged CSV row', async () => {
    const line = oneLineFailure(
      await nmfkit(folder, 'fit', 'ragged.csv', '-k', '2', '-o', 'model.json'),
    )
    expect(line).toBe(
      'nmfkit fit: ragged.csv: line 3: expected 3 comma-separated fields (as on line 1), found 2',
    )
  })

  it('a non-numeric cell', async () => {
    const line = oneLineFailure(
      await nmfkit(folder, 'fit', 'letters.csv', '-k', '2', '-o', 'model.json'),
    )
    expect(line).toBe(
      'nmfkit fit: letters.csv: line 3, column 2 ("b"): expected a number, found "x"',
    )
  })

  it('a Matrix Market size no memory holds, before anything is allocated', async () => {
    const line = oneLineFailure(await nmfkit(folder, 'info', 'huge.mtx'))
    expect(line).toBe(
      'nmfkit info: huge.mtx: line 2: expected at most 268435456 rows and columns, ' +
        'found 1000000000×1000000000',
    )
  })

  it('a first row with NaN is data with a bad value, not a header', async () => {
    const line = oneLineFailure(await nmfkit(folder, 'fit', 'nan-first.csv', '-k', '1'))
    expect(line).toBe('nmfkit fit: nan-first.csv: line 1, column 2: expected a number, found "NaN"')
  })

  it('a first line that is either a header of numbers or a named row, until a flag says', async () => {
    const line = oneLineFailure(await nmfkit(folder, 'info', 'numbers-header.csv'))
    expect(line).toBe(
      'nmfkit info: numbers-header.csv: line 1: expected --header (columns named 400, 500, 600) ' +
        'or --no-header (a row named "sample"), found a line that reads either way',
    )
    const [header, noHeader] = await Promise.all([
      nmfkit(folder, 'info', 'numbers-header.csv', '--header'),
      nmfkit(folder, 'info', 'numbers-header.csv', '--no-header'),
    ])
    expect(header.stdout).toContain('header row, row names\nshape       2 × 3')
    expect(noHeader.stdout).toContain('row names\nshape       3 × 3')
  })

  it('a number too small for a double, as the flags say it', async () => {
    const line = oneLineFailure(await nmfkit(folder, 'info', 'tiny.csv'))
    expect(line).toBe(
      'nmfkit info: tiny.csv: line 1, column 2: expected a number, found "1e-400", ' +
        'too small for a double (the smallest is 5e-324; write 0 for 0)',
    )
  })

  it('UTF-16 text, and JSON that is not, on one line', async () => {
    const [utf16, json] = await Promise.all([
      nmfkit(folder, 'info', 'utf16.tsv'),
      nmfkit(folder, 'info', 'lines.json'),
    ])
    expect(oneLineFailure(utf16)).toBe(
      'nmfkit info: utf16.tsv: expected UTF-8 text, found UTF-16 (save the file as UTF-8)',
    )
    expect(oneLineFailure(json)).toBe(
      'nmfkit info: lines.json: line 1, column 1: expected valid JSON, ' +
        'found a syntax error (expected a value, found "a")',
    )
  })

  it('an output that would overwrite the input', async () => {
    for (const flag of ['-o', '--w']) {
      const line = oneLineFailure(
        await nmfkit(folder, 'fit', 'input.csv', '-k', '1', flag, 'input.csv', '-q'),
      )
      expect(line).toBe(
        "nmfkit fit: input.csv: expected an output file other than this command's input, " +
          'found the input itself (it would be overwritten)',
      )
      expect(readFileSync(join(folder, 'input.csv'), 'utf8')).toBe('1,2\n3,4\n')
    }
  })

  it('an empty file', async () => {
    const line = oneLineFailure(await nmfkit(folder, 'info', 'empty.csv'))
    expect(line).toBe('nmfkit info: empty.csv: the file is empty; expected lines of numbers')
  })

  it('a truncated .npy', async () => {
    const line = oneLineFailure(
      await nmfkit(folder, 'fit', 'truncated.npy', '-k', '1', '-o', 'model.json'),
    )
    expect(line).toBe(
      'nmfkit fit: truncated.npy: the file is truncated: ' +
        'expected 48 bytes of data for shape (2, 3) float64, found 40',
    )
  })

  it('an .mtx entry out of range', async () => {
    const line = oneLineFailure(
      await nmfkit(folder, 'fit', 'range.mtx', '-k', '1', '-o', 'model.json'),
    )
    expect(line).toBe(
      'nmfkit fit: range.mtx: line 4, entry 2: ' +
        'expected a row in 1..3 and a column in 1..3, found (4, 2)',
    )
  })

  /** Fits good.csv into `model` (with `fitFlags`) and returns a runner of commands that read it. */
  const withModel = async (model: string, ...fitFlags: string[]) => {
    const fitted = await nmfkit(
      folder,
      'fit',
      'good.csv',
      '-k',
      '1',
      '-q',
      '-o',
      model,
      ...fitFlags,
    )
    expect(fitted).toMatchObject({ status: 0, stderr: '' })
    return {
      transform: (...flags: string[]) =>
        nmfkit(folder, 'transform', 'good.csv', '--model', model, ...flags),
      compare: (...flags: string[]) => nmfkit(folder, 'compare', model, model, ...flags),
    }
  }

  it('flag values that would be misread: each named by the flag the user typed', async () => {
    const { transform, compare } = await withModel('fitted.json')
    expect(oneLineFailure(await compare('--tolerance=-1'))).toBe(
      'nmfkit compare: option --tolerance: expected a number in [0, 1], found -1',
    )
    expect(oneLineFailure(await transform('--loss', '1e-400'))).toBe(
      "nmfkit transform: option --loss: expected a number, found '1e-400', too small for a " +
        'double (the smallest is 5e-324; write 0 for 0)',
    )
    expect(oneLineFailure(await transform('--solver', 'moving-average'))).toBe(
      'nmfkit transform: option --solver: expected cd or mu (the solvers with a transform), ' +
        "found 'moving-average'",
    )
    expect(oneLineFailure(await transform('--every', '0'))).toBe(
      "nmfkit transform: option --every: expected an integer ≥ 1, found '0'",
    )
    expect(
      oneLineFailure(await nmfkit(folder, 'fit', 'good.csv', '-k', '1', '--time-limit=-1')),
    ).toBe('nmfkit fit: option --time-limit: expected seconds ≥ 0, found -1')
    const penalty = ['fit', 'good.csv', '-k', '1', '--solver', 'moving-average']
    expect(oneLineFailure(await nmfkit(folder, ...penalty, '--alpha-h', '0.5'))).toBe(
      "nmfkit fit: option --alpha-h: solver 'moving-average' does not apply penalties (its " +
        'capabilities.penalties is not true), found alphaH 0.5: leave alphaW and alphaH at 0, ' +
        "or use a solver that applies them ('cd', 'mu')",
    )
    expect(oneLineFailure(await compare('--comparators', 'norms', '--tolerance', '1e-7'))).toBe(
      'nmfkit compare: option --tolerance: it sets aligned, which --comparators leaves out',
    )
    expect(oneLineFailure(await compare('--comparators', 'aligned,aligned'))).toBe(
      'nmfkit compare: option --comparators: aligned is listed twice',
    )
  })

  it("a solver that cannot take the model's loss: --solver's fault, unless --loss gave it", async () => {
    const { transform } = await withModel('kl.json', '--solver', 'mu', '--loss', 'kullback-leibler')
    const refusal =
      "solver 'cd' handles only betaLoss 'frobenius', found 'kullback-leibler' (β = 1); " +
      "use solver 'mu' for other losses"
    expect(oneLineFailure(await transform('--solver', 'cd'))).toBe(
      `nmfkit transform: option --solver: ${refusal} (the loss is the model's; --loss overrides it)`,
    )
    expect(oneLineFailure(await transform('--solver', 'cd', '--loss', 'kullback-leibler'))).toBe(
      `nmfkit transform: option --loss: ${refusal}`,
    )
    const frobenius = await transform('--solver', 'cd', '--loss', 'frobenius', '-q')
    expect(frobenius).toMatchObject({ status: 0, stderr: '' })
  })

  it('two outputs to one file, or two to standard output', async () => {
    const { transform } = await withModel('two.json')
    expect(oneLineFailure(await transform('--inverse', '-'))).toBe(
      'nmfkit transform: options --w (by default) and --inverse both write to ' +
        "standard output ('-')",
    )
    expect(oneLineFailure(await transform('--w', 'w.csv', '--inverse', './w.csv'))).toBe(
      'nmfkit transform: options --w and --inverse both write to ./w.csv',
    )
    expect(
      oneLineFailure(
        await nmfkit(folder, 'fit', 'good.csv', '-k', '1', '-o', 'm.json', '--w', 'm.json'),
      ),
    ).toBe('nmfkit fit: options --output and --w both write to m.json')
    expect(existsSync(join(folder, 'w.csv'))).toBe(false)
    // The same file through a link.
    writeFileSync(join(folder, 'target.csv'), 'mine\n')
    symlinkSync('target.csv', join(folder, 'link.csv'))
    expect(oneLineFailure(await transform('--w', 'target.csv', '--inverse', 'link.csv'))).toBe(
      'nmfkit transform: options --w and --inverse both write to link.csv',
    )
    expect(readFileSync(join(folder, 'target.csv'), 'utf8')).toBe('mine\n')
  })

  it("a model whose H is all zero or negative: named by the model's file", async () => {
    await withModel('zeros.json')
    const model = JSON.parse(readFileSync(join(folder, 'zeros.json'), 'utf8'))
    model.H.data = model.H.data.map(() => 0)
    writeFileSync(join(folder, 'zeros.json'), JSON.stringify(model))
    model.H.data = model.H.data.map((_: number, q: number) => (q === 1 ? -1 : 1))
    writeFileSync(join(folder, 'negative-h.json'), JSON.stringify(model))
    const [zeros, negative] = await Promise.all([
      nmfkit(folder, 'transform', 'good.csv', '--model', 'zeros.json'),
      nmfkit(folder, 'transform', 'good.csv', '--model', 'negative-h.json'),
    ])
    expect(oneLineFailure(zeros)).toBe(
      'nmfkit transform: zeros.json: expected H to have a non-zero entry, found only zeros',
    )
    expect(oneLineFailure(negative)).toBe(
      'nmfkit transform: negative-h.json: expected H to be non-negative, found -1 at row 0, ' +
        'column 1',
    )
  })

  it("a zero in the input that the model's loss cannot take: the input's place", async () => {
    await withModel('is.json', '--solver', 'mu', '--loss', 'itakura-saito')
    writeFileSync(join(folder, 'zero.csv'), '1,2\n0,4\n')
    const line = oneLineFailure(await nmfkit(folder, 'transform', 'zero.csv', '--model', 'is.json'))
    expect(line).toMatch(
      /^nmfkit transform: zero\.csv: line 2, column 1: the model's betaLoss 'itakura-saito' \(β = 0\) needs X without zeros, found 0: for β ≤ 0 /,
    )
  })

  it('a missing model file', async () => {
    const line = oneLineFailure(
      await nmfkit(folder, 'transform', 'good.csv', '--model', 'gone.json'),
    )
    expect(line).toBe('nmfkit transform: gone.json: expected a file, found none')
  })

  it('a byte-order mark: accepted and stripped from the first name', async () => {
    const run = await nmfkit(folder, 'fit', 'bom.csv', '-k', '1', '-q')
    expect(run).toMatchObject({ status: 0, stderr: '' })
    const model = JSON.parse(run.stdout)
    expect(model.featureNames).toEqual(['a', 'b'])
    expect(model.input.description).toBe('CSV (comma-separated), header row')
  })

  it('a negative entry, placed by line and column', async () => {
    const line = oneLineFailure(
      await nmfkit(folder, 'fit', 'negative.csv', '-k', '1', '-o', 'model.json'),
    )
    expect(line).toBe(
      'nmfkit fit: negative.csv: line 2, column 2: expected X to be non-negative, found -4',
    )
  })

  it('an overflow in the fit: named as the fit made it, not as a place in the file', async () => {
    writeFileSync(join(folder, 'sums.csv'), '1e200,1e199\n1e199,1e200\n')
    writeFileSync(join(folder, 'entry.csv'), '1,2,3\n4,5,6\n7,8,1e160\n')
    const scale = "are too large for the fit's sums; scale X down"
    // The objective overflows first: its error has no entry, and had crashed the command.
    expect(oneLineFailure(await nmfkit(folder, 'fit', 'sums.csv', '-k', '1', '-q'))).toBe(
      'nmfkit fit: sums.csv: expected the objective after iteration 1 to be finite, found NaN; ' +
        `X's entries (largest 1e+200) ${scale}`,
    )
    // W's entry (0, 0) is not line 1, column 1 of the file.
    expect(oneLineFailure(await nmfkit(folder, 'fit', 'entry.csv', '-k', '1', '-q'))).toBe(
      'nmfkit fit: entry.csv: expected W after iteration 1 to be finite, found NaN at row 0, ' +
        `column 0; X's entries (largest 1e+160) ${scale}`,
    )
  })
})

describe('bad usage: one line naming the option', () => {
  it('an unknown option, a missing -k, a bad output name, a bad --set value', async () => {
    const runs = await Promise.all([
      nmfkit(folder, 'fit', 'good.csv', '-k', '1', '--bogus'),
      nmfkit(folder, 'fit', 'good.csv'),
      nmfkit(folder, 'fit', 'good.csv', '-k', '1', '--w', 'W.xlsx'),
      nmfkit(folder, 'fit', 'good.csv', '-k', '1', '--set', 'tol=0x10'),
      nmfkit(folder, 'fit', 'good.csv', '-k', '1', '--tol', '0x10'),
      nmfkit(folder, 'fit', 'good.csv', '--components=0'),
      nmfkit(folder, 'fit', 'good.csv', '-k', '0'),
      nmfkit(folder, 'fit', 'good.csv', '-k', '1', '--set', 'betaLoss=1'),
    ])
    expect(runs.map(oneLineFailure)).toEqual([
      "nmfkit fit: unknown option '--bogus' (see nmfkit fit --help)",
      'nmfkit fit: option -k: expected the number of components, ' +
        'found none (see nmfkit fit --help)',
      'nmfkit fit: option --w: expected a file name ending in .csv, .tsv, .npy, .json, ' +
        "found 'W.xlsx'",
      // The library refuses the text; the error names the flag that gave it.
      'nmfkit fit: option --set tol: expected a finite number ≥ 0, found "0x10"',
      "nmfkit fit: option --tol: expected a number, found '0x10'",
      // The library's refusal of the number of components names the flag as written.
      'nmfkit fit: option --components: expected an integer ≥ 1, found 0',
      'nmfkit fit: option -k: expected an integer ≥ 1, found 0',
      "nmfkit fit: option --set betaLoss: solver 'cd' handles only betaLoss 'frobenius', " +
        "found 'kullback-leibler' (β = 1); use solver 'mu' for other losses",
    ])
  })
})

describe('failed runs leave the output folder as it was', () => {
  it('keeps an existing output and leaves no temporary file', async () => {
    const before = readdirSync(folder).sort()
    // The file reads well; the fit fails (nndsvd needs k ≤ min(samples, features)).
    const run = await nmfkit(
      folder,
      'fit',
      'good.csv',
      '-k',
      '9',
      '--init',
      'nndsvd',
      '-o',
      'model.json',
      '--w',
      'W.csv',
    )
    expect(oneLineFailure(run)).toMatch(/^nmfkit fit: option --init: /)
    expect(readFileSync(join(folder, 'model.json'), 'utf8')).toBe('the old model\n')
    expect(readdirSync(folder).sort()).toEqual(before)
  })
})
