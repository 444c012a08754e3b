/** The plugin guide's examples (docs/plugins.md) run and print what the guide says they print. */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { Matrix, compare, nmf, optionsCodec, type AnyComparator } from 'nmfkit'
import { plainMu, relaxedCd } from '../examples/plugins/solver-plugin.ts'
import { NonNegative, reconstruction } from '../examples/plugins/comparator-plugin.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const run = (file: string): string =>
  execFileSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, file)], {
    cwd: root,
    encoding: 'utf8',
  })

describe('plugin guide', () => {
  it('names the two example programs it walks through', () => {
    const guide = readFileSync(join(root, 'docs', 'plugins.md'), 'utf8')
    expect(guide).toContain('examples/plugins/solver-plugin.ts')
    expect(guide).toContain('examples/plugins/comparator-plugin.ts')
  })

  it('solver plugins: a DSL solver and a hand-written one fit, and options are checked', () => {
    const output = run('examples/plugins/solver-plugin.ts')
    expect(output).toMatch(
      new RegExp(
        /relaxed-cd, step 0\.5: reconstruction error [\d.]+ after \d+ iterations /.source +
          /.*objective never increased: yes/.source,
      ),
    )
    expect(output).toMatch(
      /plain-mu: reconstruction error [\d.]+ after \d+ iterations .*objective never increased: yes/,
    )
    expect(output).toContain("step 2 is rejected: nmf: option 'step': expected a number in (0, 1]")
  })

  it("plain-mu's epsilon is a finite number > 0, as the guide says", () => {
    const X = [
      [1, 2],
      [3, 4],
    ]
    for (const epsilon of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const result = nmf(X, { components: 1, solver: plainMu, epsilon })
      if (E.isRight(result)) throw new Error(`epsilon ${epsilon} was taken`)
      expect(result.left._tag).toBe('InvalidOption')
      expect(result.left.message).toBe(
        `nmf: option 'epsilon': expected a finite number > 0, found ${String(epsilon)}`,
      )
    }
    expect(E.isRight(nmf(X, { components: 1, solver: plainMu, epsilon: 1e-9 }))).toBe(true)
  })

  it('refuses penalties for relaxed-cd with the message the guide quotes', () => {
    const guide = readFileSync(join(root, 'docs', 'plugins.md'), 'utf8')
    const X = [
      [1, 0, 2],
      [0, 3, 1],
    ]
    const fit = nmf(X, { components: 1, solver: relaxedCd, alphaW: 0.5 })
    if (E.isRight(fit)) throw new Error('expected the penalties to be refused')
    expect(fit.left.message).toMatch(/does not apply penalties/)
    expect(guide).toContain(`\`${fit.left.message}\``)
  })

  it("refuses a bad default, or an option named as nmf's own, with the messages it quotes", () => {
    const guide = readFileSync(join(root, 'docs', 'plugins.md'), 'utf8')
    const X = [
      [1, 0, 2],
      [0, 3, 1],
    ]
    const seeded = { ...relaxedCd, optionProps: { ...relaxedCd.optionProps, seed: t.number } }
    for (const plugin of [
      { ...relaxedCd, defaults: { step: 2 } },
      { ...seeded, defaults: { ...relaxedCd.defaults, seed: 5 } },
    ]) {
      const fit = nmf(X, { components: 1, solver: plugin })
      if (E.isRight(fit)) throw new Error('expected the plugin to be refused')
      expect(guide).toContain(`\`${fit.left.message}\``)
    }
  })

  it('comparator plugin: runs beside norms, gives a verdict, rejects a bad option', () => {
    const output = run('examples/plugins/comparator-plugin.ts')
    expect(output).toMatch(/norms: max \|W_a − W_b\| [\d.]+/)
    expect(output).toMatch(/reconstruction: relative difference [\d.]+ \(tolerance 0\.05\): same/)
    expect(output).toContain(
      'tolerance -1 is rejected: compare: ' +
        "option 'reconstruction.tolerance': expected a number ≥ 0",
    )
  })
})

describe('comparator plugins: what compare refuses, with the messages the guide quotes', () => {
  const guide = readFileSync(join(root, 'docs', 'plugins.md'), 'utf8')
  const pair = { W: Matrix.fill(2, 1, 1), H: Matrix.fill(1, 2, 1) }
  const refusal = (comparator: Partial<AnyComparator>): string => {
    const result = compare(pair, pair, { comparators: [comparator as AnyComparator] })
    if (E.isRight(result)) throw new Error('expected the comparator to be refused')
    expect(result.left).toMatchObject({ _tag: 'InvalidOption', option: 'comparators' })
    return result.left.message
  }
  const mine = { name: 'mine', options: optionsCodec('mine options', {}, {}) }

  it('a Left that holds no NmfError', () => {
    expect(guide).toContain(`\`${refusal({ ...mine, compare: () => E.left('oops') as never })}\``)
  })

  it('a comparator without a name', () => {
    const { name: _name, ...nameless } = { ...mine, compare: () => E.right({}) }
    expect(guide).toContain(`\`${refusal(nameless)}\``)
  })

  it("an optionsCodec's default that its prop refuses, and an option without a default", () => {
    const codec = (defaults: object) =>
      optionsCodec('reconstruction options', { tolerance: NonNegative }, defaults)
    expect(guide).toContain(
      `\`${refusal({ ...reconstruction, options: codec({ tolerance: 'x' }) } as never)}\``,
    )
    const required = compare(pair, pair, {
      comparators: [{ ...reconstruction, options: codec({}) as typeof reconstruction.options }],
    })
    if (E.isRight(required)) throw new Error('expected the option to be required')
    expect(guide).toContain(`\`${required.left.message}\``)
  })

  it('a report that does not name its comparator', () => {
    const other = refusal({ ...mine, compare: () => E.right({ comparator: 'other' }) })
    expect(guide).toContain(`\`${other}\``)
  })
})
