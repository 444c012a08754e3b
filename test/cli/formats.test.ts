/** The parsers of the input formats and the writers of the output ones, in process. */
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs'
import { constants } from 'node:buffer'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { Matrix } from 'nmfkit'
import { formatDelimited, parseDelimited } from '../../cli/formats/csv.ts'
import { gunzip, readBounded, readMatrixFile } from '../../cli/formats/read.ts'
import { keySteps, parseJsonMatrix, showKey } from '../../cli/formats/json.ts'
import { jsonSyntaxError } from '../../cli/formats/json-text.ts'
import { parseMatrixMarket } from '../../cli/formats/mtx.ts'
import { encodeNpy, parseNpy } from '../../cli/formats/npy.ts'
import { quotedBytes, type CliResult } from '../../cli/errors.ts'
import { decodeUtf8, firstInvalidUtf8 } from '../../cli/formats/text.ts'
import { encodedOrRefused } from '../../cli/formats/write.ts'

const right = <A>(result: CliResult<A>): A => {
  if (E.isLeft(result)) throw new Error(result.left.message)
  return result.right
}

const left = <A>(result: CliResult<A>): string => {
  if (E.isRight(result)) throw new Error('expected a Left')
  return result.left.message
}

const matrix = (rows: number[][]): Matrix => {
  const result = Matrix.fromArrays(rows)
  if (E.isLeft(result)) throw new Error(result.left.message)
  return result.right
}

