/**
 * `deepSnapshot` and `deepChangeSince`: what the `inputs-unchanged` law compares around
 * each `start` and `step`, a snapshot of everything reachable from a value (the state a
 * step is given, the problem, the solver's options) and the first change since it, named
 * by its path (`state.velocity[0] was 0, is 0.5`).
 *
 * What is compared, from the root:
 * - numbers, strings, booleans, bigints, symbols, `undefined` and `null`, as `Object.is`
 *   compares them (NaN is NaN; -0 is not 0);
 * - functions, by identity: which function it is, not what its closure holds;
 * - a dense `Matrix`: its entries (`W[1, 0]`); a `CsrMatrix`: its `indptr`, `indices` and
 *   `data`;
 * - typed arrays: their elements (`velocity[3]`); a `DataView` or an `ArrayBuffer`: its bytes;
 * - arrays and other objects: their own properties, string and symbol keys, enumerable or
 *   not (an array's `length` among them): a value changed, a property added or deleted. An
 *   accessor (a getter or setter) is compared by its functions and never called, so what a
 *   getter returns is not compared. A property added under the name of a getter of the
 *   object's prototype is a cache of what that getter gives (filled on its first read) and
 *   is not a change. Private fields (`#x`) and internal slots (a `Date`'s time, a
 *   `WeakMap`'s entries) cannot be read and are not compared. A `Map` or an array used as
 *   a cache and filled during a step is a change;
 * - a `Map` or `Set`: its size, and its keys and values in order;
 * - for every object, which object it is: a property that holds another object than before
 *   (equal or not) has changed, and so has an object's prototype.
 *
 * An object met a second time (a cycle, or one object held in two places) is compared by
 * identity there, its contents where it was first met. An object whose reads throw (a
 * Proxy) is compared by identity alone. Objects deeper than `DEEP_SNAPSHOT_LIMITS.depth`
 * below the root, or beyond the first `DEEP_SNAPSHOT_LIMITS.objects` objects met, are
 * compared by identity alone too; elements of typed arrays, matrices and buffers count
 * toward neither limit and are always compared.
 */
import { Matrix } from 'nmfkit'

/** How far `deepSnapshot` reads: levels below the root, and objects in all. */
export const DEEP_SNAPSHOT_LIMITS = { depth: 32, objects: 10_000 } as const

/** What a snapshot holds of one value. */
type Node =
  | { readonly kind: 'primitive'; readonly value: unknown }
  | { readonly kind: 'function'; readonly ref: unknown }
  // Compared by identity alone: met before, beyond the limits, or unreadable.
  | { readonly kind: 'identity'; readonly ref: object }
  | { readonly kind: 'matrix'; readonly ref: Matrix; readonly values: Float64Array }
  | {
      readonly kind: 'elements'
      readonly ref: object
      readonly values: ArrayLike<unknown>
      readonly bytes: boolean
    }
  | {
      readonly kind: 'object'
      readonly ref: object
      readonly prototype: object | null
      readonly properties: ReadonlyMap<PropertyKey, Property>
      readonly entries?: readonly (readonly [Node, Node])[]
    }

/** A property as a snapshot holds it: a value, or an accessor's functions. */
type Property =
  | { readonly kind: 'data'; readonly node: Node }
  | { readonly kind: 'accessor'; readonly get: unknown; readonly set: unknown }

/** A snapshot of everything reachable from a value, for `deepChangeSince`. */
export interface DeepSnapshot {
  /** The name the paths of changes start with, e.g. `state`. */
  readonly name: string
  readonly root: Node
}

/**
 * A snapshot of `value` and everything reachable from it (see the module comment for what
 * is read, and the limits), for `deepChangeSince` to compare with later. Calls no getter.
 *
 * @example
 * const before = deepSnapshot(state, 'state')
 * const next = solver.step(state, problem, options)
 * deepChangeSince(before, state) // undefined, or e.g. 'state.velocity[0] was 0, is 0.5'
 */
export const deepSnapshot = (value: unknown, name: string): DeepSnapshot => {
  const seen = new Set<object>()
  const read = (current: unknown, depth: number): Node => {
    if (typeof current === 'function') return { kind: 'function', ref: current }
    if (typeof current !== 'object' || current === null) {
      return { kind: 'primitive', value: current }
    }
    if (seen.has(current)) return { kind: 'identity', ref: current }
    seen.add(current)
    if (depth > DEEP_SNAPSHOT_LIMITS.depth || seen.size > DEEP_SNAPSHOT_LIMITS.objects) {
      return { kind: 'identity', ref: current }
    }
    try {
      return readObject(current, (child) => read(child, depth + 1))
    } catch {
      // A Proxy whose traps throw, say: its identity is all that can be read.
      return { kind: 'identity', ref: current }
    }
  }
  return { name, root: read(value, 0) }
}

