/**
 * Fused elementwise loops. A region is a tree of entrywise operations over
 * strided reads of materialized arrays; it runs as one pass over its output
 * shape with no intermediate arrays, writing whole outputs and accumulating
 * reductions in the same loop.
 *
 * A matrix–vector product whose result has the region's shape (the gradient
 * A·G[:, t] of a column update) is computed inside the loop too, one dot
 * product per entry, as a hand-written coordinate descent would.
 *
 * A region is compiled once per tree shape: JavaScript source is generated
 * from the region's tree (never from function text) and cached by that text,
 * which depends on the operations only, not on sizes or values. Where code
 * generation is not allowed (a content security policy), the same tree runs
 * as nested closures, one call per node and entry, in the same single loop.
 */
import type { BinaryOp, ReduceOp, UnaryOp } from './node.ts'

/** A strided read: entry (i, j) of the region is `data[offset + i·rowStride + j·colStride]`. */
export interface Read {
  readonly data: Float64Array
  readonly offset: number
  readonly rowStride: number
  readonly colStride: number
  /** Read once before the loop: a 1×1 input. */
  readonly scalar: boolean
}

/** A region's tree: inputs by index, constants by index, and entrywise operations. */
export type Ir =
  | { readonly k: 'input'; readonly index: number; readonly scalar: boolean }
  | { readonly k: 'constant'; readonly index: number }
  | { readonly k: 'unary'; readonly op: UnaryOp; readonly a: Ir }
  | { readonly k: 'binary'; readonly op: BinaryOp; readonly a: Ir; readonly b: Ir }
  | { readonly k: 'where'; readonly m: Ir; readonly a: Ir; readonly b: Ir }
  /**
   * Entry i of a matrix–vector product M·v, computed in the loop: the dot
   * product of row i of input `matrix` with input `vector` (both at least 2
   * long, read with their row and column strides).
   */
  | { readonly k: 'dot'; readonly matrix: number; readonly vector: number; readonly length: number }

/**
 * A reduction of a region's entries: one of the DSL's, except the norm, or `largest`, the
 * largest magnitude, NaN left out (0 for no entries). A norm is two of them in the loop
 * (`normParts`), which the planner finishes with core/scaled.ts's `euclideanNormOfSquares`.
 */
export type RegionReduce = Exclude<ReduceOp, 'norm'> | 'largest'

/** One result of a region: a whole array, or a reduction of all entries. */
export interface Output {
  readonly ir: Ir
  readonly reduce?: RegionReduce
}

/**
 * A norm's reductions in one loop: the plain sum of squares and the largest magnitude (the
 * entry is computed once for both; the largest costs one compare per entry, a NaN entry
 * left out of it as the sum of squares is NaN then).
 */
export const normParts = (ir: Ir): readonly [Output, Output] => [
  { ir, reduce: 'sumSquares' },
  { ir, reduce: 'largest' },
]

/**
 * A norm's second pass, for sums of squares out of range: Σ (x·k₁·k₂)² over the entries x
 * of `ir`, with k₁ and k₂ the constants at `constant` and `constant + 1` (the scaling of
 * `euclideanNormOfSquares`). The entries are computed again and not stored.
 */
export const scaledSquares = (ir: Ir, constant: number): Output => {
  const times = (a: Ir, index: number): Ir => ({
    k: 'binary',
    op: 'mul',
    a,
    b: { k: 'constant', index },
  })
  return { ir: times(times(ir, constant), constant + 1), reduce: 'sumSquares' }
}

/** Runs a region: fills each array output and returns each reduction (NaN for array outputs). */
export type RegionRunner = (
  reads: readonly Read[],
  constants: readonly number[],
  rows: number,
  cols: number,
  outs: readonly (Float64Array | undefined)[],
) => number[]

const unaryCode: Readonly<Record<UnaryOp, (a: string) => string>> = {
  neg: (a) => `(-${a})`,
  abs: (a) => `Math.abs(${a})`,
  sqrt: (a) => `Math.sqrt(${a})`,
  square: (a) => `sq(${a})`,
  exp: (a) => `Math.exp(${a})`,
  log: (a) => `Math.log(${a})`,
}

const binaryCode: Readonly<Record<BinaryOp, (a: string, b: string) => string>> = {
  add: (a, b) => `(${a} + ${b})`,
  sub: (a, b) => `(${a} - ${b})`,
  mul: (a, b) => `(${a} * ${b})`,
  div: (a, b) => `(${a} / ${b})`,
  pow: (a, b) => `Math.pow(${a}, ${b})`,
  max: (a, b) => `Math.max(${a}, ${b})`,
  min: (a, b) => `Math.min(${a}, ${b})`,
  eq: (a, b) => `(${a} === ${b} ? 1 : 0)`,
  ne: (a, b) => `(${a} !== ${b} ? 1 : 0)`,
  lt: (a, b) => `(${a} < ${b} ? 1 : 0)`,
  le: (a, b) => `(${a} <= ${b} ? 1 : 0)`,
  gt: (a, b) => `(${a} > ${b} ? 1 : 0)`,
  ge: (a, b) => `(${a} >= ${b} ? 1 : 0)`,
}