describe('delimited text', () => {
  it('names lines ended by CR alone, which would read as one line', () => {
    // Also where one LF ends the file, which read the whole as one line of 6 numbers.
    for (const text of ['a,b\r1,2\r3,4\r', '1,2\r3,4', '1 2\r3 4\r5 6\n']) {
      expect(left(parseDelimited(text, 'cr.csv'))).toBe(
        'cr.csv: expected lines ended by LF or CR LF, found lines ended by CR alone (as ' +
          "classic Mac OS wrote them): convert them, e.g. with tr '\\r' '\\n'",
      )
    }
    // CR LF is read as it always was.
    expect(right(parseDelimited('1,2\r\n3,4\r\n', 'crlf.csv')).matrix.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ])
    // One line ended by a CR, and a CR inside a quoted field, end no line: read as before.
    expect(right(parseDelimited('1,2,3\r', 'one.csv')).matrix.toArray()).toEqual([[1, 2, 3]])
    const quoted = right(parseDelimited('"r\r1",1,2', 'quoted.csv'))
    expect(quoted.matrix.toArray()).toEqual([[1, 2]])
    expect(quoted.rowNames).toEqual(['r\r1'])
  })

  it('reads plain numbers with no header and no row names', () => {
    const table = right(parseDelimited('1,2\n3,4\n', 'x.csv'))
    expect(table.matrix.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ])
    expect(table.header).toBe(false)
    expect(table.rowNames).toBeUndefined()
  })

  it('detects a header row and a row-name column under an empty corner', () => {
    const table = right(parseDelimited(',a,b\nr1,1,2\nr2,3,4\n', 'x.csv'))
    expect(table.columnNames).toEqual(['a', 'b'])
    expect(table.rowNames).toEqual(['r1', 'r2'])
    expect(table.lineOf(1)).toBe(3)
    expect(table.columnOf(0)).toBe(2)
  })

  it('reads a named row without a header as data with a row name, given --no-header', () => {
    const table = right(parseDelimited('x,1,2\ny,3,4\n', 'x.csv', { header: false }))
    expect(table.header).toBe(false)
    expect(table.rowNames).toEqual(['x', 'y'])
    expect(table.matrix.rows).toBe(2)
  })

  it('refuses to guess whether 0, 1, 2, … numbers the columns or the rows, as pandas does', () => {
    // pandas' to_csv(index=False) of an unnamed frame: a header of column numbers.
    const numbered = '0,1,2\n0.5,0.2,0.1\n0.3,0.4,0.6\n'
    expect(left(parseDelimited(numbered, 'p.csv'))).toBe(
      'p.csv: line 1: expected --header (columns numbered 0, 1, 2, as pandas numbers them) or ' +
        '--no-header (a row of data), found a line that reads either way',
    )
    expect(right(parseDelimited(numbered, 'p.csv', { header: true })).matrix.rows).toBe(2)
    expect(right(parseDelimited(numbered, 'p.csv', { header: false })).matrix.rows).toBe(3)
    // An index with a name: its column counts the rows.
    const indexed = 'idx,a,b\n0,0.5,0.2\n1,0.3,0.4\n2,0.1,0.1\n'
    expect(left(parseDelimited(indexed, 'i.csv'))).toBe(
      'i.csv: column 1 ("idx"): expected --row-names (an index counting the rows 0, 1, 2, as ' +
        'pandas writes one) or --no-row-names (a column of data), found a column that reads ' +
        'either way',
    )
    expect(right(parseDelimited(indexed, 'i.csv', { rowNames: true })).matrix.cols).toBe(2)
    expect(right(parseDelimited(indexed, 'i.csv', { rowNames: false })).matrix.cols).toBe(3)
    // Below an empty corner it is pandas' index, as before: row names, no question.
    expect(right(parseDelimited(',a,b\n0,1,2\n1,3,4\n', 'c.csv')).matrix.cols).toBe(2)
  })

  it('refuses an explicit --row-names that cannot apply, instead of ignoring it', () => {
    // One column: it would be read as data, the flag dropped without a word.
    expect(left(parseDelimited('a\n5\n6\n', 'one.csv', { rowNames: true }))).toBe(
      'option --row-names: expected a first column naming the rows of one.csv and data ' +
        'after it, found a single column, which would leave no data',
    )
    // Its column left out by --drop-columns.
    const named = 'id,a,b\nr1,1,2\nr2,3,4\n'
    expect(left(parseDelimited(named, 'n.csv', { rowNames: true, dropColumns: ['1'] }))).toBe(
      'option --row-names: expected a first column naming the rows of n.csv and data after ' +
        'it, found column 1 left out by --drop-columns',
    )
    expect(left(parseDelimited(named, 'n.csv', { rowNames: true, dropColumns: ['2', '3'] }))).toBe(
      'option --row-names: expected a first column naming the rows of n.csv and data after ' +
        'it, found a single column left by --drop-columns, which would leave no data',
    )
    // Where it applies, as before; and unasked, the single column is data.
    expect(right(parseDelimited(named, 'n.csv', { rowNames: true })).rowNames).toEqual(['r1', 'r2'])
    expect(right(parseDelimited('a\n5\n6\n', 'one.csv')).matrix.cols).toBe(1)
  })

  it('a name above numbers in a left-out column still makes the first line a header', () => {
    const text = 'id,400,500\n1,3,4\n2,5,6\n'
    const table = right(parseDelimited(text, 'd.csv', { dropColumns: ['1'] }))
    expect(table.header).toBe(true)
    expect(table.columnNames).toEqual(['400', '500'])
    expect(table.matrix.toArray()).toEqual([
      [3, 4],
      [5, 6],
    ])
    // A label column (names all the way down) says nothing about the first line.
    expect(
      right(parseDelimited('1,2,cat\n3,4,dog\n', 'l.csv', { dropColumns: ['last'] })).header,
    ).toBe(false)
  })

  it('refuses to guess whether a name then numbers is a header or a named row', () => {
    const text = 'sample,400,500,600,700\ns1,1,2,3,4\ns2,4,5,6,7\n'
    expect(left(parseDelimited(text, 'n.csv'))).toBe(
      'n.csv: line 1: expected --header (columns named 400, 500, 600, …) ' +
        'or --no-header (a row named "sample"), found a line that reads either way',
    )
    expect(left(parseDelimited('x,1,2\ny,3,4\n', 'x.csv'))).toMatch(
      /^x\.csv: line 1: expected --header \(columns named 1, 2\) or --no-header/,
    )
    const header = right(parseDelimited(text, 'n.csv', { header: true }))
    expect(header.columnNames).toEqual(['400', '500', '600', '700'])
    expect(header.rowNames).toEqual(['s1', 's2'])
    expect(header.matrix.toArray()).toEqual([
      [1, 2, 3, 4],
      [4, 5, 6, 7],
    ])
    const data = right(parseDelimited(text, 'n.csv', { header: false }))
    expect(data.rowNames).toEqual(['sample', 's1', 's2'])
    // A single line can only be a named row.
    expect(right(parseDelimited('x,1,2\n', 'x.csv')).rowNames).toEqual(['x'])
  })

  it('reads numbers as column names under an empty corner, as pandas writes them', () => {
    const table = right(parseDelimited(',0,1,2\n0,1.0,2.0,3.0\n1,4.0,5.0,6.0\n', 'p.csv'))
    expect(table.header).toBe(true)
    expect(table.columnNames).toEqual(['0', '1', '2'])
    expect(table.rowNames).toEqual(['0', '1'])
    expect(table.matrix.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ])
    const named = right(parseDelimited(',400,500\ns1,1,2\n', 'p.csv'))
    expect(named.columnNames).toEqual(['400', '500'])
    expect(named.rowNames).toEqual(['s1'])
  })

  it('reads a name then numbers as a header when the lines below start with numbers', () => {
    const table = right(parseDelimited('wavelength,400,500\n1,0.5,0.25\n2,1,2\n', 'w.csv'))
    expect(table.header).toBe(true)
    expect(table.columnNames).toEqual(['wavelength', '400', '500'])
    expect(table.rowNames).toBeUndefined()
    expect(table.matrix.toArray()).toEqual([
      [1, 0.5, 0.25],
      [2, 1, 2],
    ])
  })

  it('takes no column of NaN, inf or empty cells for row names', () => {
    expect(left(parseDelimited('nan,1,2\nnan,3,4\n', 'a.csv'))).toBe(
      'a.csv: line 1, column 1: expected a number, found "nan"',
    )
    expect(left(parseDelimited('-inf,1,2\nInfinity,3,4\n', 'a.csv'))).toBe(
      'a.csv: line 1, column 1: expected a number, found "-inf"',
    )
    expect(left(parseDelimited('a,b\n,1\n,2\n', 'b.csv'))).toBe(
      'b.csv: line 2, column 1 ("a"): expected a number, found an empty cell',
    )
    // Under an empty corner, an index of numbers is row names, but not one with gaps or NaN.
    expect(left(parseDelimited(',a,b\n0,1,2\n,3,4\n', 'c.csv'))).toBe(
      'c.csv: line 3, column 1: expected a number, found an empty cell',
    )
    expect(left(parseDelimited(',a,b\n0,1,2\nNaN,3,4\n', 'c.csv'))).toBe(
      'c.csv: line 3, column 1: expected a number, found "NaN"',
    )
    // Given --row-names, the first column is names whatever it holds.
    expect(right(parseDelimited('a,b\n,1\n,2\n', 'b.csv', { rowNames: true })).rowNames).toEqual([
      '',
      '',
    ])
  })

  it('refuses a nonzero number too small for a double, which would be read as 0', () => {
    expect(left(parseDelimited('1,2\n3,1e-400\n', 'u.csv'))).toBe(
      'u.csv: line 2, column 2: expected a number, found "1e-400", ' +
        'too small for a double (the smallest is 5e-324; write 0 for 0)',
    )
    expect(left(parseDelimited('a,b\n1,-0.0000001e-330\n', 'u.csv'))).toMatch(
      /^u\.csv: line 2, column 2 \("b"\): expected a number, found "-0\.0000001e-330", too small/,
    )
    const read = right(parseDelimited('5e-324,0e-999\n0.000,2\n', 'x.csv')).matrix.toArray()
    expect(read).toEqual([
      [5e-324, 0],
      [0, 2],
    ])
  })

  it('says UTF-16 text is UTF-16, with or without a byte-order mark', () => {
    const text = 'a\tb\n1\t2\n3\t4\n'
    const utf16 = (bytes: Buffer) => Buffer.from(bytes).toString('utf8')
    const le = Buffer.from(text, 'utf16le')
    const be = Buffer.from(le).swap16()
    const message = 'w.tsv: expected UTF-8 text, found UTF-16 (save the file as UTF-8)'
    for (const bytes of [
      Buffer.concat([Buffer.from([0xff, 0xfe]), le]),
      Buffer.concat([Buffer.from([0xfe, 0xff]), be]),
      le,
      be,
    ]) {
      expect(left(parseDelimited(utf16(bytes), 'w.tsv'))).toBe(message)
    }
    expect(left(parseDelimited('1,2\n3,4\u0000\n', 'z.csv'))).toBe(
      'z.csv: line 2, column 4: expected text, found a NUL byte',
    )
    // The parsers strip a byte-order mark: it is no column of line 1.
    for (const text of ['\uFEFF1,\u0000\n', '1,\u0000\n']) {
      expect(left(parseDelimited(text, 'z.csv'))).toBe(
        'z.csv: line 1, column 3: expected text, found a NUL byte',
      )
    }
    expect(left(parseDelimited('\uFEFF1\n,\u0000\n', 'z.csv'))).toMatch(/line 2, column 2:/)
    // The column counts characters, as a bad byte's does: one past U+FFFF is one, not two.
    expect(left(parseDelimited('1\n\u{1F600},\u0000\n', 'z.csv'))).toBe(
      'z.csv: line 2, column 3: expected text, found a NUL byte',
    )
  })

  it('strips a byte-order mark, skips blank lines, reads CRLF and quoted names', () => {
    const text = '\uFEFF"a, first",b\r\n\r\n1,2\r\n3,4\r\n'
    const table = right(parseDelimited(text, 'x.csv'))
    expect(table.columnNames).toEqual(['a, first', 'b'])
    expect(table.lineOf(0)).toBe(3)
    expect(table.matrix.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ])
  })

  it('sniffs tabs, semicolons and spaces', () => {
    for (const text of ['1\t2\n3\t4\n', '1;2\n3;4\n', '1 2\n  3   4\n']) {
      expect(right(parseDelimited(text, 'x.txt')).matrix.toArray()).toEqual([
        [1, 2],
        [3, 4],
      ])
    }
  })

  it('drops columns by number, by last and by name, before detecting the header', () => {
    const text = 'p1,p2,label\n1,2,cat\n3,4,dog\n'
    const byName = right(parseDelimited(text, 'x.csv', { dropColumns: ['label'] }))
    expect(byName.matrix.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ])
    const noHeader = right(parseDelimited('1,2,cat\n3,4,dog\n', 'x.csv', { dropColumns: ['last'] }))
    expect(noHeader.header).toBe(false)
    expect(noHeader.dropped).toEqual([3])
    expect(
      right(parseDelimited('1,2,9\n3,4,9\n', 'x.csv', { dropColumns: ['3'] })).matrix.cols,
    ).toBe(2)
  })

  it('drops every column a repeated name names, and says which; a number drops one', () => {
    const text = 'id,a,b,a,a\nx,1,2,3,4\ny,5,6,7,8\n'
    const byName = right(parseDelimited(text, 'x.csv', { dropColumns: ['a'] }))
    expect(byName.matrix.toArray()).toEqual([[2], [6]])
    expect(byName.columnNames).toEqual(['b'])
    expect(byName.dropped).toEqual([2, 4, 5])
    expect(byName.repeatedNames).toEqual([{ name: 'a', columns: [2, 4, 5] }])
    const byNumber = right(parseDelimited(text, 'x.csv', { dropColumns: ['2'] }))
    expect(byNumber.columnNames).toEqual(['b', 'a', 'a'])
    expect(byNumber.repeatedNames).toEqual([])
    // Named twice, or by name and by number too: each column once.
    const twice = right(parseDelimited(text, 'x.csv', { dropColumns: ['a', 'a', '4'] }))
    expect(twice.dropped).toEqual([2, 4, 5])
    expect(twice.repeatedNames).toEqual([{ name: 'a', columns: [2, 4, 5] }])
  })

  it('refuses a --drop-columns that leaves no column, with a header or without', () => {
    const cases: [string, string[], boolean?][] = [
      ['5\n', ['last']],
      ['5\n6\n', ['1']],
      ['1,2\n3,4\n', ['1', '2']],
      ['1,2\n3,4\n', ['last', '1']],
      ['1,2\n3,4\n', ['1', '2'], false],
      ['1,2\n3,4\n', ['1', '2'], true],
      ['a\n5\n', ['last']],
      ['a,b\n1,2\n', ['a', 'b']],
      ['a,b\n1,2\n', ['1', 'b']],
    ]
    for (const [text, dropColumns, header] of cases) {
      const options = { dropColumns, ...(header === undefined ? {} : { header }) }
      expect(left(parseDelimited(text, 'x.csv', options))).toBe(
        'option --drop-columns: leaves no column of x.csv to read',
      )
    }
  })

  it('names the line, the column and what was expected', () => {
    expect(left(parseDelimited('a,b,c\n1,2,3\n4,5\n', 'r.csv'))).toBe(
      'r.csv: line 3: expected 3 comma-separated fields (as on line 1), found 2',
    )
    expect(left(parseDelimited('a,b\n1,2\n3,x\n', 'n.csv'))).toBe(
      'n.csv: line 3, column 2 ("b"): expected a number, found "x"',
    )
    expect(left(parseDelimited('1,2\n3,\n', 'e.csv'))).toBe(
      'e.csv: line 2, column 2: expected a number, found an empty cell',
    )
    expect(left(parseDelimited('1,2\n3,1e999\n', 'i.csv'))).toBe(
      'i.csv: line 2, column 2: expected a finite number, found "1e999"',
    )
    expect(left(parseDelimited('\n \n', 'empty.csv'))).toBe(
      'empty.csv: the file is empty; expected lines of numbers',
    )
    expect(left(parseDelimited('a,b\n', 'h.csv'))).toBe(
      'h.csv: expected rows of numbers after the header on line 1, found none',
    )
    expect(left(parseDelimited('"a,b\n', 'q.csv'))).toBe(
      'q.csv: line 1: expected a closing quote, found none',
    )
    expect(left(parseDelimited('1,2\n', 'x.csv', { dropColumns: ['7'] }))).toBe(
      'option --drop-columns: column 7 is not in 1..2, the columns of x.csv',
    )
    // A name the user typed, quoted as every value the command echoes.
    expect(left(parseDelimited('a,b\n1,2\n', 'x.csv', { dropColumns: ['c'] }))).toBe(
      "option --drop-columns: 'c': x.csv has no column of that name",
    )
    expect(left(parseDelimited('1,2\n', 'x.csv', { dropColumns: ['c\u202e'] }))).toBe(
      'option --drop-columns: "c\\u202e": x.csv has no header row',
    )
  })

  it('writes numbers that read back exactly, with names', () => {
    const values = matrix([
      [0.1, 1 / 3],
      [1e-300, 12345678.9],
    ])
    const text = formatDelimited(values, ',', { rows: ['r 1', 'r,2'], columns: ['a', 'b'] })
    expect(text.split('\n')[0]).toBe(',a,b')
    const back = right(parseDelimited(text, 'x.csv'))
    expect(back.matrix.toArray()).toEqual(values.toArray())
    expect(back.rowNames).toEqual(['r 1', 'r,2'])
  })

  it('suggests --delimiter when a line that fails as comma-separated holds tabs or semicolons', () => {
    const tabs = ' (the line holds tabs: for a tab-separated file, give --delimiter tab)'
    const semicolons =
      " (the line holds semicolons: for a semicolon-separated file, give --delimiter ';')"
    const csv = (text: string) => left(parseDelimited(text, 'x.csv', { delimiter: ',' }))
    expect(csv('a\tb\n1\t2\n')).toBe(
      `x.csv: line 2, column 1 ("a\\tb"): expected a number, found "1\\t2"${tabs}`,
    )
    expect(csv('a;b\n1;2\n')).toBe(
      `x.csv: line 2, column 1 ("a;b"): expected a number, found "1;2"${semicolons}`,
    )
    expect(csv('a;b\n1,5;2\n')).toBe(
      `x.csv: line 2: expected 1 comma-separated field (as on line 1), found 2${semicolons}`,
    )
    expect(csv('a,b\n"1\t,2\n')).toBe(`x.csv: line 2: expected a closing quote, found none${tabs}`)
    // No hint where the line has neither, or the delimiter is not a comma.
    expect(csv('a,b\n1,x\n')).toBe('x.csv: line 2, column 2 ("b"): expected a number, found "x"')
    expect(left(parseDelimited('a;b\n1;x\n', 'x.txt', { delimiter: ';' }))).toBe(
      'x.txt: line 2, column 2 ("b"): expected a number, found "x"',
    )
  })
})

