/** The examples run and print their labelled results. */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const run = (file: string, cwd = root): string =>
  execFileSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, file)], {
    cwd,
    encoding: 'utf8',
  })

describe('examples', () => {
  it('seed-notebook prints the three fits and their comparison', () => {
    const output = run('examples/seed-notebook.ts')
    expect(output).toMatch(/cd \(scikit-learn coordinate descent\)/)
    expect(output).toMatch(/moving-average, gamma 0\.1, nonnegative: false/)
    expect(output).toMatch(/moving-average, gamma 0\.1, nonnegative: true/)
    expect(output).toMatch(/reconstruction error [\d.]+ after \d+ iterations/)
    expect(output).toMatch(/comparator norms: entry by entry/)
    expect(output).toMatch(/comparator aligned: up to permutation and scale/)
    expect(output).toMatch(/permutation \(component of a → component of b\)/)
  })

  it('digits fits the 1797×64 digits with cd and draws its parts', () => {
    const folder = mkdtempSync(join(tmpdir(), 'nmfkit-digits-'))
    const output = run('examples/digits.ts', folder)
    const picture = join(folder, 'digits-parts.svg')
    expect(existsSync(picture)).toBe(true)
    const svg = readFileSync(picture, 'utf8')
    expect(svg).toMatch(/^<svg /)
    expect(svg).toContain('the 10 parts (rows of H), 8×8 pixels')
    rmSync(folder, { recursive: true, force: true })
    expect(output).toMatch(/1797×64/)
    // scikit-learn's error on this problem is 862.749 (test/fixtures/digits_cd_default_k10.json).
    expect(output).toMatch(/reconstruction error 862\.7\d* after 200 iterations/)
  })

  it('the masked variant prints its objective after the demo fit', () => {
    // The demo fit runs 100 iterations with tol 0; the stopping rule has its test in variants.
    expect(run('examples/variants/masked.ts')).toMatch(
      /^masked NMF: objective \d+\.\d{4} after 100 iterations\n$/,
    )
  })
})
