// The WebAssembly kernels of nmfkit, in AssemblyScript, compiled by `npm run build:wasm`
// into core/wasm-binary.ts. AssemblyScript is not TypeScript (`@inline` marks functions the
// compiler inlines), so ESLint and Prettier skip this file. Every argument that ends in a
// matrix is a byte offset into linear memory, which core/wasm.ts manages: these functions
// allocate nothing. Matrices are row-major float64, CSR parts int32 and float64, as in
// core/kernels-reference.ts, whose functions are the reference these agree with (the same
// sums, in places in another order).

/**
 * out (rows×m) = A·B, A(i, l) at a + i·rowStep + l·innerStep (bytes), B inner×m. Each
 * entry is summed over l in order, as the reference gemm does. Tiles of 4 rows by 4
 * columns keep eight pairs of running sums in registers; the tiles run along the rows of
 * the larger factor, so that it is read from memory about once. `from` (tile, edge): the
 * running sums start from out's entries instead of 0, for a later block of l.
 */
export function gemmStrided(
  a: usize,
  rows: i32,
  inner: i32,
  rowStep: usize,
  innerStep: usize,
  b: usize,
  m: i32,
  out: usize,
): void {
  if (inner <= 20 && m >= 8) {
    shortInner(a, rows, inner, rowStep, innerStep, b, m, out)
    return
  }
  const rows4 = rows & ~3
  const m4 = m & ~3
  if (<i64>m * <i64>inner > <i64>rows * <i64>inner) {
    // B is the larger: a stripe of four of its columns stays in cache while every row
    // tile of A passes over it.
    for (let j = 0; j < m4; j += 4) {
      for (let i = 0; i < rows4; i += 4) tile(a, i, inner, rowStep, innerStep, b, m, j, out, 0)
    }
    // The columns right of the tiles, then the rows below them across every column, so that
    // a row's edge runs several columns' sums side by side.
    edge(a, 0, rows4, inner, rowStep, innerStep, b, m, m4, m, out, 0)
    edge(a, rows4, rows, inner, rowStep, innerStep, b, m, 0, m, out, 0)
  } else {
    // A is the larger: its rows pass over B in blocks of l whose rows of B (about 32 KiB,
    // a first-level cache) stay in cache for every tile; each running sum carries on from
    // the block before, so every entry is still summed over l in order. An A read down its
    // columns (Xᵀ·W: A = Xᵀ) touches a cache line of its own for every l, which must stay in
    // the first-level cache beside B's block: there B's block is about 16 KiB (on the
    // dense problem's Xᵀ·W, 5.0–5.2 → 6.1–6.3 billion multiply-adds a second on one thread,
    // on 2026-12-05: "Changes between the 10:45 and 15:48 UTC tables" in bench/HISTORY.md).
    // Where each step of l is 4 KiB or more from the last (X's rows that long), a block is
    // also at most 40 steps: on the dense problem's Xᵀ·W (8 000-byte steps, 102 a block
    // without the cap), 3.6–4.0 → 4.7–5.2 on one thread on 2026-12-06 (bench/README.md,
    // "Changes of 2026-12-06, from 16:30 UTC"). Where steps are 512 bytes to 4 KiB apart,
    // at most 64: the digits' Xᵀ·W (512-byte steps, 204 a block without the cap) 165 →
    // 151 µs. With shorter steps a cap made no difference or cost (the notebook's Xᵀ·W, 100
    // steps of 160 bytes, 10% slower in blocks of 40; the dense problem's WᵀW, steps of 160
    // bytes, 5% slower in blocks of 64).
    const rowB: usize = (<usize>m) << 3
    const block = max(16, (innerStep > 8 ? 16384 : 32768) / max(1, m << 3))
    const steps = innerStep >= 4096 ? min(40, block) : innerStep >= 512 ? min(64, block) : block
    for (let l0 = 0; l0 < inner; l0 += steps) {
      const count = min(steps, inner - l0)
      const al = a + <usize>l0 * innerStep
      const bl = b + <usize>l0 * rowB
      const from = l0 > 0 ? 1 : 0
      for (let i = 0; i < rows4; i += 4) {
        for (let j = 0; j < m4; j += 4) tile(al, i, count, rowStep, innerStep, bl, m, j, out, from)
        edge(al, i, i + 4, count, rowStep, innerStep, bl, m, m4, m, out, from)
      }
      edge(al, rows4, rows, count, rowStep, innerStep, bl, m, 0, m, out, from)
    }
  }
}

/**
 * gemmStrided for a short inner dimension (W·H, W·(H·Hᵀ): k terms an entry) and at least 8
 * columns: two rows of out at a time, eight columns side by side (then four, two, one), each
 * entry summed over l in order from 0 as a tile sums it (the same bits), each row of B
 * read once for both rows (an odd last row paired with itself, the copy not stored). A tile of 4×4 sums spends as much on starting and storing its
 * sums as on a few steps of l: W·H of 100×4 by 4×20 took 4.8 µs in tiles and 3.2 a row at
 * a time (digits' 1797×10 by 10×64: 456 → 340 µs; both on 2026-12-05); from about 32 terms
 * on the tiles are faster. Two rows at a time were 1.12–1.28× as fast as one on 2026-12-06
 * (bench/README.md, "Changes of 2026-12-06, from 16:30 UTC").
 */
function shortInner(
  a: usize,
  rows: i32,
  inner: i32,
  rowStep: usize,
  innerStep: usize,
  b: usize,
  m: i32,
  out: usize,
): void {
  const rowB: usize = (<usize>m) << 3
  let i = 0
  for (; i + 1 < rows; i += 2) {
    const ai = a + <usize>i * rowStep
    shortInnerRows(ai, ai + rowStep, true, inner, innerStep, b, m, out + <usize>i * rowB)
  }
  // An odd last row is paired with itself, the copy's sums not stored.
  if (i < rows) {
    const ai = a + <usize>i * rowStep
    shortInnerRows(ai, ai, false, inner, innerStep, b, m, out + <usize>i * rowB)
  }
}

/**
 * shortInner's rows of A at `ai` and `second` into the row of out at `oi` and, when `pair`,
 * the next one. Inlined with `pair` a constant, so that neither call tests it.
 */
@inline
function shortInnerRows(
  ai: usize,
  second: usize,
  pair: bool,
  inner: i32,
  innerStep: usize,
  b: usize,
  m: i32,
  oi: usize,
): void {
  const rowB: usize = (<usize>m) << 3
  const zero = f64x2.splat(0)
  let j = 0
  for (; j + 7 < m; j += 8) {
    let s0 = zero
    let s1 = zero
    let s2 = zero
    let s3 = zero
    let t0 = zero
    let t1 = zero
    let t2 = zero
    let t3 = zero
    let bl = b + ((<usize>j) << 3)
    let p = ai
    let q = second
    for (let l = 0; l < inner; l++) {
      const x = v128.load64_splat(p)
      const y = v128.load64_splat(q)
      const b0 = v128.load(bl)
      const b1 = v128.load(bl, 16)
      const b2 = v128.load(bl, 32)
      const b3 = v128.load(bl, 48)
      s0 = f64x2.add(s0, f64x2.mul(x, b0))
      s1 = f64x2.add(s1, f64x2.mul(x, b1))
      s2 = f64x2.add(s2, f64x2.mul(x, b2))
      s3 = f64x2.add(s3, f64x2.mul(x, b3))
      t0 = f64x2.add(t0, f64x2.mul(y, b0))
      t1 = f64x2.add(t1, f64x2.mul(y, b1))
      t2 = f64x2.add(t2, f64x2.mul(y, b2))
      t3 = f64x2.add(t3, f64x2.mul(y, b3))
      p += innerStep
      q += innerStep
      bl += rowB
    }
    const o = oi + ((<usize>j) << 3)
    v128.store(o, s0)
    v128.store(o, s1, 16)
    v128.store(o, s2, 32)
    v128.store(o, s3, 48)
    if (pair) {
      v128.store(o + rowB, t0)
      v128.store(o + rowB, t1, 16)
      v128.store(o + rowB, t2, 32)
      v128.store(o + rowB, t3, 48)
    }
  }
  if (j + 3 < m) {
    let s0 = zero
    let s1 = zero
    let t0 = zero
    let t1 = zero
    let bl = b + ((<usize>j) << 3)
    let p = ai
    let q = second
    for (let l = 0; l < inner; l++) {
      const x = v128.load64_splat(p)
      const y = v128.load64_splat(q)
      const b0 = v128.load(bl)
      const b1 = v128.load(bl, 16)
      s0 = f64x2.add(s0, f64x2.mul(x, b0))
      s1 = f64x2.add(s1, f64x2.mul(x, b1))
      t0 = f64x2.add(t0, f64x2.mul(y, b0))
      t1 = f64x2.add(t1, f64x2.mul(y, b1))
      p += innerStep
      q += innerStep
      bl += rowB
    }
    const o = oi + ((<usize>j) << 3)
    v128.store(o, s0)
    v128.store(o, s1, 16)
    if (pair) {
      v128.store(o + rowB, t0)
      v128.store(o + rowB, t1, 16)
    }
    j += 4
  }
  for (; j + 1 < m; j += 2) {
    let s0 = zero
    let t0 = zero
    let bl = b + ((<usize>j) << 3)
    let p = ai
    let q = second
    for (let l = 0; l < inner; l++) {
      const b0 = v128.load(bl)
      s0 = f64x2.add(s0, f64x2.mul(v128.load64_splat(p), b0))
      t0 = f64x2.add(t0, f64x2.mul(v128.load64_splat(q), b0))
      p += innerStep
      q += innerStep
      bl += rowB
    }
    const o = oi + ((<usize>j) << 3)
    v128.store(o, s0)
    if (pair) v128.store(o + rowB, t0)
  }
  if (j < m) {
    let s = 0.0
    let t = 0.0
    let bl = b + ((<usize>j) << 3)
    let p = ai
    let q = second
    for (let l = 0; l < inner; l++) {
      const y = load<f64>(bl)
      s += load<f64>(p) * y
      t += load<f64>(q) * y
      p += innerStep
      q += innerStep
      bl += rowB
    }
    store<f64>(oi + ((<usize>j) << 3), s)
    if (pair) store<f64>(oi + rowB + ((<usize>j) << 3), t)
  }
}