describe('Matrix Market', () => {
  const coordinate = (symmetry: string, body: string) =>
    `%%MatrixMarket matrix coordinate real ${symmetry}\n% a comment\n${body}`

  it('reads coordinate entries into a CSR matrix, summing duplicates', () => {
    const { matrix: read } = right(
      parseMatrixMarket(coordinate('general', '2 3 3\n1 3 2.5\n2 1 1\n2 1 1\n'), 'x.mtx'),
    )
    expect(read.format).toBe('csr')
    expect(read.toArray()).toEqual([
      [0, 0, 2.5],
      [2, 0, 0],
    ])
  })

  it('mirrors a symmetric file, coordinate and array', () => {
    const fromCoordinate = right(
      parseMatrixMarket(coordinate('symmetric', '2 2 2\n1 1 1\n2 1 3\n'), 'x.mtx'),
    )
    expect(fromCoordinate.matrix.toArray()).toEqual([
      [1, 3],
      [3, 0],
    ])
    const array = '%%MatrixMarket matrix array integer symmetric\n2 2\n1\n3\n5\n'
    expect(right(parseMatrixMarket(array, 'x.mtx')).matrix.toArray()).toEqual([
      [1, 3],
      [3, 5],
    ])
  })

  it('refuses a nonzero value too small for a double, as CSV does, not reading it as 0', () => {
    const tooSmall =
      'expected a number, found "1e-400", too small for a double (the smallest is ' +
      '5e-324; write 0 for 0)'
    expect(
      left(parseMatrixMarket(coordinate('general', '2 2 2\n1 1 3\n2 2 1e-400\n'), 'x.mtx')),
    ).toBe(`x.mtx: line 5, entry 2: ${tooSmall}`)
    const array = '%%MatrixMarket matrix array real general\n2 1\n1e-400\n3\n'
    expect(left(parseMatrixMarket(array, 'x.mtx'))).toBe(`x.mtx: line 3, entry 1: ${tooSmall}`)
    // 0 written as such, and the smallest double, are read.
    const fine = coordinate('general', '1 2 2\n1 1 0e-400\n1 2 5e-324\n')
    expect(right(parseMatrixMarket(fine, 'x.mtx')).matrix.toArray()).toEqual([[0, 5e-324]])
  })

  it('reads an array column by column, and a pattern as ones', () => {
    const array = '%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n'
    expect(right(parseMatrixMarket(array, 'x.mtx')).matrix.toArray()).toEqual([
      [1, 3],
      [2, 4],
    ])
    const pattern = '%%MatrixMarket matrix coordinate pattern general\n2 2 1\n2 2\n'
    expect(right(parseMatrixMarket(pattern, 'x.mtx')).matrix.toArray()).toEqual([
      [0, 0],
      [0, 1],
    ])
  })

  it("takes the banner's words in any case, as mmio.c and scipy do, but not '%%matrixmarket'", () => {
    const mixed = '%%MatrixMarket MATRIX Coordinate REAL General\n2 2 1\n1 2 5\n'
    const read = right(parseMatrixMarket(mixed, 'm.mtx'))
    expect(read.header).toEqual({ format: 'coordinate', field: 'real', symmetry: 'general' })
    expect(read.matrix.toArray()).toEqual([
      [0, 5],
      [0, 0],
    ])
    const array = '%%MatrixMarket matrix ARRAY Integer SYMMETRIC\n2 2\n1\n3\n5\n'
    expect(right(parseMatrixMarket(array, 'a.mtx')).matrix.toArray()).toEqual([
      [1, 3],
      [3, 5],
    ])
    // The token itself is compared as written by both (strncmp in mmio.c): so here, with
    // a message that says what is wrong rather than that there is no banner.
    for (const token of ['%%matrixmarket', '%%MATRIXMARKET']) {
      expect(left(parseMatrixMarket(mixed.replace('%%MatrixMarket', token), 'l.mtx'))).toBe(
        "l.mtx: line 1: expected the banner to start with '%%MatrixMarket', so capitalized " +
          `(the words after it take any case), found '${token}'`,
      )
    }
  })

  it('names the line and entry of what is wrong', () => {
    expect(left(parseMatrixMarket(coordinate('general', '3 3 2\n1 1 1\n4 2 2\n'), 'r.mtx'))).toBe(
      'r.mtx: line 5, entry 2: expected a row in 1..3 and a column in 1..3, found (4, 2)',
    )
    expect(left(parseMatrixMarket(coordinate('general', '3 3 3\n1 1 1\n'), 'f.mtx'))).toBe(
      'f.mtx: expected 3 entries (as the size line says), found 1 before the end of the file',
    )
    expect(left(parseMatrixMarket(coordinate('symmetric', '2 2 1\n1 2 1\n'), 's.mtx'))).toBe(
      's.mtx: line 4, entry 1: expected an entry on or below the diagonal of a symmetric matrix, ' +
        'found (1, 2)',
    )
    expect(
      left(parseMatrixMarket('%%MatrixMarket matrix coordinate complex general\n', 'c.mtx')),
    ).toBe("c.mtx: line 1: expected the field 'real' or 'integer' or 'pattern', found 'complex'")
    // A word is shown as the file writes it, not lower-cased.
    expect(
      left(parseMatrixMarket('%%MatrixMarket Matrix Coordinate Complex General\n', 'c.mtx')),
    ).toBe("c.mtx: line 1: expected the field 'real' or 'integer' or 'pattern', found 'Complex'")
    expect(left(parseMatrixMarket(coordinate('general', '2 2 1\n1 1 x\n'), 'v.mtx'))).toBe(
      'v.mtx: line 4, entry 1: expected the value to be a finite number, found "x"',
    )
    expect(left(parseMatrixMarket('', 'e.mtx'))).toBe(
      "e.mtx: the file is empty; expected a '%%MatrixMarket' banner",
    )
  })
})