/** The entrywise functions, shared by the closure fallback and the reference interpreter. */
export const unaryFunctions: Readonly<Record<UnaryOp, (a: number) => number>> = {
  neg: (a) => -a,
  abs: Math.abs,
  sqrt: Math.sqrt,
  square: (a) => a * a,
  exp: Math.exp,
  log: Math.log,
}

export const binaryFunctions: Readonly<Record<BinaryOp, (a: number, b: number) => number>> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  max: Math.max,
  min: Math.min,
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
}

/** The start of each reduction and how one entry joins it. */
export const reductions: Readonly<
  Record<
    RegionReduce,
    { readonly start: number; readonly join: (acc: number, v: number) => number }
  >
> = {
  sum: { start: 0, join: (acc, v) => acc + v },
  sumSquares: { start: 0, join: (acc, v) => acc + v * v },
  max: { start: -Infinity, join: Math.max },
  min: { start: Infinity, join: Math.min },
  largest: {
    start: 0,
    join: (acc, v) => {
      const magnitude = Math.abs(v)
      return magnitude > acc ? magnitude : acc
    },
  },
}

const joinCode: Readonly<Record<RegionReduce, (acc: string, v: string) => string>> = {
  sum: (acc, v) => `${acc} += ${v}`,
  sumSquares: (acc, v) => `${acc} += sq(${v})`,
  max: (acc, v) => `${acc} = Math.max(${acc}, ${v})`,
  min: (acc, v) => `${acc} = Math.min(${acc}, ${v})`,
  largest: (acc, v) => `{ const m = Math.abs(${v}); if (m > ${acc}) ${acc} = m; }`,
}

/** Counts how often each node is used, to give shared subtrees one variable. */
const countUses = (outputs: readonly Output[]): Map<Ir, number> => {
  const uses = new Map<Ir, number>()
  const visit = (ir: Ir): void => {
    const seen = uses.get(ir) ?? 0
    uses.set(ir, seen + 1)
    if (seen > 0) return
    if (ir.k === 'unary') visit(ir.a)
    else if (ir.k === 'binary') {
      visit(ir.a)
      visit(ir.b)
    } else if (ir.k === 'where') {
      visit(ir.m)
      visit(ir.a)
      visit(ir.b)
    }
  }
  for (const output of outputs) visit(output.ir)
  return uses
}

/** The JavaScript source of a region: the cache key and the code. */
export const regionSource = (outputs: readonly Output[], inputCount: number): string => {
  const uses = countUses(outputs)
  const names = new Map<Ir, string>()
  const body: string[] = []
  const scalars = new Set<number>()
  const code = (ir: Ir): string => {
    const named = names.get(ir)
    if (named !== undefined) return named
    let text: string
    switch (ir.k) {
      case 'input':
        if (ir.scalar) scalars.add(ir.index)
        text = ir.scalar ? `s${ir.index}` : `d${ir.index}[b${ir.index} + j * c${ir.index}]`
        break
      case 'constant':
        text = `k${ir.index}`
        break
      case 'unary':
        text = unaryCode[ir.op](code(ir.a))
        break
      case 'binary':
        text = binaryCode[ir.op](code(ir.a), code(ir.b))
        break
      case 'where':
        text = `(${code(ir.m)} !== 0 ? ${code(ir.a)} : ${code(ir.b)})`
        break
      case 'dot': {
        const [m, v] = [ir.matrix, ir.vector]
        const name = `v${names.size}`
        body.push(
          `let ${name} = 0;`,
          `for (let l = 0; l < ${ir.length}; l++) ` +
            `${name} += d${m}[b${m} + l * c${m}] * d${v}[f${v} + l * g${v}];`,
        )
        names.set(ir, name)
        return name
      }
    }
    if ((uses.get(ir) ?? 0) > 1 && ir.k !== 'input' && ir.k !== 'constant') {
      const name = `v${names.size}`
      body.push(`const ${name} = ${text};`)
      names.set(ir, name)
      return name
    }
    return text
  }
  const writes = outputs.map((output, index) =>
    output.reduce === undefined
      ? `o${index}[q] = ${code(output.ir)};`
      : `${joinCode[output.reduce](`a${index}`, code(output.ir))};`,
  )
  const head: string[] = []
  const rowHead: string[] = []
  for (let index = 0; index < inputCount; index++) {
    if (scalars.has(index)) head.push(`const s${index} = r[${index}].data[r[${index}].offset];`)
    else {
      head.push(
        `const d${index} = r[${index}].data, c${index} = r[${index}].colStride;`,
        `const f${index} = r[${index}].offset, g${index} = r[${index}].rowStride;`,
      )
      rowHead.push(`const b${index} = f${index} + i * g${index};`)
    }
  }
  const constantCount = Math.max(
    0,
    ...[...uses.keys()].map((ir) => (ir.k === 'constant' ? ir.index + 1 : 0)),
  )
  for (let index = 0; index < constantCount; index++) head.push(`const k${index} = k[${index}];`)
  outputs.forEach((output, index) =>
    head.push(
      output.reduce === undefined
        ? `const o${index} = outs[${index}];`
        : `let a${index} = ${reductions[output.reduce].start};`,
    ),
  )
  const results = outputs.map((output, index) =>
    output.reduce === undefined ? 'NaN' : `a${index}`,
  )
  return [
    '"use strict";',
    'const sq = (x) => x * x;',
    'return function region(r, k, rows, cols, outs) {',
    ...head,
    // A column vector (a column update of a sweep) runs as one flat loop.
    'if (cols === 1) {',
    'for (let i = 0, q = 0, j = 0; i < rows; i++, q++) {',
    ...rowHead,
    ...body,
    ...writes,
    '}',
    '} else {',
    'for (let i = 0; i < rows; i++) {',
    ...rowHead,
    'for (let j = 0, q = i * cols; j < cols; j++, q++) {',
    ...body,
    ...writes,
    '}',
    '}',
    '}',
    `return [${results.join(', ')}];`,
    '};',
  ].join('\n')
}