/**
 * Rows i..i+3 by columns j..j+3 of gemmStrided's out, one step of l at a time, each
 * running sum adding its terms in order of l. Every operand is read through a pointer
 * moved on at each step (the loads' offsets constant): V8 then spends fewer instructions
 * on addresses than with an offset added to each row's start, and the products ran
 * 1.2–1.7× as fast as with that and two steps of l at a time (bench/README.md, "Changes of
 * 2026-12-06, from 16:30 UTC"). Where A's four rows are side by side in memory (rowStep 8:
 * A is Xᵀ, its rows neighbouring columns of X), one pointer reads all four at constant
 * offsets (the dense problem's and the digits' Xᵀ·W 4–5% faster than through four
 * pointers, the notebook's the same; bench/README.md).
 */
function tile(
  a: usize,
  i: i32,
  inner: i32,
  rowStep: usize,
  innerStep: usize,
  b: usize,
  m: i32,
  j: i32,
  out: usize,
  from: i32,
): void {
  if (rowStep == 8) tileSums(a, i, inner, 8, innerStep, b, m, j, out, from, true)
  else tileSums(a, i, inner, rowStep, innerStep, b, m, j, out, from, false)
}

/** tile's loop, inlined with `adjacent` (rowStep is 8) a constant, so that neither copy tests it. */
@inline
function tileSums(
  a: usize,
  i: i32,
  inner: i32,
  rowStep: usize,
  innerStep: usize,
  b: usize,
  m: i32,
  j: i32,
  out: usize,
  from: i32,
  adjacent: bool,
): void {
  const rowB: usize = (<usize>m) << 3
  const o = out + <usize>i * rowB + ((<usize>j) << 3)
  // The running sums start at 0, or, for a later block of l, where the earlier one left them.
  const zero = f64x2.splat(0)
  let s00 = from ? v128.load(o) : zero
  let s01 = from ? v128.load(o, 16) : zero
  let s10 = from ? v128.load(o + rowB) : zero
  let s11 = from ? v128.load(o + rowB, 16) : zero
  let s20 = from ? v128.load(o + 2 * rowB) : zero
  let s21 = from ? v128.load(o + 2 * rowB, 16) : zero
  let s30 = from ? v128.load(o + 3 * rowB) : zero
  let s31 = from ? v128.load(o + 3 * rowB, 16) : zero
  let p0 = a + <usize>i * rowStep
  let p1 = p0 + rowStep
  let p2 = p1 + rowStep
  let p3 = p2 + rowStep
  let row = b + ((<usize>j) << 3)
  for (let l = 0; l < inner; l++) {
    const y0 = v128.load(row)
    const y1 = v128.load(row, 16)
    const x0 = v128.load64_splat(p0)
    const x1 = adjacent ? v128.load64_splat(p0, 8) : v128.load64_splat(p1)
    const x2 = adjacent ? v128.load64_splat(p0, 16) : v128.load64_splat(p2)
    const x3 = adjacent ? v128.load64_splat(p0, 24) : v128.load64_splat(p3)
    s00 = f64x2.add(s00, f64x2.mul(x0, y0))
    s01 = f64x2.add(s01, f64x2.mul(x0, y1))
    s10 = f64x2.add(s10, f64x2.mul(x1, y0))
    s11 = f64x2.add(s11, f64x2.mul(x1, y1))
    s20 = f64x2.add(s20, f64x2.mul(x2, y0))
    s21 = f64x2.add(s21, f64x2.mul(x2, y1))
    s30 = f64x2.add(s30, f64x2.mul(x3, y0))
    s31 = f64x2.add(s31, f64x2.mul(x3, y1))
    p0 += innerStep
    if (!adjacent) {
      p1 += innerStep
      p2 += innerStep
      p3 += innerStep
    }
    row += rowB
  }
  v128.store(o, s00)
  v128.store(o, s01, 16)
  v128.store(o + rowB, s10)
  v128.store(o + rowB, s11, 16)
  v128.store(o + 2 * rowB, s20)
  v128.store(o + 2 * rowB, s21, 16)
  v128.store(o + 3 * rowB, s30)
  v128.store(o + 3 * rowB, s31, 16)
}

/**
 * Rows i0..i1-1 by columns j0..j1-1 of gemmStrided's out, for the edges that whole tiles
 * do not cover: four rows by two columns at a time where they fit, then by one; then single
 * rows, eight, four, two and one column at a time. A pair of running sums waits for its previous addition at
 * every step of l, so a single row runs as many pairs side by side as fit in registers.
 */
function edge(
  a: usize,
  i0: i32,
  i1: i32,
  inner: i32,
  rowStep: usize,
  innerStep: usize,
  b: usize,
  m: i32,
  j0: i32,
  j1: i32,
  out: usize,
  from: i32,
): void {
  const rowB: usize = (<usize>m) << 3
  const zero = f64x2.splat(0)
  let i = i0
  for (; i + 3 < i1; i += 4) {
    const a0 = a + <usize>i * rowStep
    const a1 = a0 + rowStep
    const a2 = a1 + rowStep
    const a3 = a2 + rowStep
    const o = out + <usize>i * rowB
    let j = j0
    for (; j + 1 < j1; j += 2) {
      const oj = o + ((<usize>j) << 3)
      let s0 = from ? v128.load(oj) : zero
      let s1 = from ? v128.load(oj + rowB) : zero
      let s2 = from ? v128.load(oj + 2 * rowB) : zero
      let s3 = from ? v128.load(oj + 3 * rowB) : zero
      let p0 = a0
      let p1 = a1
      let p2 = a2
      let p3 = a3
      let row = b + ((<usize>j) << 3)
      for (let l = 0; l < inner; l++) {
        const y = v128.load(row)
        s0 = f64x2.add(s0, f64x2.mul(v128.load64_splat(p0), y))
        s1 = f64x2.add(s1, f64x2.mul(v128.load64_splat(p1), y))
        s2 = f64x2.add(s2, f64x2.mul(v128.load64_splat(p2), y))
        s3 = f64x2.add(s3, f64x2.mul(v128.load64_splat(p3), y))
        p0 += innerStep
        p1 += innerStep
        p2 += innerStep
        p3 += innerStep
        row += rowB
      }
      v128.store(oj, s0)
      v128.store(oj + rowB, s1)
      v128.store(oj + 2 * rowB, s2)
      v128.store(oj + 3 * rowB, s3)
    }
    if (j < j1) {
      const oj = o + ((<usize>j) << 3)
      let s0 = from ? load<f64>(oj) : 0.0
      let s1 = from ? load<f64>(oj + rowB) : 0.0
      let s2 = from ? load<f64>(oj + 2 * rowB) : 0.0
      let s3 = from ? load<f64>(oj + 3 * rowB) : 0.0
      let p0 = a0
      let p1 = a1
      let p2 = a2
      let p3 = a3
      let at = b + ((<usize>j) << 3)
      for (let l = 0; l < inner; l++) {
        const y = load<f64>(at)
        s0 += load<f64>(p0) * y
        s1 += load<f64>(p1) * y
        s2 += load<f64>(p2) * y
        s3 += load<f64>(p3) * y
        p0 += innerStep
        p1 += innerStep
        p2 += innerStep
        p3 += innerStep
        at += rowB
      }
      store<f64>(oj, s0)
      store<f64>(oj + rowB, s1)
      store<f64>(oj + 2 * rowB, s2)
      store<f64>(oj + 3 * rowB, s3)
    }
  }
  for (; i < i1; i++) {
    const ai = a + <usize>i * rowStep
    const o = out + <usize>i * rowB
    let j = j0
    // Eight columns at a time where they fit: four running sums that do not wait on each
    // other (one pair of sums waits for its previous addition at every step of l).
    for (; j + 7 < j1; j += 8) {
      const oj = o + ((<usize>j) << 3)
      let s0 = from ? v128.load(oj) : zero
      let s1 = from ? v128.load(oj, 16) : zero
      let s2 = from ? v128.load(oj, 32) : zero
      let s3 = from ? v128.load(oj, 48) : zero
      let p = ai
      let row = b + ((<usize>j) << 3)
      for (let l = 0; l < inner; l++) {
        const x = v128.load64_splat(p)
        s0 = f64x2.add(s0, f64x2.mul(x, v128.load(row)))
        s1 = f64x2.add(s1, f64x2.mul(x, v128.load(row, 16)))
        s2 = f64x2.add(s2, f64x2.mul(x, v128.load(row, 32)))
        s3 = f64x2.add(s3, f64x2.mul(x, v128.load(row, 48)))
        p += innerStep
        row += rowB
      }
      v128.store(oj, s0)
      v128.store(oj, s1, 16)
      v128.store(oj, s2, 32)
      v128.store(oj, s3, 48)
    }
    if (j + 3 < j1) {
      const oj = o + ((<usize>j) << 3)
      let s0 = from ? v128.load(oj) : zero
      let s1 = from ? v128.load(oj, 16) : zero
      let p = ai
      let row = b + ((<usize>j) << 3)
      for (let l = 0; l < inner; l++) {
        const x = v128.load64_splat(p)
        s0 = f64x2.add(s0, f64x2.mul(x, v128.load(row)))
        s1 = f64x2.add(s1, f64x2.mul(x, v128.load(row, 16)))
        p += innerStep
        row += rowB
      }
      v128.store(oj, s0)
      v128.store(oj, s1, 16)
      j += 4
    }
    for (; j + 1 < j1; j += 2) {
      const oj = o + ((<usize>j) << 3)
      let s = from ? v128.load(oj) : zero
      let p = ai
      let row = b + ((<usize>j) << 3)
      for (let l = 0; l < inner; l++) {
        s = f64x2.add(s, f64x2.mul(v128.load64_splat(p), v128.load(row)))
        p += innerStep
        row += rowB
      }
      v128.store(oj, s)
    }
    if (j < j1) {
      const oj = o + ((<usize>j) << 3)
      let s = from ? load<f64>(oj) : 0.0
      let p = ai
      let at = b + ((<usize>j) << 3)
      for (let l = 0; l < inner; l++) {
        s += load<f64>(p) * load<f64>(at)
        p += innerStep
        at += rowB
      }
      store<f64>(oj, s)
    }
  }
}

