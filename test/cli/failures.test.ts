/**
 * Bad usage and bad input, through the command in a child process: one line on
 * stderr that names the file, the line or entry and what was expected; exit
 * code 2; and no output file written or overwritten.
 */
import {
  closeSync,
  constants,
  existsSync,
  linkSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { execFile, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { rmSync } from 'node:fs'
import { encodeNpy } from '../../cli/formats/npy.ts'
import { Matrix } from 'nmfkit'
import * as E from 'fp-ts/lib/Either.js'
import { BIN, nmfkit, tempFolder, writeFiles, type Run } from './helpers.ts'

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
  'input.json': '[[1, 2], [3, 4]]\n',
  'H-2x4096.npy': encodeNpy(Matrix.fill(2, 4096, 1)),
  'H-1x1000001.npy': encodeNpy(Matrix.fill(1, 1_000_001, 1)),
  'neither.json': '{"foo": 1, "bar": [1, 2]}\n',
  'model-as-X.json': '{"X": {"format": "nmfkit-model", "version": 1, "H": [[1, 2]]}}\n',
  'numbers-header.csv': 'sample,400,500,600\ns1,1,2,3\ns2,4,5,6\n',
  'tiny.csv': '1,1e-400\n2,3\n',
  'utf16.tsv': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a\tb\n1\t2\n', 'utf16le')]),
  'lines.json': 'a,b\n1,2\n',
  'negative.json': '[[1,2,3],[4,5,-6]]\n',
  'negative-X.json': '{"X":[[1,2,3],[4,5,-6]]}\n',
  'negative-data.json': '{"X":{"rows":2,"cols":3,"data":[1,2,3,4,5,-6]}}\n',
  'null-X.json': '{"X":[[1,2],[3,null]]}\n',
  'latin1.csv': Buffer.from('caf\xe9,b\n1,2\n3,4\n', 'latin1'),
  'latin1.mtx': Buffer.from(
    '%%MatrixMarket matrix coordinate real general\n% r\xe9sum\xe9\n2 2 1\n1 1 1\n',
    'latin1',
  ),
  'latin1.json': Buffer.from('{"name": "caf\xe9", "X": [[1, 2]]}\n', 'latin1'),
  // Starts with two bytes that UTF-8 does not allow, as a UTF-16 byte-order mark does.
  'latin1-first.csv': Buffer.from('\xe9\xe9,x\n1,2\n', 'latin1'),
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

  it('a tab-separated file named .csv: the message suggests --delimiter', async () => {
    writeFileSync(join(folder, 'tabs.csv'), 'a\tb\n1\t2\n3\t4\n')
    expect(oneLineFailure(await nmfkit(folder, 'info', 'tabs.csv'))).toBe(
      'nmfkit info: tabs.csv: line 2, column 1 ("a\\tb"): expected a number, found "1\\t2" ' +
        '(the line holds tabs: for a tab-separated file, give --delimiter tab)',
    )
    expect((await nmfkit(folder, 'info', 'tabs.csv', '--delimiter', 'tab')).status).toBe(0)
  })

  it('a non-numeric cell', async () => {
    const line = oneLineFailure(
      await nmfkit(folder, 'fit', 'letters.csv', '-k', '2', '-o', 'model.json'),
    )
    expect(line).toBe(
      'nmfkit fit: letters.csv: line 3, column 2 ("b"): expected a number, found "x"',
    )
  })

  it('a --drop-columns that leaves no column, in a file with a header or without', async () => {
    writeFiles(folder, {
      'one.csv': '5\n',
      'labelled.csv': 'a\n5\n',
      'H-only.json': '{"H": [[1, 1]]}\n',
    })
    const [one, two, labelled, model] = await Promise.all([
      nmfkit(folder, 'info', 'one.csv', '--drop-columns', 'last'),
      nmfkit(folder, 'fit', 'good.csv', '-k', '1', '--drop-columns', '1,2', '-o', 'model.json'),
      nmfkit(folder, 'info', 'labelled.csv', '--drop-columns', 'last'),
      nmfkit(folder, 'transform', 'good.csv', '--model', 'H-only.json', '--drop-columns', '1,2'),
    ])
    expect([one, two, labelled, model].map(oneLineFailure)).toEqual([
      'nmfkit info: option --drop-columns: leaves no column of one.csv to read',
      'nmfkit fit: option --drop-columns: leaves no column of good.csv to read',
      'nmfkit info: option --drop-columns: leaves no column of labelled.csv to read',
      'nmfkit transform: option --drop-columns: leaves no column of good.csv to read',
    ])
    expect(readFileSync(join(folder, 'model.json'), 'utf8')).toBe('the old model\n')
  })

  it('--drop-columns NAME with a repeated name: every such column, and the summary says so', async () => {
    writeFiles(folder, { 'repeated.csv': 'id,a,b,a\nx,1,2,3\ny,4,5,6\nz,7,8,9\n' })
    const [info, fit] = await Promise.all([
      nmfkit(folder, 'info', 'repeated.csv', '--drop-columns', 'a'),
      nmfkit(folder, 'fit', 'repeated.csv', '--drop-columns', 'a', '-k', '1', '-o', 'rep.json'),
    ])
    const described =
      "repeated.csv: CSV (comma-separated), header row, row names, columns 2, 4 left out (2 and 4 both named 'a')"
    expect(info.status).toBe(0)
    expect(info.stdout).toContain(`file        ${described}\n`)
    expect(info.stdout).toContain('shape       3 × 1 (samples × features)')
    expect(fit.status).toBe(0)
    expect(fit.stderr).toMatch(
      /^nmfkit fit: repeated\.csv \(3×1, CSV .*\(2 and 4 both named 'a'\)\):/,
    )
  })

  it('a --key with dots: a key with dots in its name is read; none says what it tried', async () => {
    writeFiles(folder, { 'dotted-key.json': '{"a.b": [[1, 2]], "n": {"a": [[3]]}}\n' })
    const [dotted, escaped, none] = await Promise.all([
      nmfkit(folder, 'info', 'dotted-key.json', '--key', 'a.b'),
      nmfkit(folder, 'info', 'dotted-key.json', '--key', 'a\\.b'),
      nmfkit(folder, 'info', 'dotted-key.json', '--key', 'a.c'),
    ])
    for (const run of [dotted, escaped]) {
      expect(run.status).toBe(0)
      expect(run.stdout).toContain('file        dotted-key.json: JSON, key a\\.b, dense\n')
      expect(run.stdout).toContain('shape       1 × 2')
    }
    expect(oneLineFailure(none)).toBe(
      'nmfkit info: dotted-key.json: expected a key "a.c", found none (the document has no ' +
        'key "a" or "a.c": it is an object with keys "a.b", "n")',
    )
  })

  it("a Matrix Market banner's words in any case are read; '%%matrixmarket' is named", async () => {
    // Without the .mtx extension the format is told by content, in any case too.
    writeFiles(folder, {
      'mixed-case.dat': '%%MatrixMarket MATRIX Coordinate REAL General\n2 2 1\n1 2 5\n',
      'lower-token.dat': '%%matrixmarket matrix coordinate real general\n2 2 1\n1 2 5\n',
    })
    const [mixed, lower] = await Promise.all([
      nmfkit(folder, 'info', 'mixed-case.dat'),
      nmfkit(folder, 'info', 'lower-token.dat'),
    ])
    expect(mixed.status).toBe(0)
    expect(mixed.stdout).toContain('Matrix Market coordinate real general, kept sparse')
    expect(oneLineFailure(lower)).toBe(
      "nmfkit info: lower-token.dat: line 1: expected the banner to start with '%%MatrixMarket', " +
        "so capitalized (the words after it take any case), found '%%matrixmarket'",
    )
  })

  it('a file named .gz that holds no gzip: refused, its first bytes shown escaped', async () => {
    // Gzip is told by its magic bytes; a name that says gzip must hold it.
    const binary = Uint8Array.of(0x1b, 0x5b, 0x32, 0x4a, 0xe9, 0x22, 0x5c, 0x00, 0x7f, 0x0d, 0x09)
    writeFiles(folder, {
      'plain.csv.gz': 'garbage\n',
      'empty.csv.gz': '',
      'binary.npy.GZ': Buffer.concat([binary, Buffer.from(' and more than sixteen bytes')]),
    })
    const [plain, fit, empty, bytes] = await Promise.all([
      nmfkit(folder, 'info', 'plain.csv.gz'),
      nmfkit(folder, 'fit', 'plain.csv.gz', '-k', '1', '-o', 'model.json'),
      nmfkit(folder, 'info', 'empty.csv.gz'),
      nmfkit(folder, 'info', 'binary.npy.GZ'),
    ])
    const refusal = (command: string, file: string, found: string) =>
      `nmfkit ${command}: ${file}: expected gzip data (starting with \\x1f\\x8b), as its name ` +
      `ends in .gz, found ${found} (a file that is not compressed needs a name without .gz)`
    expect([plain, fit, empty, bytes].map(oneLineFailure)).toEqual([
      refusal('info', 'plain.csv.gz', 'other bytes: "garbage\\n"'),
      refusal('fit', 'plain.csv.gz', 'other bytes: "garbage\\n"'),
      refusal('info', 'empty.csv.gz', 'an empty file'),
      refusal(
        'info',
        'binary.npy.GZ',
        String.raw`other bytes: "\x1b[2J\xe9\"\\\x00\x7f\r\t and "…`,
      ),
    ])
    expect(readFileSync(join(folder, 'model.json'), 'utf8')).toBe('the old model\n')
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

  it('a first line that is a header of numbers or a named row, until a flag says', async () => {
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

  it('text that is not UTF-8: refused at its first bad byte, nothing written', async () => {
    const runs = await Promise.all([
      nmfkit(folder, 'fit', 'latin1.csv', '-k', '1', '-q', '-o', 'latin1-model.json'),
      nmfkit(folder, 'info', 'latin1.mtx'),
      nmfkit(folder, 'info', 'latin1.json'),
      nmfkit(folder, 'info', 'latin1-first.csv'),
    ])
    const bad = (place: string) =>
      `${place}: expected UTF-8 text, found the byte 0xE9, which UTF-8 does not allow there ` +
      '(convert the file to UTF-8, e.g. with iconv -f LATIN1 -t UTF-8 if it is Latin-1)'
    expect(runs.map(oneLineFailure)).toEqual([
      `nmfkit fit: latin1.csv: ${bad('line 1, column 4 (byte offset 3)')}`,
      `nmfkit info: latin1.mtx: ${bad('line 2, column 4 (byte offset 49)')}`,
      `nmfkit info: latin1.json: ${bad('line 1, column 14 (byte offset 13)')}`,
      `nmfkit info: latin1-first.csv: ${bad('line 1, column 1 (byte offset 0)')}`,
    ])
    expect(existsSync(join(folder, 'latin1-model.json'))).toBe(false)
  })

  it('an output that would overwrite the input', async () => {
    for (const [flag, input] of [
      ['-o', 'input.json'],
      ['--w', 'input.csv'],
    ]) {
      const before = readFileSync(join(folder, input), 'utf8')
      const line = oneLineFailure(await nmfkit(folder, 'fit', input, '-k', '1', flag, input, '-q'))
      expect(line).toBe(
        `nmfkit fit: ${input}: expected an output file other than this command's input, ` +
          'found the input itself (it would be overwritten)',
      )
      expect(readFileSync(join(folder, input), 'utf8')).toBe(before)
    }
    // Through a link, and through a link to a link.
    symlinkSync('input.csv', join(folder, 'input-link.csv'))
    symlinkSync('input-link.csv', join(folder, 'input-link-2.csv'))
    for (const link of ['input-link.csv', 'input-link-2.csv']) {
      const line = oneLineFailure(
        await nmfkit(folder, 'fit', 'input.csv', '-k', '1', '--w', link, '-q'),
      )
      expect(line).toBe(
        `nmfkit fit: ${link}: expected an output file other than this command's input, ` +
          'found the input itself (it would be overwritten)',
      )
    }
    expect(readFileSync(join(folder, 'input.csv'), 'utf8')).toBe('1,2\n3,4\n')
  })

  it('an output that would overwrite the input, refused before the fit or transform runs', async () => {
    // -v prints a line per iteration: the refusal must come alone, before any iteration.
    const fit = await nmfkit(
      folder,
      'fit',
      'input.csv',
      '-k',
      '1',
      '--w',
      'input.csv',
      '-v',
      '--every',
      '1',
    )
    expect(oneLineFailure(fit)).toBe(
      "nmfkit fit: input.csv: expected an output file other than this command's input, " +
        'found the input itself (it would be overwritten)',
    )
    const model = await nmfkit(
      folder,
      'fit',
      'input.csv',
      '-k',
      '1',
      '-q',
      '-o',
      'overwrite-model.json',
    )
    expect(model.status).toBe(0)
    for (const output of ['overwrite-model.json', 'input.csv']) {
      const run = await nmfkit(
        folder,
        'transform',
        'input.csv',
        '--model',
        'overwrite-model.json',
        '--w',
        '/dev/null',
        '--inverse',
        output,
        '-v',
        '--every',
        '1',
      )
      expect(oneLineFailure(run)).toBe(
        `nmfkit transform: ${output}: expected an output file other than this command's ` +
          'input, found the input itself (it would be overwritten)',
      )
    }
    expect(readFileSync(join(folder, 'input.csv'), 'utf8')).toBe('1,2\n3,4\n')
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
      'nmfkit compare: option --tolerance: expected a number in [0, 1), found -1',
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
      "nmfkit fit: option --alpha-h: solver 'moving-average' does not apply penalties, found " +
        '--alpha-h 0.5: leave --alpha-w and --alpha-h at 0, or use --solver cd or mu, which ' +
        'apply them',
    )
    expect(oneLineFailure(await compare('--comparators', 'norms', '--tolerance', '1e-7'))).toBe(
      'nmfkit compare: option --tolerance: it sets aligned, which --comparators leaves out',
    )
    expect(oneLineFailure(await compare('--comparators', 'aligned,aligned'))).toBe(
      'nmfkit compare: option --comparators: aligned is listed twice',
    )
    // The input flags read --input; without it they were ignored without a word.
    expect(oneLineFailure(await compare('--delimiter', 'tab'))).toBe(
      'nmfkit compare: option --delimiter: it reads --input, which is not given',
    )
    // Standard input can be read once: the second reader found it empty, or took the model's.
    const twice = await Promise.all([
      nmfkit(folder, 'compare', '-', '-'),
      nmfkit(folder, 'transform', '-', '--model', '-'),
      nmfkit(folder, 'compare', '-', '/dev/stdin'),
    ])
    expect(twice.map(oneLineFailure)).toEqual([
      "nmfkit compare: the first model and the second model both read standard input ('-'), " +
        'which can be read once',
      "nmfkit transform: the input and --model both read standard input ('-'), which can be " +
        'read once',
      "nmfkit compare: the first model and the second model both read standard input ('-'), " +
        'which can be read once',
    ])
  })

  it('what the user typed, echoed back: escaped where a terminal would act on it', async () => {
    const { transform, compare } = await withModel('echo.json')
    writeFileSync(
      join(folder, 'echo-words.mtx'),
      '%%MatrixMarket matrix coord\u001b[2J real general\n',
    )
    const fit = (...flags: string[]) => nmfkit(folder, 'fit', 'good.csv', '-k', '1', ...flags)
    const runs = await Promise.all([
      nmfkit(folder, 'fi\u001b[31mt'),
      nmfkit(folder, 'help', 'a\u202eb'),
      fit('--a\nb'),
      fit('--every', '\u009b', '-v'),
      nmfkit(folder, 'fit', 'good.csv', '-k', '2\n3'),
      fit('--max-iter', '1\u2028'),
      fit('--tol', '1e-4\u0085'),
      fit('--format', 'c\u202esv'),
      fit('--delimiter', '\t\t'),
      fit('--kernels', 'gpu\n'),
      fit('--solver', 'mu\u200f'),
      fit('--set', 'max-iter\n=3'),
      fit('--set', 'tol=1e-4\n5'),
      fit('--loss', 'a\u202eb', '-q'),
      transform('--solver', 'c\rd'),
      compare('--comparators', 'aligned,n\u2066orms'),
      nmfkit(folder, 'show', 'echo.json', '--shape', '1x\u001b', '-o', 'echo.svg'),
      nmfkit(folder, 'info', 'echo-words.mtx'),
    ])
    expect(runs.map(oneLineFailure)).toEqual([
      'nmfkit: unknown command "fi\\u001b[31mt": expected one of fit, transform, compare, ' +
        'info, show (see nmfkit --help)',
      'nmfkit: unknown command "a\\u202eb": expected one of fit, transform, compare, info, ' +
        'show (see nmfkit --help)',
      'nmfkit fit: unknown option "--a\\nb" (see nmfkit fit --help)',
      'nmfkit fit: option --every: expected an integer, found "\\u009b"',
      'nmfkit fit: option -k: expected an integer, found "2\\n3"',
      'nmfkit fit: option --max-iter: expected an integer, found "1\\u2028"',
      'nmfkit fit: option --tol: expected a number, found "1e-4\\u0085"',
      'nmfkit fit: option --format: expected one of csv, tsv, txt, mtx, npy, json, ' +
        'found "c\\u202esv"',
      `nmfkit fit: option --delimiter: expected ',', 'tab', ';' or 'space', found "\\t\\t"`,
      'nmfkit fit: option --kernels: expected auto, reference, wasm, found "gpu\\n"',
      'nmfkit fit: option --solver: expected one of cd, moving-average, mu, found "mu\\u200f"',
      'nmfkit fit: option --set: expected NAME=VALUE, found "max-iter\\n=3"',
      // A value across lines is the value, refused as the option's, not as a malformed pair.
      'nmfkit fit: option --set tol: expected a finite number ≥ 0, found "1e-4\\n5"',
      // The library shows the value it refuses as JSON, which keeps U+202E as it is.
      "nmfkit fit: option --loss: expected 'frobenius', 'kullback-leibler', 'itakura-saito' " +
        'or a finite number, found "a\\u202eb"',
      'nmfkit transform: option --solver: expected cd or mu (the solvers with a transform), ' +
        'found "c\\rd"',
      'nmfkit compare: option --comparators: expected aligned or norms, found "n\\u2066orms"',
      'nmfkit show: option --shape: expected HEIGHTxWIDTH with HEIGHT·WIDTH = 2 (the ' +
        'features), found "1x\\u001b"',
      "nmfkit info: echo-words.mtx: line 1: expected the format 'coordinate' or 'array', " +
        'found "coord\\u001b[2J"',
    ])
  })

  it("a solver that cannot take the model's loss: --solver's, unless --loss gave it", async () => {
    const { transform } = await withModel('kl.json', '--solver', 'mu', '--loss', 'kullback-leibler')
    const refusal =
      "solver 'cd' handles only --loss frobenius, found 'kullback-leibler' (β = 1); " +
      'use --solver mu for other losses'
    expect(oneLineFailure(await transform('--solver', 'cd'))).toBe(
      `nmfkit transform: option --solver: ${refusal} ` +
        "(the loss is the model's; --loss overrides it)",
    )
    expect(oneLineFailure(await transform('--solver', 'cd', '--loss', 'kullback-leibler'))).toBe(
      `nmfkit transform: option --loss: ${refusal}`,
    )
    const frobenius = await transform('--solver', 'cd', '--loss', 'frobenius', '-q')
    expect(frobenius).toMatchObject({ status: 0, stderr: '' })
  })

  it("transform's penalties that overflow are W's: it has no --alpha-h to advise", async () => {
    const { transform } = await withModel('penalties.json')
    const run = await transform('--solver', 'mu', '--alpha-w', '1e308', '--l1-ratio', '0.5')
    const line = oneLineFailure(run)
    expect(line).toMatch(/^nmfkit transform: option --alpha-w: /)
    expect(line.replace(/^.*; solver 'mu' overflowed: /, '')).toBe(
      'its penalties (l1W Infinity, l2W Infinity, from --alpha-w and --l1-ratio) are too ' +
        "large for the fit's sums; use a smaller --alpha-w",
    )
  })

  it("transform blames the model's file for the model's penalties, which a flag replaces", async () => {
    await withModel('large-alpha.json')
    const path = join(folder, 'large-alpha.json')
    const model = JSON.parse(readFileSync(path, 'utf8')) as { options: Record<string, unknown> }
    model.options.alphaW = 1e308
    writeFileSync(path, JSON.stringify(model))
    const transform = (...flags: string[]) =>
      nmfkit(folder, 'transform', 'good.csv', '--model', 'large-alpha.json', '-q', ...flags)
    // No --alpha-w was typed: it had said 'option --alpha-w:'.
    expect(oneLineFailure(await transform())).toMatch(
      /^nmfkit transform: large-alpha\.json: expected W after iteration 1 to be finite, .*; use a smaller --alpha-w \(the model's alphaW; --alpha-w overrides it\)$/,
    )
    expect(oneLineFailure(await transform('--alpha-w', '1e308'))).toMatch(
      /^nmfkit transform: option --alpha-w: .*; use a smaller --alpha-w$/,
    )
    expect(await transform('--alpha-w', '0.1')).toMatchObject({ status: 0, stderr: '' })
  })

  it("compare blames a model's file for its factor, the input's for a negative X", async () => {
    await withModel('rank-1.json')
    const rank2 = await nmfkit(folder, 'fit', 'good.csv', '-k', '2', '-q', '-o', 'rank-2.json')
    expect(rank2).toMatchObject({ status: 0, stderr: '' })
    const compare = (b: string, input: string) =>
      nmfkit(folder, 'compare', 'rank-1.json', b, '--input', input)
    // It blamed the --input file, which was fine.
    expect(oneLineFailure(await compare('rank-2.json', 'good.csv'))).toBe(
      'nmfkit compare: rank-2.json: expected W of the second factorization to have shape 2×1 ' +
        '(1 component, as the first has), found 2×2',
    )
    expect(oneLineFailure(await compare('rank-1.json', 'negative.csv'))).toBe(
      'nmfkit compare: negative.csv: line 2, column 2: expected X to be non-negative, found -4',
    )
    // Numbers beyond the largest double: a model's own (its term's norm) names its file; a
    // scale ratio, the pair's, names neither file, and never X's, which was fine.
    const model = JSON.parse(readFileSync(join(folder, 'rank-1.json'), 'utf8'))
    const rescaled = (w: number, h: number) => ({
      ...model,
      W: { ...model.W, data: model.W.data.map((value: number) => value * w) },
      H: { ...model.H, data: model.H.data.map((value: number) => value * h) },
    })
    writeFiles(folder, {
      'huge.json': JSON.stringify(rescaled(1e200, 1e200)),
      'tiny-h.json': JSON.stringify(rescaled(1e306, 1e-306)),
      'big-h.json': JSON.stringify(rescaled(1e-5, 1e5)),
    })
    expect(oneLineFailure(await compare('huge.json', 'good.csv'))).toMatch(
      /^nmfkit compare: huge\.json: expected aligned's norm ‖w·hᵀ‖_F of component 0 of the second /,
    )
    const ratio = nmfkit(folder, 'compare', 'tiny-h.json', 'big-h.json', '--input', 'good.csv')
    expect(oneLineFailure(await ratio)).toMatch(
      /^nmfkit compare: expected aligned's scale ratio ‖row 0 of H_b‖₂ \/ ‖row 0 of H_a‖₂ to be finite/,
    )
  })

  it('two outputs to one file, or two to standard output', async () => {
    const { transform } = await withModel('two.json')
    expect(oneLineFailure(await transform('--inverse', '-'))).toBe(
      'nmfkit transform: options --w (by default) and --inverse both write to ' +
        "standard output ('-'): give --w FILE for W (--w /dev/null to drop it), and W·H " +
        'alone goes to standard output',
    )
    // As it says: W·H alone on standard output.
    const alone = await transform('--inverse', '-', '--w', '/dev/null', '-q')
    expect(alone.status).toBe(0)
    expect(alone.stdout.trim().split('\n')).toHaveLength(2)
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

  it('two outputs to one file through a dangling link; two hard links are two files', async () => {
    const fit = (...outputs: string[]) =>
      nmfkit(folder, 'fit', 'good.csv', '-k', '1', '-q', ...outputs)
    // Links to a file no run has written yet, one of them through another link.
    symlinkSync('dangling-model.json', join(folder, 'dangling-link.json'))
    symlinkSync('dangling-link.json', join(folder, 'dangling-link-2.json'))
    const [direct, chained] = await Promise.all([
      fit('-o', 'dangling-model.json', '--w', 'dangling-link.json'),
      fit('--w', 'dangling-link-2.json', '--h', './dangling-model.json'),
    ])
    expect([direct, chained].map(oneLineFailure)).toEqual([
      'nmfkit fit: options --output and --w both write to dangling-link.json',
      'nmfkit fit: options --w and --h both write to ./dangling-model.json',
    ])
    expect(existsSync(join(folder, 'dangling-model.json'))).toBe(false)
    // Two hard links are two names: each is replaced by a file of its own.
    writeFileSync(join(folder, 'linked-model.json'), 'old\n')
    linkSync(join(folder, 'linked-model.json'), join(folder, 'linked-w.json'))
    expect(await fit('-o', 'linked-model.json', '--w', 'linked-w.json')).toMatchObject({
      status: 0,
    })
    expect(readFileSync(join(folder, 'linked-model.json'), 'utf8')).toMatch(/"nmfkit-model"/)
    expect(JSON.parse(readFileSync(join(folder, 'linked-w.json'), 'utf8'))).toMatchObject({
      rows: 2,
      cols: 1,
    })
  })

  it.runIf(spawnSync('mkfifo', ['--version']).status === 0)(
    'two outputs to one named pipe by two names (hard links)',
    async () => {
      expect(spawnSync('mkfifo', [join(folder, 'pipe')]).status).toBe(0)
      linkSync(join(folder, 'pipe'), join(folder, 'pipe.json'))
      // A reader, so that a run that wrote into the pipe would not wait for one.
      const reader = openSync(join(folder, 'pipe'), constants.O_RDONLY | constants.O_NONBLOCK)
      try {
        const outputs = ['-o', 'pipe', '--h', 'pipe.json']
        const run = await nmfkit(folder, 'fit', 'good.csv', '-k', '1', ...outputs)
        expect(oneLineFailure(run)).toBe(
          'nmfkit fit: options --output and --h both write to pipe.json',
        )
      } finally {
        closeSync(reader)
      }
    },
  )

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
    // Placed in the file's H, counting from 1 as the CLI does (the library counts from 0).
    expect(oneLineFailure(negative)).toBe(
      'nmfkit transform: negative-h.json: H.data[1] (row 1, column 2): expected H to be ' +
        'non-negative, found -1',
    )
  })

  it('a model may hold H as nested arrays, as show --help says; a bad entry is placed', async () => {
    writeFileSync(join(folder, 'nested-h.json'), '{"H": [[1, 2]]}')
    writeFileSync(join(folder, 'ragged-h.json'), '{"H": [[1, 2], [1]]}')
    const [nested, ragged] = await Promise.all([
      nmfkit(folder, 'transform', 'good.csv', '--model', 'nested-h.json', '-q'),
      nmfkit(folder, 'transform', 'good.csv', '--model', 'ragged-h.json', '-q'),
    ])
    expect(nested).toMatchObject({ status: 0, stderr: '' })
    expect(oneLineFailure(ragged)).toBe(
      'nmfkit transform: ragged-h.json: H[1] (row 2): expected 2 entries, as row 1 has, found 1',
    )
    // A refused entry of H is placed in the file's own layout, nested, a fixture's or CSR
    // (where the stored entry's index is not the dense one).
    writeFileSync(join(folder, 'nested-neg.json'), '{"H": [[1, -2]]}')
    writeFileSync(
      join(folder, 'fixture-neg.json'),
      '{"expected": {"H": {"rows": 1, "cols": 2, "data": [1, -2]}}}',
    )
    writeFileSync(
      join(folder, 'csr-neg.json'),
      '{"H": {"format": "csr", "rows": 1, "cols": 2, "indptr": [0, 1], "indices": [1], ' +
        '"data": [-2]}}',
    )
    const refused = await Promise.all([
      nmfkit(folder, 'transform', 'good.csv', '--model', 'nested-neg.json'),
      nmfkit(folder, 'transform', 'good.csv', '--model', 'fixture-neg.json'),
      nmfkit(folder, 'transform', 'good.csv', '--model', 'csr-neg.json'),
    ])
    expect(refused.map(oneLineFailure)).toEqual([
      'nmfkit transform: nested-neg.json: H[0][1] (row 1, column 2): expected H to be ' +
        'non-negative, found -2',
      'nmfkit transform: fixture-neg.json: expected.H.data[1] (row 1, column 2): expected H to ' +
        'be non-negative, found -2',
      'nmfkit transform: csr-neg.json: H.data[0] (row 1, column 2): expected H to be ' +
        'non-negative, found -2',
    ])
  })

  it("a zero in the input that the model's loss cannot take: the input's place", async () => {
    await withModel('is.json', '--solver', 'mu', '--loss', 'itakura-saito')
    writeFileSync(join(folder, 'zero.csv'), '1,2\n0,4\n')
    const line = oneLineFailure(await nmfkit(folder, 'transform', 'zero.csv', '--model', 'is.json'))
    expect(line).toMatch(
      new RegExp(
        String.raw`^nmfkit transform: zero\.csv: line 2, column 1: the model's loss ` +
          String.raw`itakura-saito \(β = 0\) needs X without zeros, found 0: for β ≤ 0 .*` +
          String.raw`or use --loss kullback-leibler or another β > 0$`,
      ),
    )
  })

  it('a zero in the input that --loss cannot take, in fit: the place in the file', async () => {
    writeFileSync(join(folder, 'zero-fit.csv'), '1,2\n3,0\n')
    const line = oneLineFailure(
      await nmfkit(folder, 'fit', 'zero-fit.csv', '-k', '1', '--solver', 'mu', '--loss', '0', '-q'),
    )
    expect(line).toMatch(
      new RegExp(
        String.raw`^nmfkit fit: zero-fit\.csv: line 2, column 2: --loss itakura-saito ` +
          String.raw`\(β = 0\) needs X without zeros, found 0: for β ≤ 0 .*` +
          String.raw`or use --loss kullback-leibler or another β > 0$`,
      ),
    )
  })

  it("columns named otherwise than the model's features, or in another order", async () => {
    writeFileSync(join(folder, 'named.csv'), 'a,b,c\n1,0,5\n2,1,4\n3,0,6\n')
    writeFileSync(join(folder, 'reordered.csv'), 'c,a,b\n5,1,0\n')
    writeFileSync(join(folder, 'renamed.csv'), 'x,y,z\n5,1,0\n')
    writeFileSync(join(folder, 'unnamed.csv'), '5,1,0\n')
    const fitted = await nmfkit(folder, 'fit', 'named.csv', '-k', '1', '-q', '-o', 'named.json')
    expect(fitted).toMatchObject({ status: 0, stderr: '' })
    const transform = (file: string) =>
      nmfkit(folder, 'transform', file, '--model', 'named.json', '-q')
    expect(oneLineFailure(await transform('reordered.csv'))).toBe(
      'nmfkit transform: reordered.csv: expected the features of named.json, in its order, ' +
        'found "c" as feature 1, where the model has "a"; the model\'s "a" is feature 2 here',
    )
    expect(oneLineFailure(await transform('renamed.csv'))).toBe(
      'nmfkit transform: renamed.csv: expected the features of named.json, in its order, ' +
        'found "x" as feature 1, where the model has "a"',
    )
    // Without names there is nothing to compare; with the same names, in order, it runs.
    expect(await transform('unnamed.csv')).toMatchObject({ status: 0, stderr: '' })
    expect(await transform('named.csv')).toMatchObject({ status: 0, stderr: '' })
  })

  it("a model whose solver cannot take its loss: the model's fault, not --solver's", async () => {
    await withModel('solver-loss.json')
    const model = JSON.parse(readFileSync(join(folder, 'solver-loss.json'), 'utf8')) as {
      options: Record<string, unknown>
    }
    model.options.betaLoss = 'kullback-leibler'
    writeFileSync(join(folder, 'cd-kl.json'), JSON.stringify(model))
    expect(
      oneLineFailure(await nmfkit(folder, 'transform', 'good.csv', '--model', 'cd-kl.json', '-q')),
    ).toBe(
      "nmfkit transform: cd-kl.json: solver 'cd' handles only --loss frobenius, found " +
        "'kullback-leibler' (β = 1); use --solver mu for other losses (the solver and the loss " +
        "are the model's)",
    )
  })

  it('a model of a solver without a transform, with another loss: --solver mu', async () => {
    await withModel('plugin-model.json')
    const model = JSON.parse(readFileSync(join(folder, 'plugin-model.json'), 'utf8')) as {
      solver: { name: string }
      options: Record<string, unknown>
    }
    model.solver.name = 'plain-mu'
    model.options.solver = 'plain-mu'
    model.options.betaLoss = 'itakura-saito'
    writeFileSync(join(folder, 'plain-mu.json'), JSON.stringify(model))
    const run = await nmfkit(folder, 'transform', 'good.csv', '--model', 'plain-mu.json', '-q')
    expect(oneLineFailure(run)).toBe(
      "nmfkit transform: option --solver: solver 'cd' handles only --loss frobenius, found " +
        "'itakura-saito' (β = 0); use --solver mu for other losses (the model's solver, " +
        "'plain-mu', has no transform, so transform runs cd; give --solver mu for the model's " +
        'loss)',
    )
  })

  it("a bad option in the model's file: the file's fault, not a flag's", async () => {
    await withModel('options.json')
    const model = JSON.parse(readFileSync(join(folder, 'options.json'), 'utf8')) as {
      options: Record<string, unknown>
    }
    model.options.maxIter = 'abc'
    writeFileSync(join(folder, 'bad-options.json'), JSON.stringify(model))
    const transform = (...flags: string[]) =>
      nmfkit(folder, 'transform', 'good.csv', '--model', 'bad-options.json', '-q', ...flags)
    expect(oneLineFailure(await transform())).toBe(
      "nmfkit transform: bad-options.json: option 'maxIter': expected an integer ≥ 1, " +
        "found 'abc'",
    )
    // A flag that replaces it settles it.
    expect(await transform('--max-iter', '5')).toMatchObject({ status: 0, stderr: '' })
  })

  it('a matrix file given as the model: says a model is the JSON that fit writes', async () => {
    writeFileSync(join(folder, 'matrix.npy'), goodNpy())
    writeFileSync(
      join(folder, 'arrays.npz'),
      Uint8Array.of(0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)),
    )
    const [npy, npz] = await Promise.all([
      nmfkit(folder, 'transform', 'good.csv', '--model', 'matrix.npy', '-q'),
      nmfkit(folder, 'transform', 'good.csv', '--model', 'arrays.npz', '-q'),
    ])
    expect(oneLineFailure(npy)).toBe(
      'nmfkit transform: matrix.npy: expected a model (the JSON file nmfkit fit -o writes), ' +
        'found a NumPy .npy file',
    )
    expect(oneLineFailure(npz)).toBe(
      'nmfkit transform: arrays.npz: expected a model (the JSON file nmfkit fit -o writes), ' +
        'found a zip archive',
    )
  })

  it('no --model: the hint to the help that -k of fit gives too', async () => {
    expect(oneLineFailure(await nmfkit(folder, 'transform', 'good.csv'))).toBe(
      'nmfkit transform: option --model: expected a model file, found none ' +
        '(see nmfkit transform --help)',
    )
  })

  it('a model whose featureNames or solver do not fit it: named by the file and the field', async () => {
    writeFileSync(join(folder, 'features.csv'), 'a,b\n1,2\n3,4\n')
    const fitted = await nmfkit(folder, 'fit', 'features.csv', '-k', '1', '-q', '-o', 'f.json')
    expect(fitted.status).toBe(0)
    const model = JSON.parse(readFileSync(join(folder, 'f.json'), 'utf8'))
    writeFileSync(join(folder, 'one-name.json'), JSON.stringify({ ...model, featureNames: ['a'] }))
    const als = { ...model, options: { ...model.options, solver: 'als' } }
    writeFileSync(join(folder, 'als.json'), JSON.stringify(als))
    const [names, solver] = await Promise.all([
      nmfkit(folder, 'transform', 'features.csv', '--model', 'one-name.json', '--w', 'w1.csv'),
      nmfkit(folder, 'transform', 'features.csv', '--model', 'als.json', '--w', 'w2.csv'),
    ])
    expect(oneLineFailure(names)).toBe(
      'nmfkit transform: one-name.json: featureNames: expected 2 names (one per column of H), ' +
        'found 1',
    )
    expect(oneLineFailure(solver)).toBe(
      "nmfkit transform: als.json: options.solver: expected 'cd', the solver.name of the fit, " +
        "found 'als'",
    )
  })

  it('a missing model file', async () => {
    const line = oneLineFailure(
      await nmfkit(folder, 'transform', 'good.csv', '--model', 'gone.json'),
    )
    expect(line).toBe('nmfkit transform: gone.json: expected a file, found none')
  })

  // An empty name left nothing before the message's colon ("nmfkit info: : expected a file").
  it('an empty input name, refused as an empty output name is', async () => {
    const runs = await Promise.all([
      nmfkit(folder, 'info', ''),
      nmfkit(folder, 'transform', 'good.csv', '--model', ''),
    ])
    expect(runs.map((run) => [run.status, oneLineFailure(run)])).toEqual([
      [2, 'nmfkit info: "": expected a file name, found an empty one'],
      [2, 'nmfkit transform: "": expected a file name, found an empty one'],
    ])
  })

  it('a byte-order mark: accepted and stripped from the first name', async () => {
    const run = await nmfkit(folder, 'fit', 'bom.csv', '-k', '1', '-q')
    expect(run).toMatchObject({ status: 0, stderr: '' })
    const model = JSON.parse(run.stdout)
    expect(model.featureNames).toEqual(['a', 'b'])
    expect(model.input.description).toBe('CSV (comma-separated), header row')
  })

  it('a negative entry of a symmetric .mtx: where the file stores it', async () => {
    writeFileSync(
      join(folder, 'symmetric.mtx'),
      '%%MatrixMarket matrix coordinate real symmetric\n3 3 2\n1 1 1\n3 2 -4\n',
    )
    expect(oneLineFailure(await nmfkit(folder, 'fit', 'symmetric.mtx', '-k', '1', '-q'))).toBe(
      'nmfkit fit: symmetric.mtx: entry (3, 2): expected X to be non-negative, found -4',
    )
  })

  it('a negative entry, placed by line and column', async () => {
    const line = oneLineFailure(
      await nmfkit(folder, 'fit', 'negative.csv', '-k', '1', '-o', 'model.json'),
    )
    expect(line).toBe(
      'nmfkit fit: negative.csv: line 2, column 2: expected X to be non-negative, found -4',
    )
  })

  it('a bad JSON entry: by a path the file has, rows and columns from 1 as elsewhere', async () => {
    const runs = await Promise.all(
      ['negative.json', 'negative-X.json', 'negative-data.json', 'null-X.json'].map((file) =>
        nmfkit(folder, 'fit', file, '-k', '1', '-q'),
      ),
    )
    expect(runs.map(oneLineFailure)).toEqual([
      'nmfkit fit: negative.json: [1][2] (row 2, column 3): expected X to be non-negative, ' +
        'found -6',
      'nmfkit fit: negative-X.json: X[1][2] (row 2, column 3): expected X to be non-negative, ' +
        'found -6',
      'nmfkit fit: negative-data.json: X.data[5] (row 2, column 3): expected X to be ' +
        'non-negative, found -6',
      'nmfkit fit: null-X.json: X[1][1] (row 2, column 2): expected a number, found null',
    ])
  })

  it('an overflow in the fit: named as the fit made it, not as a place in the file', async () => {
    writeFileSync(join(folder, 'sums.csv'), '1e200,1e199\n1e199,1e200\n')
    writeFileSync(join(folder, 'entry.csv'), '1,2,3\n4,5,6\n7,8,1e160\n')
    const scale = "are too large for the fit's sums; scale X down"
    // The objective overflows first: its error has no entry, and had crashed the command.
    expect(oneLineFailure(await nmfkit(folder, 'fit', 'sums.csv', '-k', '1', '-q'))).toBe(
      'nmfkit fit: sums.csv: expected the objective after iteration 1 to be finite, found NaN; ' +
        `X's entries (largest 1e200) ${scale}`,
    )
    // An overflow that --loss caused is --loss's.
    writeFileSync(join(folder, 'e80.csv'), '1e80,3e80\n2e80,5e80\n4e80,1e80\n')
    const loss = await nmfkit(folder, 'fit', 'e80.csv', '-k', '1', '--solver', 'mu', '--loss', '5')
    expect(oneLineFailure(loss)).toMatch(
      new RegExp(
        String.raw`^nmfkit fit: option --loss: expected [WH] after iteration 1 to be finite, ` +
          String.raw`found NaN at row \d+, column \d+; solver 'mu' overflowed: --loss 5 \(β = 5\) ` +
          String.raw`raises W·H to the powers β − 1 and β − 2; use a --loss in \[0, 2\], ` +
          String.raw`or scale X down$`,
      ),
    )
    // W's first entry, counted from 1 as every place the command names, is W's: not line 1,
    // column 1 of the file.
    expect(oneLineFailure(await nmfkit(folder, 'fit', 'entry.csv', '-k', '1', '-q'))).toBe(
      'nmfkit fit: entry.csv: expected W after iteration 1 to be finite, found NaN at row 1, ' +
        `column 1; X's entries (largest 1e160) ${scale}`,
    )
  })

  it('a fit that underflowed at X’s scale names the file, as the overflow does', async () => {
    writeFileSync(join(folder, 'tiny.csv'), '1e-300,0\n0,1e-300\n')
    expect(oneLineFailure(await nmfkit(folder, 'fit', 'tiny.csv', '-k', '1', '-q'))).toMatch(
      /^nmfkit fit: tiny\.csv: the fit converged after 1 iteration to a W·H that is zero in every entry, though X is not \(its largest entry is 1e-300\).*; scale X up$/,
    )
  })
})

describe('outputs the system refuses: named as given, exit 2, never an internal error', () => {
  it('a long legal name is written; a longer one, or one the system refuses, is named', async () => {
    const long = `${'a'.repeat(240)}.csv`
    const tooLong = `${'a'.repeat(252)}.csv`
    const [fits, refused, proc] = await Promise.all([
      nmfkit(folder, 'fit', 'good.csv', '-k', '1', '-q', '--w', long),
      nmfkit(folder, 'fit', 'good.csv', '-k', '1', '-q', '--w', tooLong),
      nmfkit(folder, 'fit', 'good.csv', '-k', '1', '-q', '--w', '/proc/nope.csv'),
    ])
    expect(fits.status, fits.stderr).toBe(0)
    expect(existsSync(join(folder, long))).toBe(true)
    expect(oneLineFailure(refused)).toBe(
      `nmfkit fit: option --w: ${tooLong}: cannot write it (file name too long)`,
    )
    // Refused before the fit where this process may not write to /proc, else by the write.
    expect(oneLineFailure(proc)).toMatch(/^nmfkit fit: (option --w: )?\/proc\/nope\.csv: cannot /)
    expect(proc.stderr).not.toMatch(/\.tmp|internal error/)
    expect(readdirSync(folder).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })
})

describe('a refused device: no file replaced', () => {
  it.runIf(existsSync('/dev/full'))('-o /dev/full --w W.csv --h H.csv writes neither', async () => {
    writeFileSync(join(folder, 'full-H.csv'), 'the old H\n')
    const run = await nmfkit(
      folder,
      'fit',
      'good.csv',
      '-k',
      '1',
      '-q',
      '-o',
      '/dev/full',
      '--w',
      'full-W.csv',
      '--h',
      'full-H.csv',
    )
    expect(oneLineFailure(run)).toBe('nmfkit fit: /dev/full: cannot write it (disk full)')
    expect(existsSync(join(folder, 'full-W.csv'))).toBe(false)
    expect(readFileSync(join(folder, 'full-H.csv'), 'utf8')).toBe('the old H\n')
    expect(readdirSync(folder).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })
})

describe('standard output refused by the system', () => {
  it.runIf(existsSync('/dev/full'))(
    'a full disk behind > is named in one line, exit 2, whatever the command',
    () => {
      // The shell's `> /dev/full`: standard output is the device, and every write to it fails.
      const full = openSync('/dev/full', 'w')
      try {
        const run = (...args: string[]) =>
          spawnSync(process.execPath, [BIN, ...args], {
            cwd: folder,
            encoding: 'utf8',
            stdio: ['ignore', full, 'pipe'],
          })
        for (const [command, ...rest] of [
          ['fit', 'good.csv', '-k', '1', '-q'],
          ['info', 'good.csv'],
          ['fit', '--help'],
        ]) {
          const { status, stderr } = run(command, ...rest)
          expect([status, stderr]).toEqual([
            2,
            `nmfkit ${command}: standard output: cannot write it (disk full)\n`,
          ])
        }
      } finally {
        closeSync(full)
      }
    },
  )
})

describe('bad usage: one line naming the option', () => {
  it('an unknown option, a missing -k, a bad output name, a bad --set value, --init', async () => {
    const runs = await Promise.all([
      nmfkit(folder, 'fit', 'good.csv', '-k', '1', '--bogus'),
      nmfkit(folder, 'fit', 'good.csv'),
      nmfkit(folder, 'fit', 'good.csv', '-k', '1', '--w', 'W.xlsx'),
      nmfkit(folder, 'fit', 'good.csv', '-k', '1', '--set', 'tol=0x10'),
      nmfkit(folder, 'fit', 'good.csv', '-k', '1', '--tol', '0x10'),
      nmfkit(folder, 'fit', 'good.csv', '--components=0'),
      nmfkit(folder, 'fit', 'good.csv', '-k', '0'),
      nmfkit(folder, 'fit', 'good.csv', '-k', '1', '--set', 'betaLoss=1'),
      nmfkit(folder, 'fit', 'good.csv', '-k', '3', '--init', 'nndsvd'),
      nmfkit(folder, 'fit', 'good.csv', '-k', '1', '--init', 'svd'),
      nmfkit(folder, 'fit', 'good.csv', '-k', '1', '--set', 'init=1'),
    ])
    expect(runs.map(oneLineFailure)).toEqual([
      "nmfkit fit: unknown option '--bogus' (see nmfkit fit --help)",
      'nmfkit fit: option -k: expected the number of components, ' +
        'found none (see nmfkit fit --help)',
      'nmfkit fit: option --w: expected a file name ending in .csv, .tsv, .npy, .json, ' +
        "found 'W.xlsx'",
      // The library refuses the text; the error names the flag that gave it, and quotes the
      // text as the command's own refusal of --tol does.
      "nmfkit fit: option --set tol: expected a finite number ≥ 0, found '0x10'",
      "nmfkit fit: option --tol: expected a number, found '0x10'",
      // The library's refusal of the number of components names the flag as written.
      'nmfkit fit: option --components: expected an integer ≥ 1, found 0',
      'nmfkit fit: option -k: expected an integer ≥ 1, found 0',
      // What the solver accepts by the flag a user types for it, not in the user's spelling.
      "nmfkit fit: option --set betaLoss: solver 'cd' handles only --loss frobenius, " +
        "found 'kullback-leibler' (β = 1); use --solver mu for other losses",
      // The library's advice, as a command line gives it.
      "nmfkit fit: option --init: 'nndsvd' needs components ≤ min(samples, features) = 2, " +
        'found 3; use --init random for more components',
      // Not the library's list, which offers factors { W, H } that no flag gives.
      "nmfkit fit: option --init: expected one of random, nndsvd, nndsvda, nndsvdar, found 'svd'",
      'nmfkit fit: option --set init: expected one of random, nndsvd, nndsvda, nndsvdar, ' +
        "found '1'",
    ])
  })

  it("the library's refusals in a command line's terms: flags, values as typed", async () => {
    const fit = (...flags: string[]) => nmfkit(folder, 'fit', 'good.csv', '-k', '1', '-q', ...flags)
    const overflow = 'expected W after iteration 1 to be finite, found NaN at row 1, column 1'
    const runs = await Promise.all([
      fit('--solver', 'moving-average', '--set', 'alpha-w=1'),
      fit('--solver', 'moving-average', '--alpha-w', '1'),
      fit('--solver', 'moving-average', '--alpha-w', '1', '--alpha-h', 'same'),
      fit('--set', 'beta-loss=kullback-leibler'),
      fit('--solver', 'mu', '--loss', '1e300'),
      fit('--solver', 'mu', '--set', 'betaLoss=1e300'),
      fit('--set', 'alphaH=1e308'),
      fit('--solver', 'moving-average', '--set', 'nonnegative=maybe'),
      fit('--alpha-h', 'foo'),
      fit('--set', 'alphaH=foo'),
      fit('--set', 'tol=1=2'),
      fit('--loss', 'kl'),
    ])
    expect(runs.map(oneLineFailure)).toEqual([
      // What it found in the user's spelling; its advice by the flags a user types; and
      // --alpha-h, which the user did not type, at its default rather than as typed.
      "nmfkit fit: option --set alpha-w: solver 'moving-average' does not apply penalties, " +
        "found --set alpha-w=1 (and --alpha-h at its default, 'same'): leave --alpha-w and " +
        '--alpha-h at 0, or use --solver cd or mu, which apply them',
      "nmfkit fit: option --alpha-w: solver 'moving-average' does not apply penalties, " +
        "found --alpha-w 1 (and --alpha-h at its default, 'same'): leave --alpha-w and " +
        '--alpha-h at 0, or use --solver cd or mu, which apply them',
      "nmfkit fit: option --alpha-w: solver 'moving-average' does not apply penalties, " +
        'found --alpha-w 1 and --alpha-h same: leave --alpha-w and --alpha-h at 0, or use ' +
        '--solver cd or mu, which apply them',
      // What the solver accepts by the flag a user types for it, not in the user's spelling.
      "nmfkit fit: option --set beta-loss: solver 'cd' handles only --loss frobenius, found " +
        "'kullback-leibler' (β = 1); use --solver mu for other losses",
      `nmfkit fit: option --loss: ${overflow}; solver 'mu' overflowed: --loss 1e300 ` +
        '(β = 1e300) raises W·H to the powers β − 1 and β − 2; use a --loss in [0, 2], or ' +
        'scale X down',
      `nmfkit fit: option --set betaLoss: ${overflow}; solver 'mu' overflowed: --set ` +
        'betaLoss=1e300 (β = 1e300) raises W·H to the powers β − 1 and β − 2; use a --loss ' +
        'in [0, 2], or scale X down',
      'nmfkit fit: option --set alphaH: expected H after iteration 1 to be finite, found NaN ' +
        "at row 1, column 1; solver 'cd' overflowed: its penalties (l1W 0, l2W 0, l1H 0, l2H " +
        "Infinity, from --alpha-w, --set alphaH and --l1-ratio) are too large for the fit's " +
        'sums; use a smaller --alpha-h',
      "nmfkit fit: option --set nonnegative: expected true or false, found 'maybe'",
      "nmfkit fit: option --alpha-h: expected a number or 'same', found 'foo'",
      "nmfkit fit: option --set alphaH: expected a finite number ≥ 0 or 'same', found 'foo'",
      // Values the library refuses, quoted as the command quotes what it echoes.
      "nmfkit fit: option --set tol: expected a finite number ≥ 0, found '1=2'",
      "nmfkit fit: option --loss: expected 'frobenius', 'kullback-leibler', 'itakura-saito' " +
        "or a finite number, found 'kl'",
    ])
  })
})

describe('-o takes any name but one that claims another format: the model is always JSON', () => {
  it('/dev/null is taken by every output, several at once, as fit -o /dev/null is', async () => {
    writeFileSync(join(folder, 'null-input.csv'), 'a,b,c,d\n1,2,3,4\n5,6,7,8\n')
    const everything = ['-o', '/dev/null', '--w', '/dev/null', '--h', '/dev/null']
    const fit = await nmfkit(
      folder,
      'fit',
      'null-input.csv',
      '-k',
      '1',
      ...everything,
      '--plot',
      '/dev/null',
    )
    expect(fit.status).toBe(0)
    expect(fit.stderr).toMatch(/; wrote \/dev\/null\n$/)
    const model = await nmfkit(
      folder,
      'fit',
      'null-input.csv',
      '-k',
      '1',
      '-q',
      '-o',
      'null-model.json',
    )
    expect(model.status).toBe(0)
    const [show, transform] = await Promise.all([
      nmfkit(folder, 'show', 'null-model.json', '--shape', '2x2', '-o', '/dev/null'),
      nmfkit(
        folder,
        'transform',
        'null-input.csv',
        '--model',
        'null-model.json',
        '-q',
        '--w',
        '/dev/null',
      ),
    ])
    expect(show).toMatchObject({ status: 0, stderr: '', stdout: '' })
    expect(transform).toMatchObject({ status: 0, stderr: '', stdout: '' })
  })

  const fit = (...output: string[]) => nmfkit(folder, 'fit', 'good.csv', '-k', '1', '-q', ...output)

  it('refuses the extensions the CLI reads or writes for other formats, before the fit', async () => {
    const names = ['model.npy', 'model.json.gz', 'model.CSV', 'model.tsv', 'model.txt']
    names.push('model.mtx', 'model.svg', 'model.png', 'model.gz')
    const refused = await Promise.all(names.map((name) => fit('-o', name)))
    expect(refused.map(oneLineFailure)).toEqual(
      names.map(
        (name) =>
          "nmfkit fit: option --output: expected a name for a JSON file (the model's format), " +
          `found '${name}', whose .${/[^.]+$/.exec(name)?.[0].toLowerCase()} names another format`,
      ),
    )
    for (const name of names) expect(existsSync(join(folder, name))).toBe(false)
  })

  it('takes .json, .JSON, no extension, an unknown one, a link to /dev/null, /dev/null, -', async () => {
    symlinkSync('/dev/null', join(folder, 'null.csv'))
    const names = ['as.json', 'upper.JSON', 'model', 'model.out', 'null.csv', '/dev/null']
    const runs = await Promise.all([...names.map((name) => fit('-o', name)), fit('-o', '-')])
    expect(runs.map((run) => [run.status, run.stderr])).toEqual(runs.map(() => [0, '']))
    for (const name of names.slice(0, 4)) {
      expect(JSON.parse(readFileSync(join(folder, name), 'utf8'))).toMatchObject({
        format: 'nmfkit-model',
      })
    }
    expect(JSON.parse(runs[names.length].stdout)).toMatchObject({ format: 'nmfkit-model' })
  })

  // A shell's pipes, as a user's: Node gives a child sockets, which /dev/fd cannot open.
  const hasBash = spawnSync('bash', ['-c', 'true']).status === 0
  const inBash = (script: string): Promise<Run> =>
    new Promise((resolve) => {
      const command = [process.execPath, BIN, 'fit', 'good.csv', '-k', '1', '-q']
      execFile(
        'bash',
        ['-c', script, 'bash', ...command],
        { cwd: folder },
        (error, stdout, stderr) =>
          resolve({ status: error === null ? 0 : Number(error.code), stdout, stderr }),
      )
    })

  it.runIf(hasBash)(
    'writes /dev/stdout as standard output: on a pipe, appended to a file',
    async () => {
      writeFileSync(join(folder, 'appended.json'), 'first\n')
      const [piped, appended, toStderr] = await Promise.all([
        inBash('"$@" -o /dev/stdout | cat'),
        // Without -q: the summary on stderr stays, and >> appends instead of replacing.
        inBash('"${@:1:6}" -o /dev/stdout >> appended.json'),
        inBash('"$@" -o /proc/self/fd/2 2>&1 >/dev/null'),
      ])
      expect([piped.status, piped.stderr]).toEqual([0, ''])
      expect(JSON.parse(piped.stdout)).toMatchObject({ format: 'nmfkit-model' })
      expect(appended.status).toBe(0)
      expect(appended.stderr).toMatch(
        /^nmfkit fit: good\.csv \(2×2, CSV \(comma-separated\)\): reconstruction error .*\n$/,
      )
      expect(appended.stderr).not.toMatch(/wrote/)
      const [first, ...rest] = readFileSync(join(folder, 'appended.json'), 'utf8').split('\n')
      expect(first).toBe('first')
      expect(JSON.parse(rest.join('\n'))).toMatchObject({ format: 'nmfkit-model' })
      expect([toStderr.status, toStderr.stderr]).toEqual([0, ''])
      expect(JSON.parse(toStderr.stdout)).toMatchObject({ format: 'nmfkit-model' })
    },
  )

  it.runIf(hasBash)(
    'refuses any other descriptor before the fit, even one the shell gave, and >(…)',
    async () => {
      writeFileSync(join(folder, 'fd7.json'), '')
      const paths = ['/dev/fd/4', '/dev/fd/5', '/dev/fd/7', '/dev/fd/10', '/proc/self/fd/7']
      const runs = await Promise.all([
        ...paths.map((path) => inBash(`"$@" -o ${path} 7>>fd7.json`)),
        inBash('"$@" -o >(cat)'),
        inBash('"$@" -o /proc/1/fd/1'),
        new Promise<Run>((resolve) =>
          execFile(
            'bash',
            [
              '-c',
              `"$@" -o /dev/fd/7 7>>fd7.json`,
              'bash',
              process.execPath,
              BIN,
              'compare',
              'a',
              'b',
            ],
            { cwd: folder },
            (error, stdout, stderr) =>
              resolve({ status: error === null ? 0 : Number(error.code), stdout, stderr }),
          ),
        ),
      ])
      const lines = runs.map(oneLineFailure)
      const own = (command: string, path: string, fd: number) =>
        `nmfkit ${command}: option --output: ${path}: expected a file, found file descriptor ` +
        `${fd}, which cannot be told from the ones Node opens for itself (only 1 and 2 are ` +
        `written); write to standard output and redirect it instead: --output - >&${fd}, ` +
        `or --output - | COMMAND for >(COMMAND)`
      expect(lines.slice(0, paths.length)).toEqual(
        paths.map((path) => own('fit', path, Number(/\d+$/.exec(path)?.[0]))),
      )
      expect(lines[paths.length]).toMatch(/^nmfkit fit: option --output: \/dev\/fd\/\d+: expected/)
      expect(lines[paths.length + 1]).toBe(
        'nmfkit fit: option --output: /proc/1/fd/1: expected a file, found file descriptor 1 ' +
          'of another process (1); write to standard output and redirect it instead: ' +
          '--output - >FILE, or --output - | COMMAND for >(COMMAND)',
      )
      // Before reading the models: a and b do not exist.
      expect(lines[paths.length + 2]).toBe(own('compare', '/dev/fd/7', 7))
      expect(readFileSync(join(folder, 'fd7.json'), 'utf8')).toBe('')
    },
  )

  it.runIf(hasBash && existsSync('/proc/self/fdinfo'))(
    'reads a `..` in a descriptor path as the system does: A/../fd/N, with A -> /proc/self/fdinfo',
    async () => {
      symlinkSync('/proc/self/fdinfo', join(folder, 'fdinfo'))
      writeFileSync(join(folder, 'behind-stdout.json'), '')
      writeFileSync(join(folder, 'fd7-up.json'), '')
      const before = statSync(join(folder, 'behind-stdout.json')).ino
      const [toStdout, toSeven] = await Promise.all([
        // The file behind standard output is written as the stream, not renamed over.
        inBash('"$@" -o fdinfo/../fd/1 1<>behind-stdout.json'),
        inBash('"$@" -o fdinfo/../fd/7 7>>fd7-up.json'),
      ])
      expect([toStdout.status, toStdout.stderr]).toEqual([0, ''])
      expect(statSync(join(folder, 'behind-stdout.json')).ino).toBe(before)
      expect(JSON.parse(readFileSync(join(folder, 'behind-stdout.json'), 'utf8'))).toMatchObject({
        format: 'nmfkit-model',
      })
      expect(oneLineFailure(toSeven)).toMatch(
        /^nmfkit fit: option --output: fdinfo\/\.\.\/fd\/7: expected a file, found file descriptor 7,/,
      )
      expect(readFileSync(join(folder, 'fd7-up.json'), 'utf8')).toBe('')
    },
  )

  it('takes /dev/stdout and /dev/stderr for W, W·H and a picture, as it takes -', async () => {
    writeFileSync(join(folder, 'stream-model.json'), (await fit()).stdout)
    // W·H (transform's --inverse) and the picture, written to `target`.
    const inverseTo = (target: string) =>
      nmfkit(
        folder,
        'transform',
        'good.csv',
        '--model',
        'stream-model.json',
        '-q',
        '--w',
        '/dev/null',
        '--inverse',
        target,
      )
    const pictureTo = (target: string) =>
      nmfkit(folder, 'show', 'stream-model.json', '--shape', '1x2', '-o', target)
    const [w, wByFd, stderrW, inverse, picture] = await Promise.all([
      fit('--w', '/dev/stdout'),
      fit('--w', '/dev/fd/1'),
      fit('--w', '/dev/stderr'),
      inverseTo('/dev/stdout'),
      pictureTo('/dev/stdout'),
    ])
    const [wDash, inverseDash, pictureDash] = await Promise.all([
      fit('--w', '-'),
      inverseTo('-'),
      pictureTo('-'),
    ])
    for (const run of [w, wByFd, inverse, picture])
      expect(run).toMatchObject({ status: 0, stderr: '' })
    expect(w.stdout).toBe(wDash.stdout)
    expect(wByFd.stdout).toBe(wDash.stdout)
    expect(stderrW).toMatchObject({ status: 0, stdout: '', stderr: wDash.stdout })
    expect(inverse.stdout).toBe(inverseDash.stdout)
    expect(picture.stdout).toBe(pictureDash.stdout)
    expect(picture.stdout).toMatch(/^<svg /)
  })

  it('refuses standard output twice, and standard error twice, by any of their names', async () => {
    symlinkSync('/proc/self/fd/2', join(folder, 'to-stderr.csv'))
    const runs = await Promise.all([
      fit('-o', '/dev/stdout', '--w', '-'),
      fit('-o', '/dev/stderr', '--h', 'to-stderr.csv'),
    ])
    expect(runs.map(oneLineFailure)).toEqual([
      "nmfkit fit: options --output and --w both write to standard output ('-')",
      'nmfkit fit: options --output and --h both write to standard error',
    ])
  })
})

describe("an input flag that the file's format does not read is refused", () => {
  it('--drop-columns, --header, --no-row-names for .npy, --key for CSV', async () => {
    const X = Matrix.fromArrays([
      [1, 2],
      [3, 4],
    ])
    if (E.isLeft(X)) throw new Error(X.left.message)
    writeFileSync(join(folder, 'x.npy'), encodeNpy(X.right))
    const refusal = (flag: string, file: string, format: string) =>
      `nmfkit info: option ${flag}: applies to ${format}, not to ${file} (read as ` +
      `${file.slice(-3)})`
    const delimited = 'delimited text (.csv, .tsv, .txt)'
    expect(oneLineFailure(await nmfkit(folder, 'info', 'x.npy', '--drop-columns', 'last'))).toBe(
      refusal('--drop-columns', 'x.npy', delimited),
    )
    expect(oneLineFailure(await nmfkit(folder, 'info', 'x.npy', '--header'))).toBe(
      refusal('--header', 'x.npy', delimited),
    )
    expect(oneLineFailure(await nmfkit(folder, 'info', 'x.npy', '--no-row-names'))).toBe(
      refusal('--no-row-names', 'x.npy', delimited),
    )
    expect(oneLineFailure(await nmfkit(folder, 'info', 'good.csv', '--key', 'X'))).toBe(
      refusal('--key', 'good.csv', 'JSON'),
    )
  })
})

describe('an output that cannot be written is refused before the fit', () => {
  it('an empty name, a folder name, a file taken for a folder', async () => {
    const fit = (...output: string[]) =>
      nmfkit(folder, 'fit', 'good.csv', '-k', '1', '-q', ...output)
    expect(oneLineFailure(await fit('-o', ''))).toBe(
      'nmfkit fit: option --output: expected a file name, found an empty one',
    )
    expect(oneLineFailure(await fit('-o', 'new-folder/'))).toBe(
      'nmfkit fit: option --output: new-folder/: expected a file name, found a folder name (it ' +
        "ends in '/')",
    )
    expect(oneLineFailure(await fit('--w', 'good.csv/W.csv'))).toBe(
      "nmfkit fit: option --w: good.csv/W.csv: expected 'good.csv' to be a folder, found a file",
    )
  })
})

describe.concurrent('nmfkit show: what it cannot draw, in one line, before drawing', () => {
  it('a PNG too large to make: its size, and the largest --scale that fits', async () => {
    const run = await nmfkit(
      folder,
      'show',
      'H-2x4096.npy',
      ...['--shape', '64x64', '--scale', '1000', '-o', 'huge.png'],
    )
    // It had tried to allocate 8.4e9 bytes: "RangeError: Invalid typed array length".
    expect(oneLineFailure(run)).toBe(
      'nmfkit show: option --scale: expected a PNG of at most 100000000 pixels, found ' +
        '129500×65000 = 8417500000 at scale 1000; --scale 108 or less fits',
    )
    expect(existsSync(join(folder, 'huge.png'))).toBe(false)
  })

  it('an SVG of more image pixels than a viewer opens', async () => {
    const run = await nmfkit(folder, 'show', 'H-1x1000001.npy', '--shape', '1x1000001')
    expect(oneLineFailure(run)).toBe(
      'nmfkit show: option --output: expected an SVG of at most 1000000 image pixels ' +
        '(components × features), found 1×1000001 = 1000001; a .png can draw them',
    )
  })

  it('an entry of H that is negative or not finite, placed as its file has it', async () => {
    const npy = (values: number[]) => {
      const H = Matrix.fromData(1, 2, values)
      if (E.isLeft(H)) throw new Error(H.left.message)
      return encodeNpy(H.right)
    }
    const mtx = '%%MatrixMarket matrix coordinate real general\n1 2 2\n'
    writeFiles(folder, {
      'inf-H.npy': npy([1, Infinity]),
      'nan-H.npy': npy([NaN, 1]),
      'negative-H.npy': npy([1, -0.5]),
      // Repeated entries sum past the largest double.
      'overflow-H.mtx': `${mtx}1 2 1e308\n1 2 1e308\n`,
      'negative-H.mtx': `${mtx}1 1 1\n1 2 -3\n`,
      'negative-H.csv': '1,-2\n',
      'negative-H.json': '[[1, -2]]\n',
      'negative-model.json': '{"W": [[1]], "H": {"rows": 1, "cols": 2, "data": [1, -2]}}\n',
      'negative-fixture.json': '{"expected": {"H": [[-1, 2]]}}\n',
    })
    const files = ['inf-H.npy', 'nan-H.npy', 'negative-H.npy', 'overflow-H.mtx']
    files.push('negative-H.mtx', 'negative-H.csv', 'negative-H.json', 'negative-model.json')
    files.push('negative-fixture.json')
    const runs = await Promise.all(
      files.map((file) => nmfkit(folder, 'show', file, '--shape', '1x2', '-o', 'parts.svg')),
    )
    const png = await nmfkit(folder, 'show', 'inf-H.npy', '--shape', '1x2', '-o', 'parts.png')
    expect([...runs, png].map(oneLineFailure)).toEqual([
      'nmfkit show: inf-H.npy: row 1, column 2: expected H to be finite, found Infinity',
      'nmfkit show: nan-H.npy: row 1, column 1: expected H to be finite, found NaN',
      'nmfkit show: negative-H.npy: row 1, column 2: expected H to be non-negative, found -0.5',
      'nmfkit show: overflow-H.mtx: entry (1, 2): expected H to be finite, found Infinity',
      'nmfkit show: negative-H.mtx: entry (1, 2): expected H to be non-negative, found -3',
      'nmfkit show: negative-H.csv: line 1, column 2: expected H to be non-negative, found -2',
      'nmfkit show: negative-H.json: [0][1] (row 1, column 2): expected H to be non-negative, ' +
        'found -2',
      'nmfkit show: negative-model.json: H.data[1] (row 1, column 2): expected H to be ' +
        'non-negative, found -2',
      'nmfkit show: negative-fixture.json: expected.H[0][0] (row 1, column 1): expected H to ' +
        'be non-negative, found -1',
      'nmfkit show: inf-H.npy: row 1, column 2: expected H to be finite, found Infinity',
    ])
    expect(existsSync(join(folder, 'parts.svg'))).toBe(false)
    expect(existsSync(join(folder, 'parts.png'))).toBe(false)
  })

  it("an entry of a model's W, which the labels' shares need, negative or not finite", async () => {
    writeFiles(folder, {
      // Drawn, the labels read 171.4% and -71.4%.
      'negative-W.json': '{"W": [[1, -1.5], [2, 1]], "H": [[1, 0], [0, 1]]}\n',
      // Repeated entries sum past the largest double.
      'overflow-W.json':
        '{"W": {"format": "csr", "rows": 1, "cols": 2, "indptr": [0, 2], "indices": [1, 1], ' +
        '"data": [1e308, 1e308]}, "H": [[1, 0], [0, 1]]}\n',
      'negative-W-fixture.json': '{"expected": {"W": [[-1]], "H": [[1, 2]]}}\n',
    })
    const files = ['negative-W.json', 'overflow-W.json', 'negative-W-fixture.json']
    const runs = await Promise.all(
      files.map((file) => nmfkit(folder, 'show', file, '--shape', '1x2', '-o', 'w-parts.svg')),
    )
    expect(runs.map(oneLineFailure)).toEqual([
      'nmfkit show: negative-W.json: W[0][1] (row 1, column 2): expected W to be non-negative, ' +
        'found -1.5',
      'nmfkit show: overflow-W.json: W.data[0] (row 1, column 2): expected W to be finite, ' +
        'found Infinity',
      'nmfkit show: negative-W-fixture.json: expected.W[0][0] (row 1, column 1): expected W to ' +
        'be non-negative, found -1',
    ])
    expect(existsSync(join(folder, 'w-parts.svg'))).toBe(false)
  })

  it('JSON that is neither a model nor a matrix; no message names a flag show lacks', async () => {
    const runs = await Promise.all([
      nmfkit(folder, 'show', 'neither.json'),
      nmfkit(folder, 'show', 'model-as-X.json'),
    ])
    expect(runs.map(oneLineFailure)).toEqual([
      'nmfkit show: neither.json: expected an nmfkit model (a JSON object with H) or a matrix, ' +
        'found an object with keys foo, bar',
      'nmfkit show: model-as-X.json: X: expected a matrix, found an nmfkit model',
    ])
  })
})

describe.concurrent(
  'a file name with a line break or ESC is quoted and escaped, as a cell is',
  () => {
    // Printed as it is, each would break the message's one line or color the terminal red.
    const odd = 'odd\nname\u001b[31m'
    const shown = (name: string) => JSON.stringify(name)
    writeFiles(folder, { [`${odd}.csv`]: '1,2\n3,x\n', [`${odd}-good.csv`]: '1,2\n3,4\n' })

    it('in a refusal of an input', async () => {
      const runs = await Promise.all([
        nmfkit(folder, 'info', `${odd}.csv`),
        nmfkit(folder, 'info', `${odd}-none.csv`),
        nmfkit(folder, 'info', `${odd}-good.csv`, '--drop-columns', '1,2'),
        nmfkit(folder, 'transform', 'good.csv', '--model', `${odd}.json`),
      ])
      expect(runs.map(oneLineFailure)).toEqual([
        `nmfkit info: ${shown(`${odd}.csv`)}: line 2, column 2: expected a number, found "x"`,
        `nmfkit info: ${shown(`${odd}-none.csv`)}: expected a file, found none`,
        `nmfkit info: option --drop-columns: leaves no column of ${shown(`${odd}-good.csv`)} ` +
          'to read',
        `nmfkit transform: ${shown(`${odd}.json`)}: expected a file, found none`,
      ])
    })

    it('in a refusal of an output', async () => {
      const fit = (input: string, ...outputs: string[]) =>
        nmfkit(folder, 'fit', input, '-k', '1', '-q', ...outputs)
      const runs = await Promise.all([
        fit('good.csv', '-o', `${odd}/model.json`),
        fit('good.csv', '--w', `${odd}.txt`),
        fit('good.csv', '--w', `${odd}-w.csv`, '--h', `./${odd}-w.csv`),
        fit(`${odd}-good.csv`, '--w', `${odd}-good.csv`),
        fit('good.csv', '-o', `${odd}-good.csv/model.json`),
        fit('good.csv', '--plot', `${odd}.png`),
        fit('good.csv', '-o', `${odd}.csv`),
        nmfkit(folder, 'show', 'good.csv', '-o', `${odd}.txt`),
      ])
      // A name quoted and escaped is shown in no second pair of quotes.
      expect(runs.map(oneLineFailure)).toEqual([
        `nmfkit fit: option --output: ${shown(`${odd}/model.json`)}: expected an existing ` +
          `folder ${shown(odd)}, found none`,
        'nmfkit fit: option --w: expected a file name ending in .csv, .tsv, .npy, .json, ' +
          `found ${shown(`${odd}.txt`)}`,
        `nmfkit fit: options --w and --h both write to ${shown(`./${odd}-w.csv`)}`,
        `nmfkit fit: ${shown(`${odd}-good.csv`)}: expected an output file other than this ` +
          "command's input, found the input itself (it would be overwritten)",
        `nmfkit fit: option --output: ${shown(`${odd}-good.csv/model.json`)}: expected ` +
          `${shown(`${odd}-good.csv`)} to be a folder, found a file`,
        'nmfkit fit: option --plot: expected a file name ending in .svg, found ' +
          shown(`${odd}.png`),
        `nmfkit fit: option --output: expected a name for a JSON file (the model's format), ` +
          `found ${shown(`${odd}.csv`)}, whose .csv names another format`,
        'nmfkit show: option --output: expected a file name ending in .svg or .png, found ' +
          shown(`${odd}.txt`),
      ])
    })

    it('DEL and the C1 controls too, which JSON leaves as they are, in a name and a cell', async () => {
      // U+009B starts a terminal code as ESC [ does.
      const c1 = 'c1\u009b31m'
      writeFiles(folder, { [`${c1}.csv`]: '1,2\n3,\u009b31mx\n', 'del.csv': '1,2\n3,\u007f\n' })
      const runs = await Promise.all([
        nmfkit(folder, 'info', `${c1}.csv`),
        nmfkit(folder, 'info', 'del.csv'),
      ])
      expect(runs.map(oneLineFailure)).toEqual([
        'nmfkit info: "c1\\u009b31m.csv": line 2, column 2: expected a number, ' +
          'found "\\u009b31mx"',
        'nmfkit info: del.csv: line 2, column 2: expected a number, found "\\u007f"',
      ])
    })

    it('line and paragraph separators, bidirectional controls, in a name and a cell', async () => {
      // U+202E shows what follows right to left: "\u202Ecsv.exe" reads as "exe.vsc".
      const bidi = 'bidi\u202e\u2066\u200f'
      writeFiles(folder, {
        [`${bidi}.csv`]: '1,2\n3,x\u2028y\n',
        'separators.csv': '1,2\n3,x\u2029\u200e\u202a\u2069\u061c\n',
      })
      const runs = await Promise.all([
        nmfkit(folder, 'info', `${bidi}.csv`),
        nmfkit(folder, 'info', 'separators.csv'),
        nmfkit(folder, 'info', 'line\u2028break.csv'),
        nmfkit(folder, 'fit', 'good.csv', '-k', '1', '-o', `${bidi}/model.json`),
      ])
      expect(runs.map(oneLineFailure)).toEqual([
        'nmfkit info: "bidi\\u202e\\u2066\\u200f.csv": line 2, column 2: expected a number, ' +
          'found "x\\u2028y"',
        'nmfkit info: separators.csv: line 2, column 2: expected a number, ' +
          'found "x\\u2029\\u200e\\u202a\\u2069\\u061c"',
        'nmfkit info: "line\\u2028break.csv": expected a file, found none',
        'nmfkit fit: option --output: "bidi\\u202e\\u2066\\u200f/model.json": expected an ' +
          'existing folder "bidi\\u202e\\u2066\\u200f", found none',
      ])
    })

    it('characters that show as nothing, in a command, a value, a name and a cell', async () => {
      // Shown as they are, `fit\u200b` reads as `fit`, which the command seems to refuse.
      const invisible = 'zw\u200b\u200c\u200d\u2060\ufeff\u00ad'
      writeFiles(folder, { 'invisible.csv': `1,2\n3,${invisible}\n` })
      const runs = await Promise.all([
        nmfkit(folder, 'fit\u200b'),
        nmfkit(folder, 'fit', 'good.csv', '-k', '1', '--solver', `mu${invisible}`),
        nmfkit(folder, 'info', `${invisible}.csv`),
        nmfkit(folder, 'info', 'invisible.csv'),
      ])
      const escaped = 'zw\\u200b\\u200c\\u200d\\u2060\\ufeff\\u00ad'
      expect(runs.map(oneLineFailure)).toEqual([
        'nmfkit: unknown command "fit\\u200b": expected one of fit, transform, compare, info, ' +
          'show (see nmfkit --help)',
        'nmfkit fit: option --solver: expected one of cd, moving-average, mu, ' +
          `found "mu${escaped}"`,
        `nmfkit info: "${escaped}.csv": expected a file, found none`,
        `nmfkit info: invisible.csv: line 2, column 2: expected a number, found "${escaped}"`,
      ])
    })

    it("in compare's report headers", async () => {
      const model = `${odd}\u202e-model.json`
      const fitted = await nmfkit(folder, 'fit', 'good.csv', '-k', '1', '-q', '-o', model)
      expect(fitted).toMatchObject({ status: 0, stderr: '' })
      const run = await nmfkit(folder, 'compare', model, model)
      expect(run).toMatchObject({ status: 0, stderr: '' })
      const name = JSON.stringify(model).replace('\u202e', '\\u202e')
      const headers = run.stdout.split('\n').filter((line) => line.startsWith('comparator '))
      expect(headers).toEqual([
        `comparator aligned: up to permutation and scale (a = ${name}, b = ${name})`,
        `comparator norms: entry by entry, components not aligned (a = ${name}, b = ${name})`,
      ])
    })

    it("in a run's summary, and in info's description", async () => {
      const [fit, info] = await Promise.all([
        nmfkit(folder, 'fit', `${odd}-good.csv`, '-k', '1', '--w', `${odd}-W.csv`),
        nmfkit(folder, 'info', `${odd}-good.csv`),
      ])
      expect(fit.status).toBe(0)
      // One line, which starts and ends with the names.
      expect(fit.stderr.split('\n')).toHaveLength(2)
      expect(
        fit.stderr.startsWith(
          `nmfkit fit: ${shown(`${odd}-good.csv`)} (2×2, CSV (comma-separated)): reconstruction `,
        ),
      ).toBe(true)
      expect(fit.stderr.endsWith(`; wrote ${shown(`${odd}-W.csv`)}\n`)).toBe(true)
      expect(readFileSync(join(folder, `${odd}-W.csv`), 'utf8')).toMatch(/^[\d.e-]+\n[\d.e-]+\n$/)
      expect(info.status).toBe(0)
      expect(info.stdout.split('\n')[0]).toBe(
        `file        ${shown(`${odd}-good.csv`)}: CSV (comma-separated)`,
      )
    })
  },
)

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