/** An .npy file by hand: a version 1.0 header and the given data bytes. */
const npy = (descr: string, fortran: boolean, shape: string, data: Uint8Array): Uint8Array => {
  let header =
    `{'descr': '${descr}', ` +
    `'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shape}, }`
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n'
  const out = new Uint8Array(10 + header.length + data.length)
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8])
  out.set(new TextEncoder().encode(header), 10)
  out.set(data, 10 + header.length)
  return out
}

describe('NumPy .npy', () => {
  const expected = [
    [0, 1, 2],
    [3, 4, 5],
  ]

  it('reads float32 in Fortran order', () => {
    const data = new Uint8Array(Float32Array.of(0, 3, 1, 4, 2, 5).buffer)
    const read = right(parseNpy(npy('<f4', true, '(2, 3)', data), 'x.npy'))
    expect(read.matrix.toArray()).toEqual(expected)
    expect(read.dtype).toBe('float32')
  })

  it('reads big-endian int32, int64, uint8 and bool in C order', () => {
    const big = new Uint8Array(24)
    expected.flat().forEach((v, q) => new DataView(big.buffer).setInt32(q * 4, v, false))
    expect(right(parseNpy(npy('>i4', false, '(2, 3)', big), 'x.npy')).matrix.toArray()).toEqual(
      expected,
    )
    const int64 = new Uint8Array(BigInt64Array.from(expected.flat().map(BigInt)).buffer)
    expect(right(parseNpy(npy('<i8', false, '(2, 3)', int64), 'x.npy')).matrix.toArray()).toEqual(
      expected,
    )
    expect(
      right(
        parseNpy(npy('|u1', false, '(2, 3)', Uint8Array.of(0, 1, 2, 3, 4, 5)), 'x.npy'),
      ).matrix.toArray(),
    ).toEqual(expected)
    expect(
      right(parseNpy(npy('|b1', false, '(1, 2)', Uint8Array.of(0, 7)), 'x.npy')).matrix.toArray(),
    ).toEqual([[0, 1]])
  })

  it('reads float16 exactly in either byte order: subnormals, ±0, ±Infinity and NaN', () => {
    // Each half's bits and the value numpy gives them (np.uint16(bits).view('<f2')).
    const halves: [number, number][] = [
      [0x3c00, 1],
      [0xc000, -2],
      [0x3555, 0.333251953125],
      [0x0001, 2 ** -24], // the least subnormal
      [0x03ff, 1023 * 2 ** -24], // the largest subnormal
      [0x0400, 2 ** -14], // the least normal
      [0x7bff, 65504], // the largest half
      [0x0000, 0],
      [0x8000, -0],
      [0x7c00, Infinity],
      [0xfc00, -Infinity],
      [0x7e00, NaN],
    ]
    for (const little of [true, false]) {
      const data = new Uint8Array(halves.length * 2)
      halves.forEach(([bits], q) => new DataView(data.buffer).setUint16(q * 2, bits, little))
      const read = right(parseNpy(npy(little ? '<f2' : '>f2', false, '(3, 4)', data), 'h.npy'))
      expect(read.dtype).toBe('float16')
      const values = read.matrix.toArray().flat()
      halves.forEach(([bits, value], q) => expect(values[q], bits.toString(16)).toBe(value))
    }
    // Fortran order, as for the other types.
    const columns = Uint8Array.of(0x00, 0x00, 0x00, 0x42, 0x00, 0x3c, 0x00, 0x44) // 0, 3, 1, 4
    expect(right(parseNpy(npy('<f2', true, '(2, 2)', columns), 'h.npy')).matrix.toArray()).toEqual([
      [0, 1],
      [3, 4],
    ])
  })

  it('writes float64 that reads back exactly, with a 64-byte aligned header', () => {
    const values = matrix([
      [0.1, 2],
      [1 / 3, 1e-300],
    ])
    const bytes = encodeNpy(values)
    expect(new TextDecoder('latin1').decode(bytes.subarray(10, 60))).toContain("'descr': '<f8'")
    expect((bytes.length - 4 * 8) % 64).toBe(0)
    expect(right(parseNpy(bytes, 'x.npy')).matrix.toArray()).toEqual(values.toArray())
  })

  it('names what is wrong', () => {
    const data = new Uint8Array(new Float64Array(6).buffer)
    const whole = npy('<f8', false, '(2, 3)', data)
    expect(left(parseNpy(whole.subarray(0, whole.length - 5), 't.npy'))).toBe(
      't.npy: the file is truncated: expected 48 bytes of data for shape (2, 3) float64, found 43',
    )
    expect(left(parseNpy(npy('<f8', false, '(6,)', data), 'v.npy'))).toBe(
      'v.npy: header: expected a 2-D array (rows, cols), found shape (6,)',
    )
    expect(left(parseNpy(npy('<c16', false, '(1, 3)', data), 'c.npy'))).toBe(
      'c.npy: header: expected a dtype of float64, float32, float16, (u)int8..64 or bool, ' +
        "found '<c16'",
    )
    expect(left(parseNpy(new TextEncoder().encode('1,2\n'), 'x.npy'))).toBe(
      'x.npy: expected a NumPy .npy file (starting with \\x93NUMPY), found other bytes',
    )
    expect(left(parseNpy(new Uint8Array(0), 'e.npy'))).toBe(
      'e.npy: the file is empty; expected a NumPy .npy file',
    )
  })
})