/** out[0..k) += v·b[0..k), two entries at a time. */
@inline
function addScaled(v: f64, b: usize, out: usize, k: i32): void {
  const vv = f64x2.splat(v)
  let t = 0
  for (; t + 1 < k; t += 2) {
    const at: usize = (<usize>t) << 3
    v128.store(out + at, f64x2.add(v128.load(out + at), f64x2.mul(vv, v128.load(b + at))))
  }
  if (t < k) {
    const at: usize = (<usize>t) << 3
    store<f64>(out + at, load<f64>(out + at) + v * load<f64>(b + at))
  }
}

/**
 * out (rows×k) = X·B for a CSR X (rows×·) and a dense B (·×k). A row of out is summed in
 * registers, eight columns at a time (then four, two, one), over the row's stored entries
 * in order, and stored once: the same sums in the same order as adding each entry's
 * v·B(column, ·) into out row by row, without loading and storing out at every entry.
 */
export function csrTimesDense(
  indptr: usize,
  indices: usize,
  data: usize,
  rows: i32,
  b: usize,
  k: i32,
  out: usize,
): void {
  const rowBytes: usize = (<usize>k) << 3
  const zero = f64x2.splat(0)
  for (let i = 0; i < rows; i++) {
    const o = out + <usize>i * rowBytes
    const first = load<i32>(indptr + ((<usize>i) << 2))
    const last = load<i32>(indptr + ((<usize>(i + 1)) << 2))
    const firstIndex = indices + ((<usize>first) << 2)
    const firstValue = data + ((<usize>first) << 3)
    let t = 0
    for (; t + 7 < k; t += 8) {
      const bt = b + ((<usize>t) << 3)
      let s0 = zero
      let s1 = zero
      let s2 = zero
      let s3 = zero
      let pi = firstIndex
      let pv = firstValue
      for (let q = first; q < last; q++) {
        const v = v128.load64_splat(pv)
        const row = bt + <usize>load<i32>(pi) * rowBytes
        s0 = f64x2.add(s0, f64x2.mul(v, v128.load(row)))
        s1 = f64x2.add(s1, f64x2.mul(v, v128.load(row, 16)))
        s2 = f64x2.add(s2, f64x2.mul(v, v128.load(row, 32)))
        s3 = f64x2.add(s3, f64x2.mul(v, v128.load(row, 48)))
        pi += 4
        pv += 8
      }
      const ot = o + ((<usize>t) << 3)
      v128.store(ot, s0)
      v128.store(ot, s1, 16)
      v128.store(ot, s2, 32)
      v128.store(ot, s3, 48)
    }
    if (t + 3 < k) {
      const bt = b + ((<usize>t) << 3)
      let s0 = zero
      let s1 = zero
      let pi = firstIndex
      let pv = firstValue
      for (let q = first; q < last; q++) {
        const v = v128.load64_splat(pv)
        const row = bt + <usize>load<i32>(pi) * rowBytes
        s0 = f64x2.add(s0, f64x2.mul(v, v128.load(row)))
        s1 = f64x2.add(s1, f64x2.mul(v, v128.load(row, 16)))
        pi += 4
        pv += 8
      }
      const ot = o + ((<usize>t) << 3)
      v128.store(ot, s0)
      v128.store(ot, s1, 16)
      t += 4
    }
    if (t + 1 < k) {
      const bt = b + ((<usize>t) << 3)
      let s0 = zero
      let pi = firstIndex
      let pv = firstValue
      for (let q = first; q < last; q++) {
        const row = bt + <usize>load<i32>(pi) * rowBytes
        s0 = f64x2.add(s0, f64x2.mul(v128.load64_splat(pv), v128.load(row)))
        pi += 4
        pv += 8
      }
      v128.store(o + ((<usize>t) << 3), s0)
      t += 2
    }
    if (t < k) {
      const bt = b + ((<usize>t) << 3)
      let sum = 0.0
      let pi = firstIndex
      let pv = firstValue
      for (let q = first; q < last; q++) {
        sum += load<f64>(pv) * load<f64>(bt + <usize>load<i32>(pi) * rowBytes)
        pi += 4
        pv += 8
      }
      store<f64>(o + ((<usize>t) << 3), sum)
    }
  }
}

/** out (cols×k) = Xᵀ·B for a CSR X (rows×cols) and a dense B (rows×k). */
export function csrTransposeTimesDense(
  indptr: usize,
  indices: usize,
  data: usize,
  rows: i32,
  cols: i32,
  b: usize,
  k: i32,
  out: usize,
): void {
  const rowBytes: usize = (<usize>k) << 3
  memory.fill(out, 0, <usize>cols * rowBytes)
  for (let i = 0; i < rows; i++) {
    const bi = b + <usize>i * rowBytes
    const last = load<i32>(indptr + ((<usize>(i + 1)) << 2))
    for (let q = load<i32>(indptr + ((<usize>i) << 2)); q < last; q++) {
      const column = load<i32>(indices + ((<usize>q) << 2))
      addScaled(load<f64>(data + ((<usize>q) << 3)), bi, out + <usize>column * rowBytes, k)
    }
  }
}

/**
 * Σ_t a[t]·b[t] for t < k in the order of core/beta-divergence.ts's dotRows: running sums
 * s0..s3 over t mod 4 (as two pairs), the last k mod 4 terms into s0, (s0 + s1) + (s2 + s3).
 */
@inline
function dotRows(a: usize, b: usize, k: i32): f64 {
  let s01 = f64x2.splat(0)
  let s23 = f64x2.splat(0)
  let t = 0
  for (; t + 3 < k; t += 4) {
    const at: usize = (<usize>t) << 3
    s01 = f64x2.add(s01, f64x2.mul(v128.load(a + at), v128.load(b + at)))
    s23 = f64x2.add(s23, f64x2.mul(v128.load(a + at, 16), v128.load(b + at, 16)))
  }
  let s0 = f64x2.extract_lane(s01, 0)
  for (; t < k; t++) {
    const at: usize = (<usize>t) << 3
    s0 += load<f64>(a + at) * load<f64>(b + at)
  }
  return s0 + f64x2.extract_lane(s01, 1) + (f64x2.extract_lane(s23, 0) + f64x2.extract_lane(s23, 1))
}

/**
 * x^e, with the exact shortcuts of core/beta-divergence.ts's power, and three of the
 * module's own for the exponents of β = 1.5 and 0.5 (−0.5, −1.5 in the updates, 1.5 in the
 * divergence), where pow took most of an iteration: 1/√x, 1/√x/x (not 1/(x·√x), which
 * overflows early) and √x·x, within two ulps of pow (test/log-sums.test.ts).
 */
@inline
function power(x: f64, e: f64): f64 {
  if (e == 1) return x
  if (e == 2) return x * x
  if (e == 0.5) return sqrt<f64>(x)
  if (e == -1) return 1 / x
  if (e == -0.5) return 1 / sqrt<f64>(x)
  if (e == -1.5) return 1 / sqrt<f64>(x) / x
  if (e == 1.5) return sqrt<f64>(x) * x
  return NativeMath.pow(x, e)
}

/** x·y^(β−2), as solvers/mu-rows.ts computes it. */
@inline
function numeratorWeight(beta: f64, x: f64, y: f64, eps: f64): f64 {
  const safe = y < eps ? eps : y
  if (beta == 1) return x / safe
  if (beta == 0) {
    const inverse = 1 / safe
    return inverse * inverse * x
  }
  return power(beta < 2 ? safe : y, beta - 2) * x
}

/** y^(β−1), as solvers/mu-rows.ts computes it. */
@inline
function denominatorWeight(beta: f64, y: f64, eps: f64): f64 {
  return power(beta < 1 && y < eps ? eps : y, beta - 1)
}

/**
 * The row pass of one multiplicative update (solvers/mu.ts's update, same arithmetic): for
 * every row i, row i of the new W into nextW and, when numeratorH ≠ 0, row i's share of H's
 * numerator (and, when denominatorH ≠ 0, denominator). X is dense (columns = 0, values
 * n×m) or CSR (starts = indptr, columns = indices). Ht is m×k; for β = 1, extra is the
 * row sums of H (k); scratch holds 2k entries. The settings: β (not 2: that update runs as
 * products, solvers/mu-module.ts's frobeniusInModule), the update's exponent γ, the ε guard,
 * W's penalties and the floor below which entries are 0.
 */