/** The snapshot of one object, its children read by `read`. */
const readObject = (object: object, read: (child: unknown) => Node): Node => {
  if (object instanceof Matrix) {
    return { kind: 'matrix', ref: object, values: object.toFloat64Array() }
  }
  if (ArrayBuffer.isView(object)) {
    // A typed array by its elements; a DataView by its bytes.
    const values =
      object instanceof DataView
        ? new Uint8Array(object.buffer, object.byteOffset, object.byteLength).slice()
        : (object as unknown as { slice(): ArrayLike<unknown> }).slice()
    return { kind: 'elements', ref: object, values, bytes: object instanceof DataView }
  }
  if (object instanceof ArrayBuffer) {
    return { kind: 'elements', ref: object, values: new Uint8Array(object.slice(0)), bytes: true }
  }
  const properties = new Map<PropertyKey, Property>()
  for (const key of Reflect.ownKeys(object)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(object, key)
    if (descriptor === undefined) continue
    properties.set(
      key,
      'value' in descriptor
        ? { kind: 'data', node: read(descriptor.value) }
        : { kind: 'accessor', get: descriptor.get, set: descriptor.set },
    )
  }
  const entries =
    object instanceof Map
      ? [...object.entries()].map(([key, entry]) => [read(key), read(entry)] as const)
      : object instanceof Set
        ? [...object.values()].map((entry) => [read(entry), read(entry)] as const)
        : undefined
  return {
    kind: 'object',
    ref: object,
    prototype: Reflect.getPrototypeOf(object),
    properties,
    ...(entries === undefined ? {} : { entries }),
  }
}

/**
 * The first change to `value` since `before` was taken of it, in words: its path from the
 * snapshot's name and what it was and is (`state.velocity[0] was 0, is 0.5`,
 * `state.errors.length was 0, is 1`, `problem.penalties.l1W was 0, is 5`), or undefined
 * when nothing it compares changed. Calls no getter.
 */
export const deepChangeSince = (before: DeepSnapshot, value: unknown): string | undefined =>
  changeOf(before.root, value, before.name)

const changeOf = (node: Node, now: unknown, path: string): string | undefined => {
  if (node.kind === 'primitive') {
    return Object.is(node.value, now)
      ? undefined
      : `${path} was ${show(node.value)}, is ${show(now)}`
  }
  if (node.ref !== now) {
    const other =
      typeof now === 'function' ? 'another function' : typeof now === 'object' && now !== null
    const replaced = other === false ? '' : ` by ${other === true ? 'another object' : other}`
    return `${path} was replaced${replaced}: was ${show(node.ref)}, is ${show(now)}`
  }
  switch (node.kind) {
    case 'function':
    case 'identity':
      return undefined
    case 'matrix':
      return matrixChange(node.values, node.ref, path)
    case 'elements':
      return elementsChange(node, path)
    case 'object':
      return objectChange(node, node.ref, path)
  }
}

/** The first entry of a dense matrix that differs from `values`, as `path[i, j]`. */
const matrixChange = (values: Float64Array, matrix: Matrix, path: string): string | undefined => {
  const now = matrix.toFloat64Array()
  const at = values.findIndex((value, q) => !Object.is(value, now[q]))
  if (at < 0) return undefined
  const where = `${path}[${Math.floor(at / matrix.cols)}, ${at % matrix.cols}]`
  return `${where} was ${show(values[at])}, is ${show(now[at])}`
}

/** The first element (or byte) of a typed array, DataView or ArrayBuffer that changed. */
const elementsChange = (
  node: Extract<Node, { kind: 'elements' }>,
  path: string,
): string | undefined => {
  const object = node.ref
  const now: ArrayLike<unknown> =
    object instanceof ArrayBuffer
      ? new Uint8Array(object)
      : object instanceof DataView
        ? new Uint8Array(object.buffer, object.byteOffset, object.byteLength)
        : (object as unknown as ArrayLike<unknown>)
  if (now.length !== node.values.length) {
    return `${path}: its length was ${node.values.length}, is ${now.length}`
  }
  for (let q = 0; q < now.length; q++) {
    if (!Object.is(node.values[q], now[q])) {
      const where = node.bytes ? `${path}: byte ${q}` : `${path}[${q}]`
      return `${where} was ${show(node.values[q])}, is ${show(now[q])}`
    }
  }
  return undefined
}