const compiled = new Map<string, RegionRunner>()

/** Whether `new Function` is allowed here; checked once. */
let generationAllowed: boolean | undefined

const generate = (source: string): RegionRunner | undefined => {
  const cached = compiled.get(source)
  if (cached !== undefined) return cached
  if (generationAllowed === false) return undefined
  try {
    const runner = new Function(source)() as RegionRunner
    generationAllowed = true
    compiled.set(source, runner)
    return runner
  } catch {
    // A content security policy forbids generated code: the closures run instead.
    generationAllowed = false
    return undefined
  }
}

/** The closure form of a region: one nested closure per node, still one loop. */
const interpretRegion =
  (outputs: readonly Output[]): RegionRunner =>
  (reads, constants, rows, cols, outs) => {
    let i = 0
    let j = 0
    const build = (ir: Ir): (() => number) => {
      switch (ir.k) {
        case 'input': {
          const read = reads[ir.index]
          const { data, offset, rowStride, colStride } = read
          if (read.scalar) {
            const value = data[offset]
            return () => value
          }
          return () => data[offset + i * rowStride + j * colStride]
        }
        case 'constant': {
          const value = constants[ir.index]
          return () => value
        }
        case 'unary': {
          const f = unaryFunctions[ir.op]
          const a = build(ir.a)
          return () => f(a())
        }
        case 'binary': {
          const f = binaryFunctions[ir.op]
          const a = build(ir.a)
          const b = build(ir.b)
          return () => f(a(), b())
        }
        case 'where': {
          const m = build(ir.m)
          const a = build(ir.a)
          const b = build(ir.b)
          return () => (m() !== 0 ? a() : b())
        }
        case 'dot': {
          const matrix = reads[ir.matrix]
          const vector = reads[ir.vector]
          const length = ir.length
          return () => {
            const base = matrix.offset + i * matrix.rowStride
            let sum = 0
            for (let l = 0; l < length; l++) {
              sum +=
                matrix.data[base + l * matrix.colStride] *
                vector.data[vector.offset + l * vector.rowStride]
            }
            return sum
          }
        }
      }
    }
    const entries = outputs.map((output) => build(output.ir))
    const results = outputs.map((output) =>
      output.reduce === undefined ? NaN : reductions[output.reduce].start,
    )
    for (i = 0; i < rows; i++) {
      for (j = 0; j < cols; j++) {
        for (let index = 0; index < outputs.length; index++) {
          const value = entries[index]()
          const reduce = outputs[index].reduce
          if (reduce === undefined) (outs[index] as Float64Array)[i * cols + j] = value
          else results[index] = reductions[reduce].join(results[index], value)
        }
      }
    }
    return results
  }

/**
 * The runner of a region: generated code when allowed and `generate` is true,
 * the closure interpreter otherwise.
 */
export const regionRunner = (
  outputs: readonly Output[],
  inputCount: number,
  generateCode: boolean,
): { readonly runner: RegionRunner; readonly generated: boolean } => {
  if (generateCode) {
    const runner = generate(regionSource(outputs, inputCount))
    if (runner !== undefined) return { runner, generated: true }
  }
  return { runner: interpretRegion(outputs), generated: false }
}