export function muRows(
  values: usize,
  columns: usize,
  starts: usize,
  n: i32,
  m: i32,
  k: i32,
  W: usize,
  Ht: usize,
  extra: usize,
  nextW: usize,
  numeratorH: usize,
  denominatorH: usize,
  scratch: usize,
  beta: f64,
  gamma: f64,
  eps: f64,
  l1: f64,
  l2: f64,
  floor: f64,
): void {
  const rowBytes: usize = (<usize>k) << 3
  const numerator = scratch
  const denominator = scratch + rowBytes
  for (let i = 0; i < n; i++) {
    const first: i32 = columns == 0 ? i * m : load<i32>(starts + ((<usize>i) << 2))
    const last: i32 = columns == 0 ? first + m : load<i32>(starts + ((<usize>(i + 1)) << 2))
    const Wi = W + <usize>i * rowBytes
    const nextWi = nextW + <usize>i * rowBytes

    memory.fill(numerator, 0, rowBytes)
    for (let q = first; q < last; q++) {
      const x = load<f64>(values + ((<usize>q) << 3))
      if (x == 0) continue
      const j = columns == 0 ? q - first : load<i32>(columns + ((<usize>q) << 2))
      const Hj = Ht + <usize>j * rowBytes
      addScaled(numeratorWeight(beta, x, dotRows(Wi, Hj, k), eps), Hj, numerator, k)
    }
    if (beta == 1) {
      memory.copy(denominator, extra, rowBytes)
    } else {
      memory.fill(denominator, 0, rowBytes)
      for (let j = 0; j < m; j++) {
        const Hj = Ht + <usize>j * rowBytes
        addScaled(denominatorWeight(beta, dotRows(Wi, Hj, k), eps), Hj, denominator, k)
      }
    }
    multiplyRow(Wi, numerator, denominator, k, nextWi, eps, l1, l2, gamma, floor)

    if (numeratorH == 0) continue
    for (let q = first; q < last; q++) {
      const x = load<f64>(values + ((<usize>q) << 3))
      if (x == 0) continue
      const j = columns == 0 ? q - first : load<i32>(columns + ((<usize>q) << 2))
      const Hj = Ht + <usize>j * rowBytes
      const weight = numeratorWeight(beta, x, dotRows(nextWi, Hj, k), eps)
      addScaled(weight, nextWi, numeratorH + <usize>j * rowBytes, k)
    }
    if (denominatorH == 0) continue
    for (let j = 0; j < m; j++) {
      const Hj = Ht + <usize>j * rowBytes
      const weight = denominatorWeight(beta, dotRows(nextWi, Hj, k), eps)
      addScaled(weight, nextWi, denominatorH + <usize>j * rowBytes, k)
    }
  }
}

/**
 * out[t] = A[t]·(numerator[t] / (denominator[t] + l1 + l2·A[t]))^γ, 0 below the floor; a
 * denominator of exactly 0 is ε.
 */
@inline
function multiplyRow(
  A: usize,
  numerator: usize,
  denominator: usize,
  k: i32,
  out: usize,
  eps: f64,
  l1: f64,
  l2: f64,
  gamma: f64,
  floor: f64,
): void {
  for (let t = 0; t < k; t++) {
    const at: usize = (<usize>t) << 3
    const a = load<f64>(A + at)
    let d = load<f64>(denominator + at) + l1 + l2 * a
    if (d == 0) d = eps
    let ratio = load<f64>(numerator + at) / d
    if (gamma != 1) ratio = power(ratio, gamma)
    const next = a * ratio
    store<f64>(out + at, next < floor ? 0 : next)
  }
}

/**
 * ‖X − W·H‖²_F for a dense X (n×m), W (n×k), H (k×m), in blocks of `block` rows: each
 * block of W·H is formed in scratch (block×m) by gemmStrided, then its squared
 * differences from X are summed (two running sums).
 */
export function squaredErrorDense(
  x: usize,
  n: i32,
  m: i32,
  W: usize,
  H: usize,
  k: i32,
  scratch: usize,
  block: i32,
): f64 {
  const rowK: usize = (<usize>k) << 3
  const rowM: usize = (<usize>m) << 3
  let sums = f64x2.splat(0)
  let tail = 0.0
  for (let i0 = 0; i0 < n; i0 += block) {
    const rows = min(block, n - i0)
    gemmStrided(W + <usize>i0 * rowK, rows, k, rowK, 8, H, m, scratch)
    const xb = x + <usize>i0 * rowM
    const count = rows * m
    let q = 0
    for (; q + 1 < count; q += 2) {
      const at: usize = (<usize>q) << 3
      const diff = f64x2.sub(v128.load(xb + at), v128.load(scratch + at))
      sums = f64x2.add(sums, f64x2.mul(diff, diff))
    }
    if (q < count) {
      const at: usize = (<usize>q) << 3
      const diff = load<f64>(xb + at) - load<f64>(scratch + at)
      tail += diff * diff
    }
  }
  return f64x2.extract_lane(sums, 0) + f64x2.extract_lane(sums, 1) + tail
}

/**
 * The running sums of d_β(X | W·H) (core/beta-divergence.ts's addEntry, the same terms)
 * over the entries of X: every entry of a dense X (columns = 0), the stored entries of a
 * CSR X. Ht is m×k; out receives the four sums x, first, second, yBeta. For β ∈ {0, 1}
 * see logSums; every other β sums every entry (a CSR X's zeros too) in row-major order, as
 * the TypeScript loop does, with the module's own powers (within two ulps of the host's).
 */
export function betaSums(
  values: usize,
  columns: usize,
  starts: usize,
  n: i32,
  m: i32,
  W: usize,
  Ht: usize,
  k: i32,
  beta: f64,
  eps: f64,
  out: usize,
): void {
  if (beta == 0 || beta == 1) {
    logSums(values, columns, starts, n, m, W, Ht, k, beta, eps, out)
    return
  }
  const rowBytes: usize = (<usize>k) << 3
  let sumX = 0.0
  let first = 0.0
  let second = 0.0
  let yBeta = 0.0
  for (let i = 0; i < n; i++) {
    // Every entry of the row; a CSR row's stored ones taken as its sorted columns come up.
    let q: i32 = columns == 0 ? i * m : load<i32>(starts + ((<usize>i) << 2))
    const end: i32 = columns == 0 ? q + m : load<i32>(starts + ((<usize>(i + 1)) << 2))
    const Wi = W + <usize>i * rowBytes
    for (let j = 0; j < m; j++) {
      let x = 0.0
      if (columns == 0 || (q < end && load<i32>(columns + ((<usize>q) << 2)) == j)) {
        x = load<f64>(values + ((<usize>q) << 3))
        q++
      }
      const y = dotRows(Wi, Ht + <usize>j * rowBytes, k)
      if (!(x > eps)) {
        yBeta += power(beta < 0 && y < eps ? eps : y, beta)
        continue
      }
      // Floored for β ≤ 1 only (core/beta-divergence.ts's addEntry).
      const safe = beta <= 1 && y < eps ? eps : y
      sumX += x
      first += power(x, beta)
      second += x * power(safe, beta - 1)
      yBeta += power(safe, beta)
    }
  }
  store<f64>(out, sumX)
  store<f64>(out, first, 8)
  store<f64>(out, second, 16)
  store<f64>(out, yBeta, 24)
}

/**
 * betaSums for β = 1 (first = Σ x·ln(x/y)) and β = 0 (first = Σ x/y, second = Σ ln(x/y)),
 * over the entries above ε, y floored at ε: in two lanes, those of X's even columns and of
 * its odd ones, each summed in row-major order, the lanes added at the end. A dense row
 * runs two columns at a time, a CSR row two stored entries at a time where they are the
 * columns j, j + 1 of a pair (j even), else one; the other entries of a lane add +0, so a
 * dense X and its CSR form give the same sums. The logarithms two at a time (logPair).
 */
