/** The examples run and print their labelled results. */
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const run = (file: string, ...args: string[]): string =>
  execFileSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, file), ...args], {
    cwd: root,
    encoding: 'utf8',
  })

describe('examples', () => {
  it('seed-notebook prints the three fits and their comparison', () => {
    const output = run('examples/seed-notebook.ts')
    expect(output).toMatch(/cd \(scikit-learn coordinate descent\)/)
    expect(output).toMatch(/moving-average, gamma 0\.1, nonnegative: false/)
    expect(output).toMatch(/moving-average, gamma 0\.1, nonnegative: true/)
    expect(output).toMatch(/reconstruction error [\d.]+ after \d+ iterations/)
    expect(output).toMatch(/max \|A − B\|/)
  })

  it('digits fits the 1797×64 digits with cd', () => {
    const output = run('examples/digits.ts')
    expect(output).toMatch(/1797×64/)
    // scikit-learn's error on this problem is 862.749 (test/fixtures/digits_cd_default_k10.json).
    expect(output).toMatch(/reconstruction error 862\.7\d* after 200 iterations/)
  })
})