describe('JSON', () => {
  it('names an entry of nested arrays that is no number, and a row that is no array', () => {
    expect(left(parseJsonMatrix('{"X": [[1, 2], [3, "a"]]}', 'x.json'))).toBe(
      'x.json: X[1][1] (row 2, column 2): expected a number, found "a"',
    )
    expect(left(parseJsonMatrix('{"X": [[1, 2], [3, null]]}', 'x.json'))).toBe(
      'x.json: X[1][1] (row 2, column 2): expected a number, found null',
    )
    expect(left(parseJsonMatrix('[[1, 2], 5]', 'r.json'))).toBe(
      'r.json: [1] (row 2): expected a row (an array of numbers), found a number (5) ' +
        '(a matrix is an array of rows, e.g. [[1, 2, 3]])',
    )
    expect(left(parseJsonMatrix('{"a": {"b": [[1, 2], [3]]}}', 'r.json', 'a.b'))).toBe(
      'r.json: a.b[1] (row 2): expected 2 entries, as row 1 has, found 1',
    )
    // What stands where the matrix should, by its kind: null is not "object".
    expect(left(parseJsonMatrix('{"X": null}', 'n.json'))).toBe(
      'n.json: X: expected a matrix object { rows, cols, data } or nested arrays, found null',
    )
    expect(left(parseJsonMatrix('{"X": 5}', 'n.json'))).toBe(
      'n.json: X: expected a matrix object { rows, cols, data } or nested arrays, ' +
        'found a number (5)',
    )
    expect(left(parseJsonMatrix('[[1], [2, 3]]', 'r.json'))).toBe(
      'r.json: [1] (row 2): expected 1 entry, as row 1 has, found 2',
    )
  })

  it("places an entry in the file's own layout, rows and columns counted from 1", () => {
    const locate = (text: string, key?: string) => right(parseJsonMatrix(text, 'x.json', key))
    expect(locate('[[1,2,3],[4,5,-6]]').locate(1, 2)).toBe('[1][2] (row 2, column 3)')
    expect(locate('{"X":[[1,2,3],[4,5,-6]]}').locate(1, 2)).toBe('X[1][2] (row 2, column 3)')
    expect(locate('{"rows":2,"cols":3,"data":[1,2,3,4,5,6]}').locate(1, 2)).toBe(
      'data[5] (row 2, column 3)',
    )
    expect(locate('{"X":{"rows":2,"cols":3,"data":[1,2,3,4,5,6]}}').locate(1, 2)).toBe(
      'X.data[5] (row 2, column 3)',
    )
    expect(locate('{"e":{"W":[[1,2]]}}', 'e.W').locate(0, 1)).toBe('e.W[0][1] (row 1, column 2)')
    // CSR: the entry's index in data, through indptr and indices; a zero is not stored.
    const csr =
      '{"format":"csr","rows":2,"cols":3,"indptr":[0,1,3],"indices":[1,0,2],"data":[5,6,7]}'
    expect(locate(csr).locate(1, 2)).toBe('data[2] (row 2, column 3)')
    expect(locate(csr).locate(0, 0)).toBe('row 1, column 1 (not stored, so 0)')
  })

  it('refuses a nonzero number too small for a double, as CSV does, outside strings only', () => {
    expect(left(parseJsonMatrix('{"X": [[1, 2],\n [1e-400, 4]]}', 'u.json'))).toBe(
      'u.json: line 2, column 3: expected a number, found "1e-400", too small for a double ' +
        '(the smallest is 5e-324; write 0 for 0)',
    )
    // Hundreds of decimals, with no exponent, underflow too.
    const decimals = `[[1, 0.${'0'.repeat(400)}1]]`
    expect(left(parseJsonMatrix(decimals, 'd.json'))).toMatch(
      /^d\.json: line 1, column 6: expected a number, found "0\.0+…", too small for a double/,
    )
    // In a string it is text; written as 0 it is 0.
    const fine = '{"name": "1e-400", "X": [[0e-400, 5e-324]]}'
    expect(right(parseJsonMatrix(fine, 'f.json')).matrix.toArray()).toEqual([[0, 5e-324]])
  })

  it("reads the fixtures' dense and CSR formats, a fixture's X, nested arrays and a key", () => {
    expect(
      right(parseJsonMatrix('{"rows":1,"cols":2,"data":[0,1]}', 'x.json')).matrix.toArray(),
    ).toEqual([[0, 1]])
    const csr = '{"format":"csr","rows":2,"cols":2,"indptr":[0,1,1],"indices":[1],"data":[5]}'
    expect(right(parseJsonMatrix(csr, 'x.json')).matrix.format).toBe('csr')
    const fixture = '{"kind":"fit","X":{"rows":1,"cols":1,"data":[3]},"expected":{"W":[[1,2]]}}'
    expect(right(parseJsonMatrix(fixture, 'f.json')).key).toBe('X')
    expect(right(parseJsonMatrix(fixture, 'f.json', 'expected.W')).matrix.toArray()).toEqual([
      [1, 2],
    ])
  })

  it('names what is wrong and where', () => {
    expect(left(parseJsonMatrix('{"rows":1,"cols":2,"data":[0,"x"]}', 'd.json'))).toBe(
      'd.json: data[1] (row 1, column 2): expected a number, found "x"',
    )
    expect(left(parseJsonMatrix('{\n"rows": 1,\n}', 's.json'))).toMatch(
      /^s\.json: line 3, column 1: expected valid JSON, found a syntax error/,
    )
    expect(left(parseJsonMatrix('{"X":1}', 'k.json', 'Y'))).toBe(
      'k.json: expected a key "Y", found none (the document is an object with keys "X")',
    )
    expect(left(parseJsonMatrix('{"a":{"b":1}}', 'k.json', 'a.c'))).toBe(
      'k.json: expected a key "a.c", found none (a is an object with keys "b")',
    )
    expect(left(parseJsonMatrix('{"a":{"b":1}}', 'k.json', 'a.b.c'))).toBe(
      'k.json: expected a key "a.b.c", found none (a.b is a number (1), not an object)',
    )
    expect(left(parseJsonMatrix('', 'e.json'))).toBe('e.json: the file is empty; expected JSON')
  })

  it('names the keys of an object with no matrix and no X, and suggests --key', () => {
    expect(left(parseJsonMatrix('{"Y": [[1, 2]], "labels": [0]}', 'y.json'))).toBe(
      'y.json: expected a matrix: nested arrays, an object { rows, cols, data } or a fixture ' +
        'with the key X; found an object with keys "Y", "labels" (pick the matrix with --key, ' +
        'e.g. --key Y)',
    )
    expect(left(parseJsonMatrix('{}', 'e.json'))).toBe(
      'e.json: expected a matrix: nested arrays, an object { rows, cols, data } or a fixture ' +
        'with the key X; found an empty object',
    )
    // An object that means to be a matrix is told what it lacks; nested arrays under "data"
    // are most likely the matrix itself.
    expect(left(parseJsonMatrix('{"cols": 2, "data": [1, 2]}', 'r.json'))).toBe(
      'r.json: expected a matrix object { rows, cols, data }, found an object with keys ' +
        '"cols", "data", without rows',
    )
    expect(left(parseJsonMatrix('{"data": [[1, 2], [3, 4]]}', 'n.json'))).toBe(
      'n.json: expected a matrix object { rows, cols, data }, found an object with keys ' +
        '"data", without rows or cols (pick the matrix under "data" with --key data)',
    )
    expect(left(parseJsonMatrix('{"X": {"data": [[1]]}}', 'f.json'))).toMatch(
      /^f\.json: X: expected .* \(pick the matrix under "data" with --key X\.data\)$/,
    )
    // The hint names a key that could hold a matrix, not merely the first.
    expect(left(parseJsonMatrix('{"meta": {"a": 1}, "counts": [[1, 2]]}', 'm.json'))).toMatch(
      /\(pick the matrix with --key, e\.g\. --key counts\)$/,
    )
    // An array of objects (a fixture's cases) is no matrix, and --key takes no index: the
    // hint goes into an object, or is not given.
    const cases = '"cases": [{"X": [[1]]}]'
    expect(left(parseJsonMatrix(`{"name": "t", ${cases}, "params": {"k": 1}}`, 'c.json'))).toMatch(
      /found an object with keys "name", "cases", "params" \(pick the matrix with --key, e\.g\. --key params\)$/,
    )
    expect(left(parseJsonMatrix(`{"name": "t", ${cases}}`, 'c.json'))).toMatch(
      /found an object with keys "name", "cases"$/,
    )
    // As a --key that takes it: "a.b" beside "a" is a\.b, quoted for the shell.
    expect(left(parseJsonMatrix('{"a.b": [[1]], "a": {"b": [[2]]}}', 'd.json'))).toMatch(
      /\(pick the matrix with --key, e\.g\. --key 'a\\\.b'\)$/,
    )
  })

  it('--key reaches a key with dots in its name: a path first, else the longest key', () => {
    const read = (text: string, key: string) => {
      const found = right(parseJsonMatrix(text, 'k.json', key))
      return [found.matrix.toArray()[0][0], found.key]
    }
    // No "a": the dots are the key's own, shown escaped as the --key that takes it.
    expect(read('{"a.b": [[1, 2]]}', 'a.b')).toEqual([1, 'a\\.b'])
    expect(read('{"x": {"a.b": {"c": [[2]]}}}', 'x.a.b.c')).toEqual([2, 'x.a\\.b.c'])
    // The longest key the object has: "a.b.c" rather than "a.b" then "c".
    expect(read('{"a.b": {"c": [[3]]}, "a.b.c": [[4]]}', 'a.b.c')).toEqual([4, 'a\\.b\\.c'])
    // A path that exists is taken, as before; an escaped dot takes the other.
    const both = '{"a": {"b": [[5]]}, "a.b": [[6]]}'
    expect(read(both, 'a.b')).toEqual([5, 'a.b'])
    expect(read(both, 'a\\.b')).toEqual([6, 'a\\.b'])
    // A backslash is a backslash, except before a dot or one: \\ is one.
    expect(read('{"a\\\\b": [[7]], "c\\\\": {"d": [[8]]}}', 'a\\b')).toEqual([7, 'a\\b'])
    expect(read('{"a\\\\b": [[7]], "c\\\\": {"d": [[8]]}}', 'c\\\\.d')).toEqual([8, 'c\\\\.d'])
    expect(left(parseJsonMatrix('{"a": {"b": 1}}', 'k.json', 'a\\.b'))).toBe(
      'k.json: expected a key "a\\\\.b", found none (the document is an object with keys "a")',
    )
    // A --key written before backslashes escaped, which the escapes would misread: its
    // backslashes as they are, where nothing else matches. "tail\" then "b"; "a\\b".
    const older = '{"tail\\\\": {"b": [[9]]}, "a\\\\\\\\b": [[10]]}'
    expect(read(older, 'tail\\.b')).toEqual([9, 'tail\\\\.b'])
    expect(read(older, 'a\\\\b')).toEqual([10, 'a\\\\\\b'])
  })

  it('--key that matches nothing says which keys it tried, and a key it passed over', () => {
    expect(left(parseJsonMatrix('{"X": 1}', 'k.json', 'x.y.z'))).toBe(
      'k.json: expected a key "x.y.z", found none (the document has no key "x", "x.y" or ' +
        '"x.y.z": it is an object with keys "X")',
    )
    expect(left(parseJsonMatrix('{"m": {}, "m.n": {"o": [[1]]}}', 'k.json', 'm.n.o'))).toBe(
      'k.json: expected a key "m.n.o", found none (m has no key "n" or "n.o": it is an empty ' +
        `object; --key 'm\\.n.o' takes "m.n" rather than "m")`,
    )
    expect(right(parseJsonMatrix('{"m": {}, "m.n": {"o": [[1]]}}', 'k.json', 'm\\.n.o')).key).toBe(
      'm\\.n.o',
    )
  })

  it('keySteps and showKey read and write escaped dots and backslashes', () => {
    expect(keySteps('expected.W')).toEqual(['expected', 'W'])
    expect(keySteps('a\\.b.c')).toEqual(['a.b', 'c'])
    expect(keySteps('a\\\\.b')).toEqual(['a\\', 'b'])
    expect(keySteps('a\\b')).toEqual(['a\\b'])
    for (const steps of [['a.b', 'c'], ['a\\', 'b'], ['a\\b'], ['x\\.', '\\\\'], ['', '.']]) {
      expect(keySteps(showKey(steps))).toEqual(steps)
    }
    expect(showKey(['expected', 'W'])).toBe('expected.W')
  })

  it('takes only keys the document has: not toString, constructor or __proto__', () => {
    for (const key of ['toString', 'constructor', '__proto__']) {
      expect(left(parseJsonMatrix('{"X": [[1, 2]]}', 'k.json', key))).toBe(
        `k.json: expected a key "${key}", found none (the document is an object with keys "X")`,
      )
    }
    // A model under a key: the factor's key is under it too.
    const model = '{"m": {"format": "nmfkit-model", "W": {"rows": 1, "cols": 1, "data": [1]}}}'
    expect(left(parseJsonMatrix(model, 'n.json', 'm'))).toBe(
      'n.json: m: expected a matrix, found an nmfkit model (pick a factor with --key m.W)',
    )
  })

  it('refuses a number too large for a double, which JSON.parse reads as Infinity', () => {
    expect(left(parseJsonMatrix('[[1, 1e400],\n [3, -1E999]]', 'b.json'))).toBe(
      'b.json: line 1, column 6: expected a finite number, found "1e400", too large for a double',
    )
    expect(right(parseJsonMatrix('[[1, 1e308]]', 'f.json')).matrix.toArray()).toEqual([[1, 1e308]])
  })

  it('puts every syntax error on one line, with its line and column', () => {
    const syntax = (text: string) => left(parseJsonMatrix(text, 's.json'))
    expect(syntax('a,b\n1,2\n')).toBe(
      's.json: line 1, column 1: expected valid JSON, found a syntax error ' +
        '(expected a value, found "a")',
    )
    expect(syntax('[[1,2],[3,4],]')).toBe(
      's.json: line 1, column 14: expected valid JSON, found a syntax error ' +
        '(expected a value, found "]")',
    )
    expect(syntax('[[1,2],\n [3,4]')).toBe(
      's.json: line 2, column 7: expected valid JSON, found a syntax error ' +
        "(expected ',' or ']', found the end of the file)",
    )
    expect(syntax('{"X": [[1]],\n}')).toBe(
      's.json: line 2, column 1: expected valid JSON, found a syntax error ' +
        '(expected a property name in double quotes, found "}")',
    )
    expect(syntax('[[1, NaN]]')).toMatch(/line 1, column 6: .*\(expected a value, found "NaN"\)$/)
    expect(syntax('[[1.]]')).toMatch(/line 1, column 5: .*\(expected a digit after '\.'/)
    expect(syntax('["a\nb"]')).toMatch(/line 1, column 4: .*a closing quote, found the end/)
    expect(syntax('[1]\n[2]\n')).toMatch(/line 2, column 1: .*nothing after the value, found "\["/)
    // The column counts characters, as the other messages do: one past U+FFFF is one.
    expect(syntax('["\u{1F600}" 2]')).toMatch(/^s\.json: line 1, column 6: .*found "2"\)$/)
    for (const text of ['a,b\n1,2\n', '{\n"a":\n', '"\\u12x"', '[1,\n\n\n', '[[1]]\n\nx']) {
      expect(syntax(text)).not.toMatch(/\n/)
      expect(syntax(text)).toMatch(/^s\.json: line \d+, column \d+: /)
    }
  })

  it('finds the syntax errors JSON.parse finds, where it finds them', () => {
    const pieces = ['[', ']', '{', '}', ',', ':', '"a"', '1', '-', '.', 'e', ' ', '\n', 'true']
    const more = ['nul', '"', '\\', '"\\q"', '"\\u12"', '01', '1.', '-1.5E-2', '"x\ty"']
    const alphabet = [...pieces, ...more]
    let state = 7
    const next = (n: number): number => {
      state = (state * 1103515245 + 12345) % 2147483648
      return state % n
    }
    for (let run = 0; run < 5000; run++) {
      let text = ''
      for (let i = 0, n = 1 + next(10); i < n; i++) text += alphabet[next(alphabet.length)]
      let message: string | undefined
      try {
        JSON.parse(text)
      } catch (error) {
        message = (error as Error).message
      }
      const found = jsonSyntaxError(text)
      expect(found === undefined, JSON.stringify(text)).toBe(message === undefined)
      // Where V8 names a position, the scan names the same one (but at the start of a
      // misspelt true, false or null, which V8 names where the spelling goes wrong).
      const position = /at position (\d+)/.exec(message ?? '')
      if (found !== undefined && position !== null && !/^[tfn]/.test(text.slice(found.at))) {
        expect(found.at, JSON.stringify(text)).toBe(Number(position[1]))
      }
    }
    const deep = `${'['.repeat(100000)}${']'.repeat(100000)}`
    expect(jsonSyntaxError(deep)).toBeUndefined()
    expect(jsonSyntaxError(`${deep}]`)).toEqual({ at: 200000, expected: 'nothing after the value' })
  })

  it('says UTF-16 JSON is UTF-16', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('[[1,2]]', 'utf16le')])
    expect(left(parseJsonMatrix(bytes.toString('utf8'), 'u.json'))).toBe(
      'u.json: expected UTF-8 text, found UTF-16 (save the file as UTF-8)',
    )
  })
})

