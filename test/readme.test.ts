/**
 * Every TypeScript snippet in the README runs as a program and exits cleanly and
 * type-checks, and its conformance-kit test type-checks and passes for the solver it names.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, posix } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1])

/** The kit section's test file and the solver snippet it imports (`multiplicative`). */
const kitFiles = (): { readonly solver: string; readonly kit: string } => {
  const solver = snippets.find((code) => code.includes('const multiplicative:'))
  const kit = [...readme.matchAll(/```typescript\n([\s\S]*?)```/g)]
    .map((match) => match[1])
    .find((code) => code.includes('solverLaws(multiplicative'))
  if (solver === undefined || kit === undefined) {
    throw new Error('README: expected the multiplicative solver and its conformance-kit test')
  }
  return { solver, kit }
}

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

describe('README snippets, type-checked', () => {
  it("compile under the project's tsconfig, each `@ts-expect-error` marking an error", () => {
    // Running a snippet (above) strips its types unchecked: here tsc checks them, so a
    // snippet that stops compiling, or a line marked as an error that compiles, fails.
    const project = join(folder, 'types')
    mkdirSync(project)
    snippets.forEach((code, index) =>
      writeFileSync(join(project, `snippet-${index + 1}.ts`), `${code}\nexport {}\n`),
    )
    // The conformance-kit test file (a ```typescript block, run by vitest below, which strips
    // its types too) beside the solver snippet it imports, as the README tells to save them.
    const { solver, kit } = kitFiles()
    writeFileSync(join(project, 'multiplicative.ts'), `${solver}\nexport { multiplicative }\n`)
    writeFileSync(join(project, 'multiplicative.test.ts'), kit)
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ extends: '../../tsconfig.json', include: ['*.ts'] }),
    )
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
    const run = spawnSync(process.execPath, [tsc, '-p', project], { cwd: root, encoding: 'utf8' })
    expect(run.stdout + run.stderr).toBe('')
    expect(run.status).toBe(0)
  }, 120_000)
})

describe("the READMEs' references to their sections and each other's", () => {
  const flat = (words: string) => words.replace(/\s+/g, ' ').trim()
  /** A file's text without its code blocks: what a reader looks through for a section. */
  const prose = (name: string) =>
    readFileSync(join(root, name), 'utf8').replace(/```[\s\S]*?```/g, '')

  /** Whether the file has a heading, a paragraph's start or a bold term that is `reference`. */
  const names = (name: string, reference: string): boolean => {
    if (!existsSync(join(root, name))) return false
    const text = prose(name)
    const headings = [...text.matchAll(/^#+ (.*)$/gm)].map((match) => flat(match[1]))
    const paragraphs = text.split(/\n\s*\n/).map(flat)
    const bold = [...text.matchAll(/\*\*([^*]+?)\.?\*\*/g)].map((match) => flat(match[1]))
    return (
      headings.includes(reference) ||
      bold.includes(reference) ||
      paragraphs.some((paragraph) => paragraph.startsWith(reference))
    )
  }

  it.each(['README.md', 'bench/README.md', 'bench/HISTORY.md'])(
    '%s: each `see "…"` names a heading, a paragraph or a bold term of the file, or of the file it names (`see "…" in HISTORY.md`)',
    (name) => {
      // A section renamed, moved to another file or never written leaves a reader looking for it.
      const references = [
        ...prose(name).matchAll(/\bsee "([^"]+)"(?:\s+in\s+((?:[\w-]+\/)*[\w-]+\.md)\b)?/g),
      ].map((match) => ({
        reference: flat(match[1]),
        // A file named after the reference is beside the one that names it.
        file: match[2] === undefined ? name : posix.join(posix.dirname(name), match[2]),
      }))
      expect(references.length).toBeGreaterThan(0)
      const unnamed = references
        .filter(({ reference, file }) => !names(file, reference))
        .map(({ reference, file }) => `"${reference}" in ${file}`)
      expect(unnamed).toEqual([])
    },
  )
})

describe("the README's conformance-kit test", () => {
  it('passes every law for the multiplicative solver of the plugin section', () => {
    // The vitest file of the kit section, beside the solver snippet it imports.
    const { solver, kit } = kitFiles()
    const project = join(folder, 'kit')
    mkdirSync(project)
    writeFileSync(join(project, 'multiplicative.ts'), `${solver}\nexport { multiplicative }\n`)
    writeFileSync(join(project, 'multiplicative.test.ts'), kit)
    // A config of its own: vitest would otherwise take the repository's from a folder above.
    const config = join(project, 'vitest.config.ts')
    writeFileSync(config, "export default { test: { include: ['*.test.ts'] } }\n")
    // The kit's own budget, whatever the run around this one sets.
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' }
    delete env.FORCE_COLOR
    for (const name of ['NMFKIT_FUZZ_RUNS', 'NMFKIT_FUZZ_SEED', 'NMFKIT_FUZZ_PATH'])
      delete env[name]
    const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs')
    const run = spawnSync(
      process.execPath,
      [vitest, 'run', '--root', project, '--config', config],
      {
        cwd: root,
        encoding: 'utf8',
        env,
      },
    )
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0)
    expect(run.stdout).toMatch(/Tests +\d+ passed/)
  }, 120_000)
})