function logSums(
  values: usize,
  columns: usize,
  starts: usize,
  n: i32,
  m: i32,
  W: usize,
  Ht: usize,
  k: i32,
  beta: f64,
  eps: f64,
  out: usize,
): void {
  const rowBytes: usize = (<usize>k) << 3
  const zeros = f64x2.splat(0)
  let sumX = zeros
  let first = zeros
  let second = zeros
  for (let i = 0; i < n; i++) {
    const start: i32 = columns == 0 ? i * m : load<i32>(starts + ((<usize>i) << 2))
    const end: i32 = columns == 0 ? start + m : load<i32>(starts + ((<usize>(i + 1)) << 2))
    const Wi = W + <usize>i * rowBytes
    let q = start
    while (q < end) {
      const j = columns == 0 ? q - start : load<i32>(columns + ((<usize>q) << 2))
      const y0 = dotRows(Wi, Ht + <usize>j * rowBytes, k)
      let xs: v128
      let ys: v128
      const paired =
        (j & 1) == 0 &&
        q + 1 < end &&
        (columns == 0 || load<i32>(columns + ((<usize>(q + 1)) << 2)) == j + 1)
      if (paired) {
        xs = v128.load(values + ((<usize>q) << 3))
        ys = f64x2.replace_lane(f64x2.splat(y0), 1, dotRows(Wi, Ht + <usize>(j + 1) * rowBytes, k))
        q += 2
      } else {
        // One entry, in its column's lane; the other lane's x = 0 adds +0.
        const x = load<f64>(values + ((<usize>q) << 3))
        if ((j & 1) == 0) {
          xs = f64x2.replace_lane(zeros, 0, x)
          ys = f64x2.replace_lane(f64x2.splat(1), 0, y0)
        } else {
          xs = f64x2.replace_lane(zeros, 1, x)
          ys = f64x2.replace_lane(f64x2.splat(1), 1, y0)
        }
        q += 1
      }
      const counted = f64x2.gt(xs, f64x2.splat(eps))
      const safe = f64x2.pmax(ys, f64x2.splat(eps))
      // A lane not counted takes x = 0 and the ratio 1, whose logarithm is +0.
      const x = v128.and(xs, counted)
      const ratio = v128.bitselect(f64x2.div(xs, safe), f64x2.splat(1), counted)
      const logarithm = checkedLogPair(ratio)
      sumX = f64x2.add(sumX, x)
      if (beta == 1) first = f64x2.add(first, f64x2.mul(x, logarithm))
      else {
        first = f64x2.add(first, v128.and(ratio, counted))
        second = f64x2.add(second, logarithm)
      }
    }
  }
  store<f64>(out, f64x2.extract_lane(sumX, 0) + f64x2.extract_lane(sumX, 1))
  store<f64>(out, f64x2.extract_lane(first, 0) + f64x2.extract_lane(first, 1), 8)
  store<f64>(out, f64x2.extract_lane(second, 0) + f64x2.extract_lane(second, 1), 16)
  store<f64>(out, 0, 24)
}

// logPair's constants, each in both lanes, loaded where used: V8 builds a constant v128 anew
// at every use (several instructions), a load is one. ln 2 in two parts, then the
// coefficients of R(z) = c1·z + c2·z² + … + c7·z⁷ ≈ (ln(1 + f) − f + f²/2 − s·f²/2)/s, s =
// f/(2 + f), z = s² (a minimax fit on |s| ≤ 0.1716, error below 2⁻⁵⁸), and 0.5, 1, 2.
const LOG_CONSTANTS = memory.data<f64>([
  6.93147180369123816490e-1, 6.93147180369123816490e-1,
  1.90821492927058770002e-10, 1.90821492927058770002e-10,
  6.666666666666735130e-1, 6.666666666666735130e-1,
  3.999999999940941908e-1, 3.999999999940941908e-1,
  2.857142874366239149e-1, 2.857142874366239149e-1,
  2.222219843214978396e-1, 2.222219843214978396e-1,
  1.818357216161805012e-1, 1.818357216161805012e-1,
  1.531383769920937332e-1, 1.531383769920937332e-1,
  1.479819860511658591e-1, 1.479819860511658591e-1,
  0.5, 0.5, 1, 1, 2, 2,
])
// And the integer ones: the mantissa's bits, the high word's offset that carries at √2's
// mantissa, that carry's bit, the high word of 1.0, the exponent's bias, the bits of the
// smallest normal double and of +∞.
const LOG_INTEGERS = memory.data<i64>([
  0x000fffffffffffff, 0x000fffffffffffff,
  0x95f64, 0x95f64,
  0x100000, 0x100000,
  0x3ff00000, 0x3ff00000,
  1023, 1023,
  0x0010000000000000, 0x0010000000000000,
  0x7ff0000000000000, 0x7ff0000000000000,
])

@inline
function logConstant(index: i32): v128 {
  return v128.load(LOG_CONSTANTS + ((<usize>index) << 4))
}

@inline
function logInteger(index: i32): v128 {
  return v128.load(LOG_INTEGERS + ((<usize>index) << 4))
}

/**
 * ln of two positive, normal, finite doubles, within an ulp of the correctly rounded value
 * (tested against the host's Math.log). With 1 + f = x·2^−e in [√2/2, √2):
 * ln x = e·ln 2 + ln(1 + f), ln(1 + f) = f − f²/2 + s·(f²/2 + R(s²)), s = f/(2 + f).
 */
@inline
function logPair(x: v128): v128 {
  const mantissa = v128.and(x, logInteger(0))
  // Where the mantissa is at least √2's, the carry: that lane is scaled to [√2/2, 1) and
  // its exponent raised by one.
  const carry = v128.and(i64x2.add(i64x2.shr_u(mantissa, 32), logInteger(1)), logInteger(2))
  const scaled = v128.or(mantissa, i64x2.shl(v128.xor(carry, logInteger(3)), 32))
  const exponent = i64x2.add(
    i64x2.sub(i64x2.shr_u(x, 52), logInteger(4)),
    i64x2.shr_u(carry, 20),
  )
  // The exponents, small, from the low halves of the two 64-bit lanes.
  const e = f64x2.convert_low_i32x4_s(v128.shuffle<i32>(exponent, exponent, 0, 2, 0, 2))
  const f = f64x2.sub(scaled, logConstant(10))
  const halfSquare = f64x2.mul(f64x2.mul(logConstant(9), f), f)
  const s = f64x2.div(f, f64x2.add(logConstant(11), f))
  const z = f64x2.mul(s, s)
  const w = f64x2.mul(z, z)
  // R = z·(c1 + w·(c3 + w·(c5 + w·c7))) + w·(c2 + w·(c4 + w·c6)), w = z².
  const even = f64x2.mul(
    w,
    f64x2.add(
      logConstant(3),
      f64x2.mul(w, f64x2.add(logConstant(5), f64x2.mul(w, logConstant(7)))),
    ),
  )
  const odd = f64x2.mul(
    z,
    f64x2.add(
      logConstant(2),
      f64x2.mul(
        w,
        f64x2.add(
          logConstant(4),
          f64x2.mul(w, f64x2.add(logConstant(6), f64x2.mul(w, logConstant(8)))),
        ),
      ),
    ),
  )
  const r = f64x2.add(odd, even)
  // e·ln2_hi − ((f²/2 − (s·(f²/2 + R) + e·ln2_lo)) − f)
  const low = f64x2.add(f64x2.mul(s, f64x2.add(halfSquare, r)), f64x2.mul(e, logConstant(1)))
  return f64x2.sub(f64x2.mul(e, logConstant(0)), f64x2.sub(f64x2.sub(halfSquare, low), f))
}

/**
 * logPair where both lanes are positive, normal and finite; a lane that is not (0, a
 * subnormal, ∞, NaN, a negative) takes the module's scalar logarithm, the other lane still
 * logPair's, so that a lane's logarithm never depends on its neighbour.
 */
@inline
function checkedLogPair(x: v128): v128 {
  const outside = v128.or(i64x2.lt_s(x, logInteger(5)), i64x2.ge_s(x, logInteger(6)))
  if (!v128.any_true(outside)) return logPair(x)
  const inside = logPair(v128.bitselect(logConstant(10), x, outside))
  let result = inside
  if (i64x2.extract_lane(outside, 0) != 0) {
    result = f64x2.replace_lane(result, 0, NativeMath.log(f64x2.extract_lane(x, 0)))
  }
  if (i64x2.extract_lane(outside, 1) != 0) {
    result = f64x2.replace_lane(result, 1, NativeMath.log(f64x2.extract_lane(x, 1)))
  }
  return result
}

/** The first byte after the module's own static data (its logarithm tables): core/wasm.ts
 * allocates from there. */
export function heapBase(): usize {
  return __heap_base
}

/**
 * The row pass of one multiplicative update for β = 1 (Kullback–Leibler) and a dense X
 * (n×m), in blocks of `block` rows as products: for each block, Y = W·H, R = X / max(Y, ε)
 * (0 where x is 0), W's numerator R·Hᵀ, the new W (denominator: rowSumsH, the row sums
 * of H; penalties l1, l2), then Y and R again with the new W and H's numerator Rᵀ·W added
 * into numeratorHt (m×k, zeroed here first; 0 to skip H). H is k×m, Ht m×k. scratch
 * holds block×m + m×k + block×k entries. The same sums as muRows, in another order.
 */
export function muKlDense(
  x: usize,
  n: i32,
  m: i32,
  k: i32,
  W: usize,
  H: usize,
  Ht: usize,
  rowSumsH: usize,
  nextW: usize,
  numeratorHt: usize,
  scratch: usize,
  block: i32,
  eps: f64,
  l1: f64,
  l2: f64,
): void {
  const rowK: usize = (<usize>k) << 3
  const rowM: usize = (<usize>m) << 3
  const R = scratch
  const partial = R + <usize>block * rowM
  const numerator = partial + <usize>m * rowK
  // Each call its own numerator (one per thread): zeroed here, as in muBeta.
  if (numeratorHt != 0) memory.fill(numeratorHt, 0, <usize>m * rowK)
  for (let i0 = 0; i0 < n; i0 += block) {
    const rows = min(block, n - i0)
    const xb = x + <usize>i0 * rowM
    const Wb = W + <usize>i0 * rowK
    const nextWb = nextW + <usize>i0 * rowK
    gemmStrided(Wb, rows, k, rowK, 8, H, m, R)
    ratios(xb, R, rows * m, eps)
    gemmStrided(R, rows, m, rowM, 8, Ht, k, numerator)
    multiplyRowsBy(Wb, numerator, rowSumsH, rows, k, nextWb, eps, l1, l2, 0)
    if (numeratorHt == 0) continue
    gemmStrided(nextWb, rows, k, rowK, 8, H, m, R)
    ratios(xb, R, rows * m, eps)
    // Rᵀ·W: row j of the result runs down column j of R.
    gemmStrided(R, m, rows, 8, rowM, nextWb, k, partial)
    const count = m * k
    let q = 0
    for (; q + 1 < count; q += 2) {
      const at: usize = (<usize>q) << 3
      v128.store(numeratorHt + at, f64x2.add(v128.load(numeratorHt + at), v128.load(partial + at)))
    }
    if (q < count) {
      const at: usize = (<usize>q) << 3
      store<f64>(numeratorHt + at, load<f64>(numeratorHt + at) + load<f64>(partial + at))
    }
  }
}

