/**
 * nmfkit/testing's `deepSnapshot` and `deepChangeSince`, which the `inputs-unchanged` law
 * compares the state, problem and options of every step with: each change is found and
 * named by its path, and what is not a change (a getter read, a cycle, a Proxy) is not one.
 */
import { describe, expect, it } from 'vitest'
import { createRng, CsrMatrix, Matrix, type Problem } from 'nmfkit'
import { DEEP_SNAPSHOT_LIMITS, deepChangeSince, deepSnapshot } from 'nmfkit/testing'
// Internal: a matrix's storage, which a broken solver could write into.
import { valuesOf } from '../core/matrix.ts'
import { unwrap } from './fixture-helpers.ts'

/** The change `change` makes to what `make` builds, as deepChangeSince names it. */
const changed = <T>(make: () => T, change: (value: T) => void, name = 'state') => {
  const value = make()
  const before = deepSnapshot(value, name)
  change(value)
  return deepChangeSince(before, value)
}

const matrix = () =>
  unwrap(
    Matrix.fromArrays([
      [1, 2],
      [3, 4],
    ]),
  )

describe('deepChangeSince names the first change by its path', () => {
  it.each([
    [
      'an entry of a typed array in the state',
      () => ({ W: matrix(), velocity: new Float64Array(3) }),
      (state: { velocity: Float64Array }) => {
        state.velocity[1] = 0.5
      },
      'state.velocity[1] was 0, is 0.5',
    ],
    [
      'a push onto an array',
      () => ({ errors: [] as number[] }),
      (state: { errors: number[] }) => {
        state.errors.push(3)
      },
      'state.errors.length was 0, is 1',
    ],
    [
      "an entry of a Matrix's storage",
      () => ({ W: matrix() }),
      (state: { W: Matrix }) => {
        valuesOf(state.W)[3] = 9
      },
      'state.W[1, 1] was 4, is 9',
    ],
    [
      "a CSR matrix's data",
      () => ({ X: unwrap(CsrMatrix.fromParts(2, 2, [0, 1, 2], [0, 1], [5, 6])) }),
      (state: { X: CsrMatrix }) => {
        state.X.data[1] = 1
      },
      'state.X.data[1] was 6, is 1',
    ],
    [
      'a matrix replaced by an equal one',
      () => ({ W: matrix() }),
      (state: { W: Matrix }) => {
        state.W = matrix()
      },
      'state.W was replaced by another object: was a 2×2 Matrix, is a 2×2 Matrix',
    ],
    [
      'a property added',
      () => ({ a: 1 }) as Record<string, unknown>,
      (state: Record<string, unknown>) => {
        state['two words'] = undefined
      },
      'state["two words"] was absent, is undefined',
    ],
    [
      'a property deleted',
      () => ({ a: 1 }) as Record<string, unknown>,
      (state: Record<string, unknown>) => {
        delete state.a
      },
      'state.a was 1, is absent',
    ],
    [
      'a value in a Map',
      () => ({ cache: new Map([['gram', { size: 1 }]]) }),
      (state: { cache: Map<string, { size: number }> }) => {
        ;(state.cache.get('gram') as { size: number }).size = 2
      },
      'state.cache.get("gram").size was 1, is 2',
    ],
    [
      '0 made -0',
      () => ({ b: 0 }),
      (state: { b: number }) => {
        state.b = -0
      },
      'state.b was 0, is -0',
    ],
    [
      'a getter replaced',
      () => ({
        get g() {
          return 1
        },
      }),
      (state: object) => {
        Object.defineProperty(state, 'g', { get: () => 2 })
      },
      'state.g: its getter or setter was replaced',
    ],
  ] as const)('%s', (_, make, change, message) => {
    expect(changed(make as () => object, change as (value: object) => void)).toBe(message)
  })

  it("names the problem's penalties and X when they are not frozen", () => {
    const problem = () =>
      ({
        X: matrix(),
        components: 2,
        squaredNormX: 30,
        beta: 2,
        penalties: { l1W: 0, l2W: 0, l1H: 0, l2H: 0 },
        shuffle: false,
        rng: createRng(0),
      }) as Problem
    const l1W = (p: Problem) => {
      ;(p.penalties as { l1W: number }).l1W = 5
    }
    expect(changed(problem, l1W, 'problem')).toBe('problem.penalties.l1W was 0, is 5')
    const x = (p: Problem) => {
      valuesOf(p.X as Matrix)[0] = 2
    }
    expect(changed(problem, x, 'problem')).toBe('problem.X[0, 0] was 1, is 2')
    // Drawing from the stream changes none of what can be read of it.
    expect(changed(problem, (p) => p.rng.permutation(5), 'problem')).toBeUndefined()
  })
})

