/** Every TypeScript snippet in the README runs as a program and exits cleanly. */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1])

// Inside the repository, so that `import … from 'nmfkit'` resolves to this package.
const folder = mkdtempSync(join(root, '.readme-snippets-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

describe('README snippets', () => {
  it('has snippets to run', () => {
    expect(snippets.length).toBeGreaterThan(3)
  })

  it.each(snippets.map((code, index) => [index + 1, code] as const))(
    'snippet %i runs',
    (index, code) => {
      const file = join(folder, `snippet-${index}.ts`)
      writeFileSync(file, code)
      const tsx = join(root, 'node_modules', '.bin', 'tsx')
      // Throws (and fails the test) on a non-zero exit; the output is kept for the message.
      const output = execFileSync(tsx, [file], { cwd: root, encoding: 'utf8', stdio: 'pipe' })
      expect(typeof output).toBe('string')
    },
  )
})
