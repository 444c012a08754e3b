/**
 * The package `npm run build` makes (scripts/build.ts) works where nmfkit is installed as
 * a dependency: plain Node, with the production dependencies alone (no tsx, no
 * TypeScript), for the library and for the `nmfkit` command.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildPackage, packageManifest } from '../scripts/build.ts'

const root = fileURLToPath(new URL('..', import.meta.url))

/** The packages the lockfile installs for production, at the top of node_modules. */
const productionPackages = (): string[] => {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean; peer?: boolean }>
  }
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path.startsWith('node_modules/') && !entry.dev && !entry.peer)
    .map(([path]) => path.slice('node_modules/'.length))
    .filter((name) => !name.includes('/node_modules/'))
}

describe('the built package', () => {
  let project = ''
  const run = (args: string[]) =>
    spawnSync(process.execPath, args, { cwd: project, encoding: 'utf8', env: { PATH: '' } })

  beforeAll(() => {
    // A project that depends on nmfkit: the package in its node_modules, beside links to
    // the production dependencies only.
    project = mkdtempSync(join(tmpdir(), 'nmfkit-package-'))
    const built = buildPackage(join(project, 'node_modules', 'nmfkit'))
    if (!built.ok) throw new Error(built.report)
    for (const name of productionPackages()) {
      if (name.startsWith('@')) {
        const scope = join(project, 'node_modules', name.split('/')[0])
        spawnSync('mkdir', ['-p', scope])
      }
      symlinkSync(join(root, 'node_modules', name), join(project, 'node_modules', name), 'dir')
    }
    writeFileSync(join(project, 'package.json'), '{ "type": "module", "private": true }\n')
  }, 120_000)

  afterAll(() => {
    if (project !== '') rmSync(project, { recursive: true, force: true })
  })

  it('refuses to build over the repository or a folder of anything else', () => {
    for (const directory of [root, join(root, 'cli'), join(root, '..')]) {
      const built = buildPackage(directory)
      expect(built.ok).toBe(false)
      if (!built.ok) expect(built.report).toMatch(/^refused to write there: /)
    }
    expect(readFileSync(join(root, 'cli', 'bin.js'), 'utf8')).toMatch(/nmfkit/)
    const other = mkdtempSync(join(tmpdir(), 'nmfkit-other-'))
    writeFileSync(join(other, 'notes.txt'), 'mine\n')
    expect(buildPackage(other)).toEqual({
      ok: false,
      report:
        `refused to write there: ${other} holds files that are not ` +
        'an earlier build of nmfkit\n',
    })
    expect(readFileSync(join(other, 'notes.txt'), 'utf8')).toBe('mine\n')
    expect(buildPackage(join(other, 'notes.txt'))).toEqual({
      ok: false,
      report: `refused to write there: ${join(other, 'notes.txt')} is a file\n`,
    })
    expect(readFileSync(join(other, 'notes.txt'), 'utf8')).toBe('mine\n')
    rmSync(other, { recursive: true })
  })

  it('builds again over an earlier build', () => {
    expect(buildPackage(join(project, 'node_modules', 'nmfkit'))).toEqual({ ok: true })
  }, 120_000)

  it('leaves the package folder readable by everyone (mkdtemp made it 0700)', () => {
    const mode = statSync(join(project, 'node_modules', 'nmfkit')).mode & 0o777
    expect(mode & 0o555).toBe(0o555)
  })

  it('links only production dependencies into the project: no tsx, no TypeScript', () => {
    const names = productionPackages()
    expect(names).toContain('fp-ts')
    expect(names).not.toContain('tsx')
    expect(names).not.toContain('typescript')
  })

  it('runs a fit from plain Node', () => {
    writeFileSync(
      join(project, 'fit.mjs'),
      [
        "import { nmf } from 'nmfkit'",
        'const fit = nmf([[1, 2], [3, 4], [5, 7]], { components: 1, seed: 3 })',
        'console.log(JSON.stringify({ tag: fit._tag, error: fit.right.reconstructionError }))',
      ].join('\n'),
    )
    const result = run(['fit.mjs'])
    expect(result.stderr).toBe('')
    const printed = JSON.parse(result.stdout) as { tag: string; error: number }
    expect(printed.tag).toBe('Right')
    expect(printed.error).toBeGreaterThan(0)
    expect(printed.error).toBeLessThan(1)
  })

  it('runs the nmfkit command', () => {
    writeFileSync(join(project, 'x.csv'), '1,2,3\n4,5,6\n7,8,10\n')
    const bin = join('node_modules', 'nmfkit', 'cli', 'bin.js')
    const fit = run([bin, 'fit', 'x.csv', '-k', '2', '-o', 'model.json', '--quiet'])
    expect(fit.stderr).toBe('')
    expect(fit.status).toBe(0)
    const model = JSON.parse(readFileSync(join(project, 'model.json'), 'utf8')) as {
      W: { rows: number; cols: number }
    }
    expect([model.W.rows, model.W.cols]).toEqual([3, 2])
    expect(run([bin, 'fit', 'x.csv', '-k', '2', '--tol', '0x1']).stderr).toBe(
      "nmfkit fit: option --tol: expected a number, found '0x1'\n",
    )
  })

  it('gives TypeScript the named dimensions: a mismatched product does not compile', () => {
    writeFileSync(
      join(project, 'check.ts'),
      [
        "import { CsrMatrix, lift, Matrix, nmf } from 'nmfkit'",
        "declare const W: Matrix<'samples', 'components'>",
        "declare const X: Matrix<'samples', 'features'>",
        "declare const S: CsrMatrix<'samples', 'features'>",
        'export const fine = lift(W).transposeTimes(lift(X))',
        '// @ts-expect-error: components against samples',
        'export const mismatched = lift(W).times(lift(X))',
        '// @ts-expect-error: other names',
        "export const renamed: CsrMatrix<'rows', 'cols'> = S",
        '// @ts-expect-error: components must be a number',
        "nmf([[1]], { components: 'two' })",
        'export const fit = nmf(X, { components: 2 })',
      ].join('\n'),
    )
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: [],
        },
        files: ['check.ts'],
      }),
    )
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
    const checked = run([tsc, '-p', 'tsconfig.json'])
    expect(checked.stdout + checked.stderr).toBe('')
    expect(checked.status).toBe(0)
  }, 60_000)

  it("names the .js and .d.ts in its manifest, and keeps the repository's dependencies", () => {
    const manifest = JSON.parse(
      readFileSync(join(project, 'node_modules', 'nmfkit', 'package.json'), 'utf8'),
    ) as Record<string, unknown>
    const ours = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >
    expect(manifest).toEqual(packageManifest(ours as Parameters<typeof packageManifest>[0]))
    expect(manifest.exports).toEqual({
      '.': { types: './index.d.ts', default: './index.js' },
      './testing': { types: './testing/index.d.ts', default: './testing/index.js' },
    })
    expect(manifest.dependencies).toEqual(ours.dependencies)
    expect(manifest).not.toHaveProperty('devDependencies')
    expect(manifest).not.toHaveProperty('scripts')
  })
})