describe('deepChangeSince finds no change where there is none', () => {
  it('compares NaN with NaN as the same', () => {
    expect(
      changed(
        () => ({ a: NaN }),
        (state) => (state.a = NaN),
      ),
    ).toBeUndefined()
  })

  it('calls no getter, so a getter that counts is not a change', () => {
    let reads = 0
    const value = {
      get count() {
        reads += 1
        return reads
      },
    }
    const before = deepSnapshot(value, 'state')
    expect(deepChangeSince(before, value)).toBeUndefined()
    expect(reads).toBe(0)
  })

  it("takes a getter's cached value for what the getter gives, not for a change", () => {
    // A class whose getter computes on its first read and keeps the result as the object's
    // own property: the state a step is given gains that property, and nothing else.
    class Lazy {
      constructor(readonly values: Float64Array) {}
      get total(): number {
        const total = this.values.reduce((a, b) => a + b, 0)
        Object.defineProperty(this, 'total', { value: total })
        return total
      }
    }
    const lazy = new Lazy(new Float64Array([1, 2]))
    const before = deepSnapshot(lazy, 'state')
    expect(lazy.total).toBe(3)
    expect(Object.hasOwn(lazy, 'total')).toBe(true)
    expect(deepChangeSince(before, lazy)).toBeUndefined()
    // A property of another name is a change; so is a change of the values it was made of.
    Object.defineProperty(lazy, 'other', { value: 1, enumerable: true })
    expect(deepChangeSince(before, lazy)).toBe('state.other was absent, is 1')
    const plain = new Lazy(new Float64Array([1, 2]))
    const snapshot = deepSnapshot(plain, 'state')
    plain.values[0] = 5
    expect(deepChangeSince(snapshot, plain)).toBe('state.values[0] was 1, is 5')
  })

  it('follows a cycle once, and finds a change made through it', () => {
    interface Node {
      n: number
      self?: Node
      list: Node[]
    }
    const make = () => {
      const node: Node = { n: 1, list: [] }
      node.self = node
      node.list.push(node)
      return node
    }
    expect(changed(make, () => undefined)).toBeUndefined()
    expect(changed(make, (node) => (node.list[0].n = 2))).toBe('state.n was 1, is 2')
  })

  it('reads a Proxy whose traps throw by its identity alone', () => {
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys')
        },
      },
    )
    expect(
      changed(
        () => ({ proxy }),
        () => undefined,
      ),
    ).toBeUndefined()
  })

  it(`compares by identity alone below depth ${DEEP_SNAPSHOT_LIMITS.depth}`, () => {
    interface Chain {
      v: number
      next?: Chain
    }
    const make = () => {
      const root: Chain = { v: 0 }
      let link = root
      for (let depth = 0; depth < DEEP_SNAPSHOT_LIMITS.depth + 5; depth++) {
        link.next = { v: 0 }
        link = link.next
      }
      return root
    }
    const at = (root: Chain, depth: number) => {
      let link = root
      for (let q = 0; q < depth; q++) link = link.next as Chain
      return link
    }
    expect(changed(make, (root) => (at(root, DEEP_SNAPSHOT_LIMITS.depth).v = 1))).toBe(
      `state${'.next'.repeat(DEEP_SNAPSHOT_LIMITS.depth)}.v was 0, is 1`,
    )
    expect(changed(make, (root) => (at(root, DEEP_SNAPSHOT_LIMITS.depth + 2).v = 1))).toBe(
      undefined,
    )
  })
})