/** y[q] = x[q] / max(y[q], ε) for q < count, 0 where x[q] is 0, in place. */
@inline
function ratios(x: usize, y: usize, count: i32, eps: f64): void {
  const epsilons = f64x2.splat(eps)
  const zeros = f64x2.splat(0)
  let q = 0
  for (; q + 1 < count; q += 2) {
    const at: usize = (<usize>q) << 3
    const value = v128.load(x + at)
    // pmax (y < ε ? ε : y) is max here, ε being positive (NaN stays NaN), in one
    // instruction where max's handling of NaN and −0 takes several.
    const quotient = f64x2.div(value, f64x2.pmax(v128.load(y + at), epsilons))
    v128.store(y + at, v128.bitselect(zeros, quotient, f64x2.eq(value, zeros)))
  }
  if (q < count) {
    const at: usize = (<usize>q) << 3
    const value = load<f64>(x + at)
    store<f64>(y + at, value == 0 ? 0 : value / max(load<f64>(y + at), eps))
  }
}

/**
 * The row pass of one multiplicative update for β ∉ {1, 2}, in blocks of `block` rows as
 * products: for each block, Y = W·H, its numerator weights A = X ∘ Y^(β−2) (0 where x is
 * 0) and denominator weights B = Y^(β−1) (numeratorWeight and denominatorWeight, the same
 * guards), W's numerator A·Hᵀ and denominator B·Hᵀ, the new W (penalties l1, l2, exponent
 * γ, entries below `floor` set to 0); then Y, A and B again with the new W, and H's
 * numerator Aᵀ·W and denominator Bᵀ·W added into numeratorHt and denominatorHt (m×k each,
 * zeroed here first; numeratorHt 0 to skip H). X (n×m) is dense (columns = 0, values
 * n×m) or CSR (starts = indptr, columns = indices, as muRows reads them), each block of its
 * rows then written out dense first: the same numbers as its dense form. H is k×m, Ht m×k.
 * scratch holds 2·block·m + 2·block·k entries, then block·m for a CSR X's block, then m·k
 * for H's partial sums where H is updated. The same sums as muRows, in another order.
 */
export function muBeta(
  values: usize,
  columns: usize,
  starts: usize,
  n: i32,
  m: i32,
  k: i32,
  W: usize,
  H: usize,
  Ht: usize,
  nextW: usize,
  numeratorHt: usize,
  denominatorHt: usize,
  scratch: usize,
  block: i32,
  beta: f64,
  gamma: f64,
  eps: f64,
  l1: f64,
  l2: f64,
  floor: f64,
): void {
  const rowK: usize = (<usize>k) << 3
  const rowM: usize = (<usize>m) << 3
  const A = scratch
  const B = A + <usize>block * rowM
  const numerator = B + <usize>block * rowM
  const denominator = numerator + <usize>block * rowK
  const denseBlock = denominator + <usize>block * rowK
  const partial = denseBlock + (columns != 0 ? <usize>block * rowM : 0)
  // Each call its own sums (one per thread): zeroed here, so a part never run leaves its
  // sums untouched.
  if (numeratorHt != 0) {
    memory.fill(numeratorHt, 0, <usize>m * rowK)
    memory.fill(denominatorHt, 0, <usize>m * rowK)
  }
  for (let i0 = 0; i0 < n; i0 += block) {
    const rows = min(block, n - i0)
    let xb = values + <usize>i0 * rowM
    if (columns != 0) {
      xb = denseBlock
      rowsOut(values, columns, starts + ((<usize>i0) << 2), rows, m, xb)
    }
    const Wb = W + <usize>i0 * rowK
    const nextWb = nextW + <usize>i0 * rowK
    gemmStrided(Wb, rows, k, rowK, 8, H, m, A)
    betaWeights(xb, A, B, rows * m, beta, eps)
    gemmStrided(A, rows, m, rowM, 8, Ht, k, numerator)
    gemmStrided(B, rows, m, rowM, 8, Ht, k, denominator)
    multiplyEntries(Wb, numerator, denominator, rows * k, nextWb, eps, l1, l2, gamma, floor)
    if (numeratorHt == 0) continue
    gemmStrided(nextWb, rows, k, rowK, 8, H, m, A)
    betaWeights(xb, A, B, rows * m, beta, eps)
    // Aᵀ·W and Bᵀ·W: row j of each runs down column j of A or B.
    gemmStrided(A, m, rows, 8, rowM, nextWb, k, partial)
    addInto(numeratorHt, partial, m * k)
    gemmStrided(B, m, rows, 8, rowM, nextWb, k, partial)
    addInto(denominatorHt, partial, m * k)
  }
}

/** `rows` rows of a CSR matrix (m columns; `starts` at the first row's start) into out, dense. */
@inline
function rowsOut(values: usize, columns: usize, starts: usize, rows: i32, m: i32, out: usize): void {
  memory.fill(out, 0, (<usize>rows * <usize>m) << 3)
  for (let r = 0; r < rows; r++) {
    const row = out + <usize>r * ((<usize>m) << 3)
    const last = load<i32>(starts + ((<usize>(r + 1)) << 2))
    for (let q = load<i32>(starts + ((<usize>r) << 2)); q < last; q++) {
      const j = load<i32>(columns + ((<usize>q) << 2))
      store<f64>(row + ((<usize>j) << 3), load<f64>(values + ((<usize>q) << 3)))
    }
  }
}

/**
 * The weights of muBeta for `count` entries, two at a time: y (at A) becomes x·y^(β−2)
 * (0 where x is 0), and B receives y^(β−1), with numeratorWeight's and denominatorWeight's
 * guards and powerPair's powers: the same bits as the scalar functions. For β = 0, 0.5 and
 * 1.5 the two powers share their square root or division (both bases are the guarded y,
 * or for β = 1.5 are y itself unless y < ε), each in a loop of its own.
 */
@inline
function betaWeights(x: usize, A: usize, B: usize, count: i32, beta: f64, eps: f64): void {
  const epsilons = f64x2.splat(eps)
  const zeros = f64x2.splat(0)
  const ones = f64x2.splat(1)
  const pairs = count & ~1
  // pmax (y < ε ? ε : y) is the guard's choice, NaN staying NaN (see ratios).
  if (beta == 0) {
    // x·(1/y)², 1/y.
    for (let q = 0; q < pairs; q += 2) {
      const at: usize = (<usize>q) << 3
      const value = v128.load(x + at)
      const inverse = f64x2.div(ones, f64x2.pmax(v128.load(A + at), epsilons))
      const weight = f64x2.mul(f64x2.mul(inverse, inverse), value)
      v128.store(A + at, v128.bitselect(zeros, weight, f64x2.eq(value, zeros)))
      v128.store(B + at, inverse)
    }
  } else if (beta == 0.5) {
    // x·(1/√y)/y, 1/√y.
    for (let q = 0; q < pairs; q += 2) {
      const at: usize = (<usize>q) << 3
      const value = v128.load(x + at)
      const safe = f64x2.pmax(v128.load(A + at), epsilons)
      const root = f64x2.div(ones, f64x2.sqrt(safe))
      const weight = f64x2.mul(f64x2.div(root, safe), value)
      v128.store(A + at, v128.bitselect(zeros, weight, f64x2.eq(value, zeros)))
      v128.store(B + at, root)
    }
  } else if (beta == 1.5) {
    // x·(1/√y), √y: y guarded in the first only.
    for (let q = 0; q < pairs; q += 2) {
      const at: usize = (<usize>q) << 3
      const value = v128.load(x + at)
      const y = v128.load(A + at)
      const root = f64x2.sqrt(f64x2.pmax(y, epsilons))
      const weight = f64x2.mul(f64x2.div(ones, root), value)
      v128.store(A + at, v128.bitselect(zeros, weight, f64x2.eq(value, zeros)))
      v128.store(B + at, v128.any_true(f64x2.lt(y, epsilons)) ? f64x2.sqrt(y) : root)
    }
  } else {
    const numeratorExponent = beta - 2
    const denominatorExponent = beta - 1
    for (let q = 0; q < pairs; q += 2) {
      const at: usize = (<usize>q) << 3
      const value = v128.load(x + at)
      const y = v128.load(A + at)
      const safe = f64x2.pmax(y, epsilons)
      const weight = f64x2.mul(powerPair(beta < 2 ? safe : y, numeratorExponent), value)
      v128.store(A + at, v128.bitselect(zeros, weight, f64x2.eq(value, zeros)))
      v128.store(B + at, powerPair(beta < 1 ? safe : y, denominatorExponent))
    }
  }
  if (pairs < count) {
    const at: usize = (<usize>pairs) << 3
    const value = load<f64>(x + at)
    const y = load<f64>(A + at)
    store<f64>(A + at, value == 0 ? 0 : numeratorWeight(beta, value, y, eps))
    store<f64>(B + at, denominatorWeight(beta, y, eps))
  }
}