describe('UTF-8', () => {
  const bytes = (...parts: (string | number[])[]): Uint8Array =>
    Buffer.concat(
      parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))),
    )
  const hint = 'convert the file to UTF-8, e.g. with iconv -f LATIN1 -t UTF-8 if it is Latin-1'

  it('names a NumPy .npy or a zip archive (.npz) read as text, not as Latin-1', () => {
    const npy = encodeNpy(matrix([[1]]))
    expect(left(decodeUtf8(npy, 'X.csv'))).toBe(
      'X.csv: expected UTF-8 text, found a NumPy .npy file (it starts with "\\x93NUMPY"): ' +
        'read it with --format npy, or give it a name ending in .npy',
    )
    expect(left(decodeUtf8(bytes('PK', [3, 4, 20, 0, 0, 0, 0xdc]), 'X.npz'))).toBe(
      'X.npz: expected UTF-8 text, found a zip archive (it starts with "PK\\x03\\x04"), ' +
        'such as a NumPy .npz, which nmfkit does not read: take a .npy out of it ' +
        '(unzip FILE.npz writes one per array) and read that',
    )
  })

  it('refuses bytes that are not UTF-8, naming the first bad one by line, column and offset', () => {
    expect(left(decodeUtf8(bytes('caf', [0xe9], ',b\n1,2\n'), 'l.csv'))).toBe(
      `l.csv: line 1, column 4 (byte offset 3): expected UTF-8 text, found the byte 0xE9, ` +
        `which UTF-8 does not allow there (${hint})`,
    )
    // The column counts characters: é before the bad byte is one.
    expect(left(decodeUtf8(bytes('a,b\né,x', [0xff], '\n'), 'l.csv'))).toMatch(
      /^l\.csv: line 2, column 4 \(byte offset 8\): .* the byte 0xFF,/,
    )
    expect(left(decodeUtf8(bytes([0xe9]), 'o.csv'))).toMatch(
      /^o\.csv: line 1, column 1 \(byte offset 0\)/,
    )
    // A byte-order mark, which the parsers strip, is no column; on line 2 it is far behind.
    expect(left(decodeUtf8(bytes([0xef, 0xbb, 0xbf], 'a', [0xff]), 'm.csv'))).toMatch(
      /^m\.csv: line 1, column 2 \(byte offset 4\)/,
    )
    expect(left(decodeUtf8(bytes('a', [0xff]), 'm.csv'))).toMatch(
      /^m\.csv: line 1, column 2 \(byte offset 1\)/,
    )
    expect(left(decodeUtf8(bytes([0xef, 0xbb, 0xbf], 'a\nb', [0xff]), 'm.csv'))).toMatch(
      /^m\.csv: line 2, column 2 \(byte offset 6\)/,
    )
    // A character past U+FFFF, four bytes, is one column.
    expect(left(decodeUtf8(bytes('\u{1F600},', [0xff]), 'e.csv'))).toMatch(
      /^e\.csv: line 1, column 3 \(byte offset 5\)/,
    )
  })

  it('reads UTF-8 as it is, a byte-order mark kept for the parsers; says UTF-16 is UTF-16', () => {
    expect(right(decodeUtf8(bytes([0xef, 0xbb, 0xbf], 'a,é\n'), 'b.csv'))).toBe('\uFEFFa,é\n')
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('é,b\n1,2\n', 'utf16le')])
    expect(left(decodeUtf8(utf16, 'u.csv'))).toBe(
      'u.csv: expected UTF-8 text, found UTF-16 (save the file as UTF-8)',
    )
    expect(left(decodeUtf8(Buffer.from('é,b\n1,2\n', 'utf16le'), 'u.csv'))).toMatch(/UTF-16/)
  })

  it('tells Latin-1 from UTF-16 by the bytes: two bad bytes first are no byte-order mark', () => {
    // Each reads as two replacement characters, as a UTF-16 byte-order mark does.
    expect(left(decodeUtf8(bytes([0xc4, 0xd6], ',x\n'), 'l.csv'))).toBe(
      `l.csv: line 1, column 1 (byte offset 0): expected UTF-8 text, found the byte 0xC4, ` +
        `which UTF-8 does not allow there (${hint})`,
    )
    expect(left(decodeUtf8(bytes([0xe9, 0xe9], '1'), 'l.csv'))).toMatch(
      /^l\.csv: line 1, column 1 \(byte offset 0\): .* the byte 0xE9, .* iconv -f LATIN1/,
    )
    // Two replacement characters written in UTF-8 are text like any other.
    const replacements = '\uFFFD\uFFFD,x\n1,2\n'
    expect(right(decodeUtf8(bytes(replacements), 'r.csv'))).toBe(replacements)
    expect(right(parseDelimited(replacements, 'r.csv')).columnNames).toEqual(['\uFFFD\uFFFD', 'x'])
  })

  it('says UTF-16 is UTF-16, with or without a byte-order mark, in either byte order', () => {
    const message = 'u.csv: expected UTF-8 text, found UTF-16 (save the file as UTF-8)'
    for (const text of ['a,b\n1,2\n', 'é,ü\n1,2\n', '1\n', '名前,x\n1,2\n']) {
      const le = Buffer.from(text, 'utf16le')
      const be = Buffer.from(le).swap16()
      // Without a mark, by the NULs beside the letters, digits and punctuation.
      const marked = [Buffer.from([0xff, 0xfe, ...le]), Buffer.from([0xfe, 0xff, ...be])]
      for (const utf16 of [...marked, le, be]) {
        expect(left(decodeUtf8(utf16, 'u.csv')), text).toBe(message)
      }
    }
    // NULs everywhere are no UTF-16: the parsers name the first.
    expect(right(decodeUtf8(bytes([0, 0, 0, 0]), 'z.csv'))).toBe('\u0000'.repeat(4))
  })

  it('finds the byte the strict decoder stops at: overlong, surrogate, cut short, too large', () => {
    const cases: [number[], number][] = [
      [[0x41, 0xc0, 0x80], 1], // overlong
      [[0xe0, 0x80, 0x80], 0], // overlong
      [[0xed, 0xa0, 0x80], 0], // a surrogate
      [[0xf4, 0x90, 0x80, 0x80], 0], // past U+10FFFF
      [[0x41, 0xe2, 0x82], 1], // cut short
      [[0xe2, 0x82, 0xac, 0x80], 3], // a lone continuation
      [[0xf0, 0x9f, 0x98, 0x80], -1], // an emoji
    ]
    for (const [sequence, at] of cases) expect(firstInvalidUtf8(Uint8Array.from(sequence))).toBe(at)
    // Against the platform's decoder, on random bytes.
    let state = 11
    const fatal = new TextDecoder('utf-8', { fatal: true })
    for (let run = 0; run < 2000; run++) {
      const random = Uint8Array.from({ length: 1 + (run % 8) }, () => {
        state = (state * 1103515245 + 12345) % 2147483648
        return [0x41, 0x80, 0xbf, 0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0xa0, 0x90][state % 10]
      })
      let valid = true
      try {
        fatal.decode(random)
      } catch {
        valid = false
      }
      expect(firstInvalidUtf8(random) < 0, String(random)).toBe(valid)
    }
  })
})