/** Whether a getter of `key` stands on the prototype chain from `prototype`. */
const cachesGetter = (prototype: object | null, key: PropertyKey): boolean => {
  try {
    for (let at = prototype; at !== null; at = Reflect.getPrototypeOf(at)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(at, key)
      if (descriptor !== undefined) return descriptor.get !== undefined
    }
  } catch {
    return false
  }
  return false
}

/** The first change of an object: its prototype, a property, or a Map's or Set's entries. */
const objectChange = (
  node: Extract<Node, { kind: 'object' }>,
  object: object,
  path: string,
): string | undefined => {
  let prototype: object | null
  let keys: PropertyKey[]
  try {
    prototype = Reflect.getPrototypeOf(object)
    keys = Reflect.ownKeys(object)
  } catch {
    return undefined
  }
  if (prototype !== node.prototype) return `${path}: its prototype was replaced`
  // The properties it had, in their order (an array's indices before its length), then
  // those added.
  for (const [key, property] of node.properties) {
    const at = pathOf(path, key, Array.isArray(object))
    const descriptor = Reflect.getOwnPropertyDescriptor(object, key)
    if (descriptor === undefined) {
      const was = property.kind === 'data' ? shownNode(property.node) : 'an accessor'
      return `${at} was ${was}, is absent`
    }
    if (property.kind === 'accessor' || !('value' in descriptor)) {
      const same =
        property.kind === 'accessor' &&
        !('value' in descriptor) &&
        property.get === descriptor.get &&
        property.set === descriptor.set
      if (!same) return `${at}: its getter or setter was replaced`
      continue
    }
    const change = changeOf(property.node, descriptor.value, at)
    if (change !== undefined) return change
  }
  for (const key of keys) {
    if (node.properties.has(key)) continue
    // A value cached where a getter of the prototype's stood (a getter that, on its first
    // read, defines its result as the object's own property) is what the getter gives.
    if (cachesGetter(prototype, key)) continue
    const descriptor = Reflect.getOwnPropertyDescriptor(object, key)
    const is = descriptor && 'value' in descriptor ? show(descriptor.value) : 'an accessor'
    return `${pathOf(path, key, Array.isArray(object))} was absent, is ${is}`
  }
  if (node.entries === undefined) return undefined
  const entries =
    object instanceof Map
      ? [...(object as Map<unknown, unknown>).entries()]
      : [...(object as Set<unknown>).values()].map((entry) => [entry, entry] as const)
  if (entries.length !== node.entries.length) {
    return `${path}.size was ${node.entries.length}, is ${entries.length}`
  }
  // Entries by their place in the order: a Map's value by its key where that is a
  // primitive (`.get("a")`).
  for (let q = 0; q < entries.length; q++) {
    const [key, entry] = node.entries[q]
    const at = `${path}<entry ${q}>`
    const change =
      changeOf(key, entries[q][0], object instanceof Map ? `${at} key` : at) ??
      (object instanceof Map
        ? changeOf(
            entry,
            entries[q][1],
            key.kind === 'primitive' ? `${path}.get(${show(key.value)})` : `${at} value`,
          )
        : undefined)
    if (change !== undefined) return change
  }
  return undefined
}

/** The path of property `key` of the value at `path`: `.name`, `[3]` or `["a b"]`. */
const pathOf = (path: string, key: PropertyKey, array: boolean): string => {
  if (typeof key === 'symbol') return `${path}[${String(key)}]`
  if (array && /^(?:0|[1-9]\d*)$/.test(key as string)) return `${path}[${String(key)}]`
  return /^[A-Za-z_$][\w$]*$/.test(key as string)
    ? `${path}.${String(key)}`
    : `${path}[${JSON.stringify(key)}]`
}

/** What a snapshot's node held, in words. */
const shownNode = (node: Node): string =>
  node.kind === 'primitive' ? show(node.value) : show(node.ref)

/** A value in a message: a number to the bit, a string quoted, an object by its kind. */
const show = (value: unknown): string => {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value)
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'function') return 'a function'
  if (typeof value !== 'object' || value === null) return String(value)
  try {
    if (value instanceof Matrix) return `a ${value.rows}×${value.cols} Matrix`
    if (Array.isArray(value)) return `an array of ${value.length}`
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      return `a ${value.constructor.name} of ${(value as unknown as ArrayLike<number>).length}`
    }
    const name = (Reflect.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)
      ?.constructor?.name
    return typeof name === 'string' && name !== '' && name !== 'Object' ? `a ${name}` : 'an object'
  } catch {
    return 'an object'
  }
}