/** `power` of both lanes: its shortcuts as vector operations (the same bits), else `power`. */
@inline
function powerPair(v: v128, e: f64): v128 {
  if (e == 1) return v
  if (e == 2) return f64x2.mul(v, v)
  if (e == 0.5) return f64x2.sqrt(v)
  const ones = f64x2.splat(1)
  if (e == -1) return f64x2.div(ones, v)
  if (e == -0.5) return f64x2.div(ones, f64x2.sqrt(v))
  if (e == -1.5) return f64x2.div(f64x2.div(ones, f64x2.sqrt(v)), v)
  if (e == 1.5) return f64x2.mul(f64x2.sqrt(v), v)
  // Any other exponent lane by lane: `power` stays the one definition of x^e.
  return f64x2.replace_lane(
    f64x2.splat(power(f64x2.extract_lane(v, 0), e)),
    1,
    power(f64x2.extract_lane(v, 1), e),
  )
}

/** coordinateSweep's new value of an entry a with gradient g. */
@inline
function coordinateNext(a: f64, g: f64, curvature: f64, damped: i32, gamma: f64, project: i32): f64 {
  let next = curvature == 0 ? a : a - g / curvature
  if (damped) next = a + (next - a) * gamma
  if (project) next = max(next, 0)
  return next
}

/** The float64s at `at` and `at + step`, as lanes 0 and 1. */
@inline
function pairAt(at: usize, step: usize): v128 {
  return f64x2.replace_lane(f64x2.splat(load<f64>(at)), 1, load<f64>(at + step))
}

/** An entry's part of coordinateSweep's violation: |g|, or |min(g, 0)| at the bound a = 0. */
@inline
function violationOf(a: f64, g: f64): f64 {
  return abs(a == 0 ? min(g, 0) : g)
}

/**
 * One Gauss–Seidel sweep of coordinate descent over the columns of A (n×k), in place, in
 * the order of `order` (k int32), as the DSL computes solvers/cd.ts's cdColumn and
 * solvers/moving-average.ts's column: for column t, g = A·G[:, t] − C[:, t] and the
 * coordinate minimum m = a − g / G_tt (a when G_tt = 0); the new a is m, or
 * a + (m − a)·γ when `damped`, then max(0, ·) when `project`. The violation
 * Σ |a = 0 ? min(g, 0) : g| is taken with the old a. The dot products run two
 * components at a time on Gᵀ (written into Gt, k×k), so they sum in another order than
 * the DSL's. Returns the violations summed over the columns; stores Σ (new a − old a)²,
 * summed over the columns, at `change` (when not 0). Each column's two sums run over the
 * even and the odd rows apart, then are added: they agree with the DSL's sums in order
 * to rounding (the entries' updates are the same bits).
 */
export function coordinateSweep(
  A: usize,
  n: i32,
  k: i32,
  G: usize,
  C: usize,
  order: usize,
  Gt: usize,
  damped: i32,
  gamma: f64,
  project: i32,
  change: usize,
): f64 {
  const rowK: usize = (<usize>k) << 3
  for (let u = 0; u < k; u++) {
    for (let t = 0; t < k; t++) {
      const value = load<f64>(G + <usize>u * rowK + ((<usize>t) << 3))
      store<f64>(Gt + <usize>t * rowK + ((<usize>u) << 3), value)
    }
  }
  const pairs = k & ~1
  const zeros = f64x2.splat(0)
  let total = 0.0
  let totalChange = 0.0
  for (let s = 0; s < k; s++) {
    const t = load<i32>(order + ((<usize>s) << 2))
    const column: usize = (<usize>t) << 3
    const g0 = Gt + <usize>t * rowK
    const curvature = load<f64>(g0 + column)
    // The column's sums, in locals (a global's every update would go through memory): rows
    // two at a time into the two lanes (even rows, odd rows), so that no addition waits
    // on the one before it in the same row pair; the lanes are added at the column's end.
    let violations = f64x2.splat(0)
    let squareSums = f64x2.splat(0)
    // Two rows at a time: their dot products are independent chains that overlap; each
    // row's sums and updates are the same operations in the same order as one at a time.
    // Pointers moved on at each step rather than offsets added to each row's start (fewer
    // instructions on addresses, as in tile).
    let i = 0
    let row0 = A
    let cAt = C + column
    for (; i + 1 < n; i += 2) {
      let p0 = row0
      let p1 = row0 + rowK
      let pg = g0
      let sums0 = f64x2.splat(0)
      let sums1 = f64x2.splat(0)
      for (let u = 0; u < pairs; u += 2) {
        const g = v128.load(pg)
        sums0 = f64x2.add(sums0, f64x2.mul(v128.load(p0), g))
        sums1 = f64x2.add(sums1, f64x2.mul(v128.load(p1), g))
        p0 += 16
        p1 += 16
        pg += 16
      }
      // Both rows' sums of lanes, then the last component: the same additions as row by row.
      let dots = f64x2.add(
        v128.shuffle<f64>(sums0, sums1, 0, 2),
        v128.shuffle<f64>(sums0, sums1, 1, 3),
      )
      if (pairs < k) {
        dots = f64x2.add(dots, f64x2.mul(pairAt(p0, rowK), f64x2.splat(load<f64>(pg))))
      }
      // The two entries' updates side by side, lane by lane the scalar operations of the
      // last row below, so that max, min and the choice at a = 0 need no branch on the data
      // (as scalars they did: on a fit's factors, with many entries at 0, the branches
      // mispredicted; the sweeps of the bench's sparse cd took 40% less time).
      const at0 = row0 + column
      const a = pairAt(at0, rowK)
      const g = f64x2.sub(dots, pairAt(cAt, rowK))
      let next = a
      if (curvature != 0) next = f64x2.sub(a, f64x2.div(g, f64x2.splat(curvature)))
      if (damped) next = f64x2.add(a, f64x2.mul(f64x2.sub(next, a), f64x2.splat(gamma)))
      // max(next, 0) as the scalar code takes it, in two instructions where f64x2.max's
      // handling of NaN and −0 takes several: pmax (next < 0 ? 0 : next) keeps a NaN, and
      // adding +0 makes a −0 +0.
      if (project) next = f64x2.add(f64x2.pmax(next, zeros), zeros)
      v128.store_lane<f64>(at0, next, 0)
      v128.store_lane<f64>(at0 + rowK, next, 1)
      // |min(g, 0)|, with pmin (0 < g ? 0 : g), which keeps a NaN and differs from min
      // only in the sign of a zero, which abs drops.
      const counted = f64x2.abs(v128.bitselect(f64x2.pmin(g, zeros), g, f64x2.eq(a, zeros)))
      violations = f64x2.add(violations, counted)
      const step = f64x2.sub(next, a)
      squareSums = f64x2.add(squareSums, f64x2.mul(step, step))
      row0 += rowK << 1
      cAt += rowK << 1
    }
    let violation = f64x2.extract_lane(violations, 0) + f64x2.extract_lane(violations, 1)
    let squares = f64x2.extract_lane(squareSums, 0) + f64x2.extract_lane(squareSums, 1)
    if (i < n) {
      const row = A + <usize>i * rowK
      let sums = f64x2.splat(0)
      for (let u = 0; u < pairs; u += 2) {
        const at: usize = (<usize>u) << 3
        sums = f64x2.add(sums, f64x2.mul(v128.load(row + at), v128.load(g0 + at)))
      }
      let dot = f64x2.extract_lane(sums, 0) + f64x2.extract_lane(sums, 1)
      if (pairs < k) {
        const at: usize = (<usize>pairs) << 3
        dot += load<f64>(row + at) * load<f64>(g0 + at)
      }
      const at = row + column
      const a = load<f64>(at)
      const g = dot - load<f64>(C + <usize>i * rowK + column)
      const next = coordinateNext(a, g, curvature, damped, gamma, project)
      store<f64>(at, next)
      violation += violationOf(a, g)
      const step = next - a
      squares += step * step
    }
    total += violation
    totalChange += squares
  }
  if (change != 0) store<f64>(change, totalChange)
  return total
}

/**
 * The multiplicative update entry by entry over `count` entries (solvers/mu-rows.ts's
 * multiplyRow on whole factors): out = A ∘ (numerator / (denominator + l1 + l2·A))^γ, 0
 * below the floor, a denominator of exactly 0 taken as ε. For γ = 1 two entries at a
 * time, each with the same operations in the same order as one at a time.
 */
export function multiplyEntries(
  A: usize,
  numerator: usize,
  denominator: usize,
  count: i32,
  out: usize,
  eps: f64,
  l1: f64,
  l2: f64,
  gamma: f64,
  floor: f64,
): void {
  let q = 0
  if (gamma == 1) {
    const penalty1 = f64x2.splat(l1)
    const penalty2 = f64x2.splat(l2)
    const epsilons = f64x2.splat(eps)
    const floors = f64x2.splat(floor)
    const zeros = f64x2.splat(0)
    for (; q + 1 < count; q += 2) {
      const at: usize = (<usize>q) << 3
      const a = v128.load(A + at)
      let d = f64x2.add(f64x2.add(v128.load(denominator + at), penalty1), f64x2.mul(penalty2, a))
      d = v128.bitselect(epsilons, d, f64x2.eq(d, zeros))
      const next = f64x2.mul(a, f64x2.div(v128.load(numerator + at), d))
      v128.store(out + at, v128.bitselect(zeros, next, f64x2.lt(next, floors)))
    }
  }
  const at: usize = (<usize>q) << 3
  const rest = count - q
  multiplyRow(A + at, numerator + at, denominator + at, rest, out + at, eps, l1, l2, gamma, floor)
}