describe('gzip', () => {
  it('is recognized by its magic bytes by the file reader', async () => {
    const { readMatrixFile } = await import('../../cli/formats/read.ts')
    const { mkdtempSync, writeFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { tmpdir } = await import('node:os')
    const folder = mkdtempSync(join(tmpdir(), 'nmfkit-gz-'))
    writeFileSync(join(folder, 'x.csv.gz'), gzipSync('1,2\n3,4\n'))
    const read = right(readMatrixFile(join(folder, 'x.csv.gz')))
    expect(read.description).toBe('CSV (comma-separated, gzipped)')
    expect(read.locate(1, 0)).toBe('line 2, column 1')
  })

  it('is read whatever the name, in every member, and refused under .gz when it is not', async () => {
    const { readMatrixFile } = await import('../../cli/formats/read.ts')
    const { mkdtempSync, writeFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { tmpdir } = await import('node:os')
    const folder = mkdtempSync(join(tmpdir(), 'nmfkit-gz-'))
    // Gzip in a file not named .gz; two members, as `gzip -c a >> b.gz` leaves them.
    writeFileSync(join(folder, 'hidden.csv'), gzipSync('1,2\n3,4\n'))
    const members = Buffer.concat([gzipSync('1,2\n'), gzipSync('3,4\n'), gzipSync('5,6\n')])
    writeFileSync(join(folder, 'members.csv.gz'), members)
    expect(right(readMatrixFile(join(folder, 'hidden.csv'))).description).toBe(
      'CSV (comma-separated, gzipped)',
    )
    expect(right(readMatrixFile(join(folder, 'members.csv.gz'))).matrix.toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ])
    writeFileSync(join(folder, 'plain.csv.gz'), '1,2\n3,4\n')
    expect(left(readMatrixFile(join(folder, 'plain.csv.gz')))).toMatch(
      /plain\.csv\.gz: expected gzip data \(starting with \\x1f\\x8b\), as its name ends in \.gz, found other bytes: "1,2\\n3,4\\n"/,
    )
  })
})

describe('quotedBytes', () => {
  it('shows printable ASCII as it is and every other byte escaped, on one line', () => {
    expect(quotedBytes(new TextEncoder().encode('garbage\n'))).toBe('"garbage\\n"')
    expect(quotedBytes(Uint8Array.of(0x50, 0x4b, 3, 4, 0x22, 0x5c, 0xc3, 0xa9, 0x9b))).toBe(
      '"PK\\x03\\x04\\"\\\\\\xc3\\xa9\\x9b"',
    )
    expect(quotedBytes(new Uint8Array(20).fill(0x41), 4)).toBe('"AAAA"…')
    expect(quotedBytes(new Uint8Array(0))).toBe('""')
  })
})

describe('an output too large for a string', () => {
  // A fit of a 5×100,000,000 X makes an H whose JSON or CSV text can be longer than V8's
  // longest string: building it throws a RangeError, which was an internal error.
  it('is an output error that says what to write instead, exit code 2', () => {
    for (const message of ['Invalid string length', 'Invalid array length']) {
      const result = encodedOrRefused(
        'model.json',
        'the model (W 5×2, H 2×100000000)',
        'write W and H as .npy',
        () => {
          throw new RangeError(message)
        },
      )
      if (E.isRight(result)) throw new Error('expected a refusal')
      expect(result.left.kind).toBe('output')
      expect(result.left.message).toMatch(
        /^model\.json: the model \(W 5×2, H 2×100000000\) is too large to write as text \(a string holds at most \d+ characters here\); write W and H as \.npy$/,
      )
    }
  })

  it('lets any other exception through, and gives the text when it is built', () => {
    const other = () =>
      encodedOrRefused('x.csv', 'W', 'advice', () => {
        throw new RangeError('Maximum call stack size exceeded')
      })
    expect(other).toThrow('Maximum call stack size exceeded')
    expect(encodedOrRefused('x.csv', 'W', 'advice', () => 'a,b\n')).toEqual(E.right('a,b\n'))
  })
})

/** Runs `use` on a new empty temporary folder, and removes the folder afterwards. */
const inTempFolder = (use: (folder: string) => void): void => {
  const folder = mkdtempSync(join(tmpdir(), 'nmfkit-read-'))
  try {
    use(folder)
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}

describe('a file past the limit', () => {
  // Refused by its size before it is read (a sparse file: no disk taken), as a stream past
  // the limit is; it read 'cannot read it (File size (…) is greater than 2 GiB)'.
  it('is refused with its size', () => {
    inTempFolder((folder) => {
      const file = join(folder, 'big.csv')
      writeFileSync(file, '')
      truncateSync(file, 2 ** 31)
      expect(readMatrixFile(file)).toEqual(
        E.left({
          kind: 'input',
          message: `${file}: expected at most ${2 ** 31 - 1} bytes (2 GiB), found ${2 ** 31}`,
        }),
      )
    })
  })
})

describe('unpacking gzip', () => {
  // A small archive can unpack to far more than memory holds: past an input's limit it is
  // refused, as an input that long is, before it is all in memory.
  it('refuses what unpacks past the limit, and unpacks what fits it whole', () => {
    const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) % 256)
    const packed = gzipSync(bytes)
    expect(gunzip(packed, 'x.csv.gz', 'x.csv.gz', bytes.length - 1)).toEqual(
      E.left({
        kind: 'input',
        message:
          `x.csv.gz: expected at most ${bytes.length - 1} bytes once unpacked, as an input ` +
          `may have, found more in ${packed.length} bytes of gzip data`,
      }),
    )
    expect(gunzip(packed, 'x.csv.gz', 'x.csv.gz', bytes.length)).toEqual(
      E.right(Buffer.from(bytes)),
    )
  })
})

