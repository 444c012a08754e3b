/**
 * The WebAssembly module's exports as core/wasm.ts types them (and exports the type as
 * `KernelModule`): its memory, and the functions of wasm/kernels.ts, whose matrices are
 * byte offsets into that memory.
 */
export interface Exports {
  readonly memory: WebAssembly.Memory
  readonly heapBase: () => number
  readonly gemmStrided: (
    a: number,
    rows: number,
    inner: number,
    rowStep: number,
    innerStep: number,
    b: number,
    m: number,
    out: number,
  ) => void
  readonly csrTimesDense: (
    indptr: number,
    indices: number,
    data: number,
    rows: number,
    b: number,
    k: number,
    out: number,
  ) => void
  readonly csrTransposeTimesDense: (
    indptr: number,
    indices: number,
    data: number,
    rows: number,
    cols: number,
    b: number,
    k: number,
    out: number,
  ) => void
  readonly muRows: (
    values: number,
    columns: number,
    starts: number,
    n: number,
    m: number,
    k: number,
    W: number,
    Ht: number,
    extra: number,
    nextW: number,
    numeratorH: number,
    denominatorH: number,
    scratch: number,
    beta: number,
    gamma: number,
    eps: number,
    l1: number,
    l2: number,
    floor: number,
  ) => void
  readonly muKlDense: (
    x: number,
    n: number,
    m: number,
    k: number,
    W: number,
    H: number,
    Ht: number,
    rowSumsH: number,
    nextW: number,
    numeratorHt: number,
    scratch: number,
    block: number,
    eps: number,
    l1: number,
    l2: number,
  ) => void
  readonly muBeta: (
    values: number,
    columns: number,
    starts: number,
    n: number,
    m: number,
    k: number,
    W: number,
    H: number,
    Ht: number,
    nextW: number,
    numeratorHt: number,
    denominatorHt: number,
    scratch: number,
    block: number,
    beta: number,
    gamma: number,
    eps: number,
    l1: number,
    l2: number,
    floor: number,
  ) => void
  readonly coordinateSweep: (
    A: number,
    n: number,
    k: number,
    G: number,
    C: number,
    order: number,
    Gt: number,
    damped: number,
    gamma: number,
    project: number,
    change: number,
  ) => number
  readonly squaredErrorDense: (
    x: number,
    n: number,
    m: number,
    W: number,
    H: number,
    k: number,
    scratch: number,
    block: number,
  ) => number
  readonly multiplyEntries: (
    A: number,
    numerator: number,
    denominator: number,
    count: number,
    out: number,
    eps: number,
    l1: number,
    l2: number,
    gamma: number,
    floor: number,
  ) => void
  readonly transpose: (a: number, n: number, m: number, out: number) => void
  readonly columnSums: (a: number, rows: number, k: number, out: number) => void
  readonly addInto: (out: number, a: number, count: number) => void
  readonly csrCross: (
    indptr: number,
    indices: number,
    data: number,
    n: number,
    W: number,
    Ht: number,
    k: number,
    out: number,
  ) => void
  readonly dot: (a: number, b: number, count: number) => number
  readonly allFinite: (a: number, count: number) => number
  readonly muFrobeniusRows: (
    a: number,
    rows: number,
    inner: number,
    rowStep: number,
    innerStep: number,
    b: number,
    k: number,
    F: number,
    G: number,
    scratch: number,
    chunk: number,
    out: number,
    eps: number,
    l1: number,
    l2: number,
    cross: number,
  ) => void
  readonly multiplyRowsBy: (
    A: number,
    numerator: number,
    sums: number,
    rows: number,
    k: number,
    out: number,
    eps: number,
    l1: number,
    l2: number,
    floor: number,
  ) => void
  readonly penalize: (G: number, C: number, rows: number, k: number, l1: number, l2: number) => void
  readonly betaSums: (
    values: number,
    columns: number,
    starts: number,
    n: number,
    m: number,
    W: number,
    Ht: number,
    k: number,
    beta: number,
    eps: number,
    out: number,
  ) => void
}