/**
 * multiplyEntries with γ = 1 over `rows` rows of k entries whose denominators are the same
 * k numbers for every row (`sums`: for KL, H's row sums in W's update, W's column sums in
 * Hᵀ's): each entry the same operations in the same order as multiplyRow's, two entries
 * of a row at a time, without writing the denominators out row by row.
 */
export function multiplyRowsBy(
  A: usize,
  numerator: usize,
  sums: usize,
  rows: i32,
  k: i32,
  out: usize,
  eps: f64,
  l1: f64,
  l2: f64,
  floor: f64,
): void {
  const rowK: usize = (<usize>k) << 3
  const pairs = k & ~1
  const penalty1 = f64x2.splat(l1)
  const penalty2 = f64x2.splat(l2)
  const epsilons = f64x2.splat(eps)
  const floors = f64x2.splat(floor)
  const zeros = f64x2.splat(0)
  for (let i = 0; i < rows; i++) {
    const row = <usize>i * rowK
    for (let t = 0; t < pairs; t += 2) {
      const at: usize = (<usize>t) << 3
      const a = v128.load(A + row + at)
      let d = f64x2.add(f64x2.add(v128.load(sums + at), penalty1), f64x2.mul(penalty2, a))
      d = v128.bitselect(epsilons, d, f64x2.eq(d, zeros))
      const next = f64x2.mul(a, f64x2.div(v128.load(numerator + row + at), d))
      v128.store(out + row + at, v128.bitselect(zeros, next, f64x2.lt(next, floors)))
    }
    if (pairs < k) {
      const at = row + ((<usize>pairs) << 3)
      const last = sums + ((<usize>pairs) << 3)
      multiplyRow(A + at, numerator + at, last, 1, out + at, eps, l1, l2, 1, floor)
    }
  }
}

/**
 * mu's Frobenius update of a factor F (rows×k: W, or Hᵀ) for a dense X, in chunks of
 * `chunk` rows: for each, its numerator A·B (A rows×inner as gemmStrided reads it: X for
 * W with B = Hᵀ, Xᵀ for Hᵀ with B = W) and denominator F·G (G k×k) into `scratch`
 * (2·chunk·k), then multiplyEntries with γ 1 and no floor into out. Each entry is the sum,
 * and the update, that the three calls over all rows make (gemmStrided sums every entry
 * over l in order, however the rows are tiled): the same bits, with the numerator and
 * denominator of a chunk still in cache when it is updated, and one call where there
 * were three. Where `cross` is not 0, row i's Σ_t numerator(i, t)·out(i, t) goes to
 * cross + 8·i (summed over t in order): the rows of ⟨A·B, F'⟩ for the new F', from
 * which a check's error is formed without a product of its own (solvers/mu-module.ts).
 */
export function muFrobeniusRows(
  a: usize,
  rows: i32,
  inner: i32,
  rowStep: usize,
  innerStep: usize,
  b: usize,
  k: i32,
  F: usize,
  G: usize,
  scratch: usize,
  chunk: i32,
  out: usize,
  eps: f64,
  l1: f64,
  l2: f64,
  cross: usize,
): void {
  const numerator = scratch
  const denominator = scratch + ((<usize>chunk * <usize>k) << 3)
  const rowF: usize = (<usize>k) << 3
  for (let i0 = 0; i0 < rows; i0 += chunk) {
    const count = min(chunk, rows - i0)
    const fi = F + <usize>i0 * rowF
    gemmStrided(a + <usize>i0 * rowStep, count, inner, rowStep, innerStep, b, k, numerator)
    gemmStrided(fi, count, k, rowF, 8, G, k, denominator)
    const outi = out + <usize>i0 * rowF
    multiplyEntries(fi, numerator, denominator, count * k, outi, eps, l1, l2, 1, 0)
    if (cross != 0) {
      for (let i = 0; i < count; i++) {
        const row = <usize>i * rowF
        let sum = 0.0
        for (let t = 0; t < k; t++) {
          const at = row + ((<usize>t) << 3)
          sum += load<f64>(numerator + at) * load<f64>(outi + at)
        }
        store<f64>(cross + ((<usize>(i0 + i)) << 3), sum)
      }
    }
  }
}

/** out (m×n) = Aᵀ for A of n×m. */
export function transpose(a: usize, n: i32, m: i32, out: usize): void {
  for (let i = 0; i < n; i++) {
    const row = a + ((<usize>i * <usize>m) << 3)
    for (let j = 0; j < m; j++) {
      store<f64>(out + ((<usize>j * <usize>n + <usize>i) << 3), load<f64>(row + ((<usize>j) << 3)))
    }
  }
}

/** Σ a_q·b_q over `count` entries, in order. */
export function dot(a: usize, b: usize, count: i32): f64 {
  let sum = 0.0
  for (let q = 0; q < count; q++) {
    const at: usize = (<usize>q) << 3
    sum += load<f64>(a + at) * load<f64>(b + at)
  }
  return sum
}

/**
 * A half's penalties in place, as the DSL's `penalize` forms them: l2 added to the
 * diagonal of G (k×k) and l1 subtracted from every entry of C (rows×k).
 */
export function penalize(G: usize, C: usize, rows: i32, k: i32, l1: f64, l2: f64): void {
  if (l2 != 0) {
    for (let t = 0; t < k; t++) {
      const at = G + ((<usize>t * <usize>(k + 1)) << 3)
      store<f64>(at, load<f64>(at) + l2)
    }
  }
  if (l1 != 0) {
    const count = <usize>rows * <usize>k
    for (let q: usize = 0; q < count; q++) {
      const at = C + (q << 3)
      store<f64>(at, load<f64>(at) - l1)
    }
  }
}

/** out (k) = the column sums of A (rows×k), each summed down the rows in order. */
export function columnSums(a: usize, rows: i32, k: i32, out: usize): void {
  for (let t = 0; t < k; t++) store<f64>(out + ((<usize>t) << 3), 0)
  for (let i = 0; i < rows; i++) {
    const row = a + ((<usize>i * <usize>k) << 3)
    for (let t = 0; t < k; t++) {
      const at: usize = (<usize>t) << 3
      store<f64>(out + at, load<f64>(out + at) + load<f64>(row + at))
    }
  }
}

/**
 * 1 when every one of the `count` float64s at `a` is finite, else 0: 0·x is ±0 exactly
 * then, and NaN for NaN and ±Infinity, which makes the sum NaN.
 */
export function allFinite(a: usize, count: i32): i32 {
  const zero = f64x2.splat(0)
  let s0 = zero
  let s1 = zero
  let q = 0
  for (; q + 3 < count; q += 4) {
    const at = a + ((<usize>q) << 3)
    s0 = f64x2.add(s0, f64x2.mul(zero, v128.load(at)))
    s1 = f64x2.add(s1, f64x2.mul(zero, v128.load(at, 16)))
  }
  let tail = 0.0
  for (; q < count; q++) tail += 0 * load<f64>(a + ((<usize>q) << 3))
  const sums = f64x2.add(s0, s1)
  return f64x2.extract_lane(sums, 0) + f64x2.extract_lane(sums, 1) + tail == 0 ? 1 : 0
}

/** out[q] += a[q] for q < count. */
export function addInto(out: usize, a: usize, count: i32): void {
  for (let q = 0; q < count; q++) {
    const at: usize = (<usize>q) << 3
    store<f64>(out + at, load<f64>(out + at) + load<f64>(a + at))
  }
}

/**
 * Σ x² and Σ x·(W·H)_ij over the stored entries of a CSR X (n rows), W n×k and Ht m×k;
 * into out (2). Each (W·H)_ij is summed in two f64x2 lanes of two running sums (t mod 4 =
 * 0, 1 and 2, 3; a pair left over into the first, an odd last term after the lanes are
 * added): a single running sum made every entry wait on k additions in a row. The
 * entries in order, as core/divergence.ts's csrPartSums sums them.
 */
export function csrCross(
  indptr: usize,
  indices: usize,
  data: usize,
  n: i32,
  W: usize,
  Ht: usize,
  k: i32,
  out: usize,
): void {
  const rowK: usize = (<usize>k) << 3
  const quads = k & ~3
  let squares = 0.0
  let cross = 0.0
  for (let i = 0; i < n; i++) {
    const w = W + <usize>i * rowK
    const last = load<i32>(indptr + ((<usize>(i + 1)) << 2))
    for (let q = load<i32>(indptr + ((<usize>i) << 2)); q < last; q++) {
      const value = load<f64>(data + ((<usize>q) << 3))
      const h = Ht + <usize>load<i32>(indices + ((<usize>q) << 2)) * rowK
      squares += value * value
      let s0 = f64x2.splat(0)
      let s1 = f64x2.splat(0)
      let t = 0
      for (; t < quads; t += 4) {
        const at: usize = (<usize>t) << 3
        s0 = f64x2.add(s0, f64x2.mul(v128.load(w + at), v128.load(h + at)))
        s1 = f64x2.add(s1, f64x2.mul(v128.load(w + at, 16), v128.load(h + at, 16)))
      }
      if (t + 2 <= k) {
        const at: usize = (<usize>t) << 3
        s0 = f64x2.add(s0, f64x2.mul(v128.load(w + at), v128.load(h + at)))
        t += 2
      }
      const sums = f64x2.add(s0, s1)
      let wh = f64x2.extract_lane(sums, 0) + f64x2.extract_lane(sums, 1)
      if (t < k) {
        const at: usize = (<usize>t) << 3
        wh += load<f64>(w + at) * load<f64>(h + at)
      }
      cross += value * wh
    }
  }
  store<f64>(out, squares)
  store<f64>(out + 8, cross)
}