describe('reading a stream', () => {
  it.skipIf(!existsSync('/dev/zero'))('refuses one that goes on past the limit', () => {
    const fd = openSync('/dev/zero', 'r')
    try {
      expect(readBounded(fd, 3 * 2 ** 20 + 5)).toBe('too long')
    } finally {
      closeSync(fd)
    }
  })

  it('reads one that ends, whole, across chunks', () => {
    inTempFolder((folder) => {
      const path = join(folder, 'x.bin')
      const bytes = Uint8Array.from({ length: 2 ** 20 + 7 }, (_, i) => (i * 7) % 256)
      writeFileSync(path, bytes)
      const fd = openSync(path, 'r')
      try {
        expect(readBounded(fd, bytes.length)).toEqual(Buffer.from(bytes))
      } finally {
        closeSync(fd)
      }
      const again = openSync(path, 'r')
      try {
        expect(readBounded(again, bytes.length - 1)).toBe('too long')
      } finally {
        closeSync(again)
      }
    })
  })
})

describe('an input the system refuses to read', () => {
  // The reason in words, without Node's code and the path, which the message names first.
  it("says why in the system's words, without its code and the path", () => {
    inTempFolder((folder) => {
      const file = join(folder, 'x.csv')
      writeFileSync(file, '1,2\n')
      const inside = join(file, 'y.csv')
      expect(readMatrixFile(inside)).toEqual(
        E.left({ kind: 'input', message: `${inside}: cannot read it (not a directory)` }),
      )
    })
  })
})

describe('text longer than a string may be', () => {
  // Valid UTF-8 (a 512 MiB CSV is within the 2 GiB an input may have) that no JavaScript
  // string holds: an input error that says so, not an internal error from the decoder.
  it('is an input error that names the limit and what to do', () => {
    const bytes = Buffer.alloc(constants.MAX_STRING_LENGTH + 1, '0')
    expect(decodeUtf8(bytes, 'big.csv')).toEqual(
      E.left({
        kind: 'input',
        message:
          `big.csv: expected text of at most ${constants.MAX_STRING_LENGTH} characters (the ` +
          `most a JavaScript string holds), found ${bytes.length} bytes of it: save the ` +
          'matrix as .npy, which is read up to 2 GiB',
      }),
    )
  })
})
