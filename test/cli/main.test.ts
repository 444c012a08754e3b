/**
 * The command's own flags and words, before any command runs: --version, help; and a
 * command that throws, an internal failure.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { packageVersion } from '../../cli/version.ts'
import { nmfkit, nmfkitWith, tempFolder } from './helpers.ts'

const folder = tempFolder()
afterAll(() => rmSync(folder, { recursive: true, force: true }))

const manifest = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as { version: string }

describe('nmfkit --version', () => {
  it("prints the package's version, as --version or -V, and exits with 0", async () => {
    const runs = await Promise.all([nmfkit(folder, '--version'), nmfkit(folder, '-V')])
    for (const run of runs) {
      expect(run).toEqual({ status: 0, stdout: `nmfkit ${manifest.version}\n`, stderr: '' })
    }
  })

  it('refuses an argument after it, which it would ignore', async () => {
    expect(await nmfkit(folder, '--version', 'extra')).toEqual({
      status: 2,
      stdout: '',
      stderr: "nmfkit: option --version: expected nothing after it, found 'extra'\n",
    })
  })

  it("reads the manifest one folder up, as the built package's dist/cli/version.js does", () => {
    mkdirSync(join(folder, 'dist', 'cli'), { recursive: true })
    writeFileSync(join(folder, 'dist', 'package.json'), '{"name":"nmfkit","version":"9.8.7"}\n')
    const built = pathToFileURL(join(folder, 'dist', 'cli', 'version.js'))
    expect(packageVersion(built)).toBe('9.8.7')
    expect(packageVersion()).toBe(manifest.version)
  })
})

describe('nmfkit help', () => {
  it("'help COMMAND' prints that command's help, as COMMAND --help does", async () => {
    const commands = ['fit', 'transform', 'compare', 'info', 'show']
    const runs = await Promise.all(
      commands.flatMap((command) => [
        nmfkit(folder, 'help', command),
        nmfkit(folder, command, '--help'),
      ]),
    )
    for (let c = 0; c < commands.length; c++) {
      const [help, flag] = [runs[2 * c], runs[2 * c + 1]]
      expect(help.status).toBe(0)
      expect(help.stdout).toMatch(new RegExp(`^usage: nmfkit ${commands[c]} `))
      expect(help).toEqual(flag)
    }
    // compare reads its input flags for --input, and its help says so.
    expect(runs[4].stdout).toContain('Reading --input (--delimiter to --drop-columns')
  })

  it("'help' alone is the general help; 'help' of no command says so", async () => {
    const [alone, unknown] = await Promise.all([
      nmfkit(folder, 'help'),
      nmfkit(folder, 'help', 'fitt'),
    ])
    expect(alone.status).toBe(0)
    expect(alone.stdout).toMatch(/^usage: nmfkit <command> \[options\]/)
    expect(alone.stdout).toContain("'nmfkit help <command>'")
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toBe(
      "nmfkit: unknown command 'fitt': expected one of fit, transform, compare, info, show " +
        '(see nmfkit --help)\n',
    )
  })
})

describe('an internal failure', () => {
  it('is one line that asks for a report, exit code 1; NMFKIT_DEBUG adds the stack', async () => {
    // A bug planted by a preload: info formats its numbers with toPrecision.
    const planted = join(folder, 'planted-bug.mjs')
    writeFileSync(planted, "Number.prototype.toPrecision = () => { throw new Error('planted') }\n")
    writeFileSync(join(folder, 'x.csv'), '1,2\n3,4\n')
    const preload = `${process.env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(planted).href}`
    const [plain, debug] = await Promise.all([
      nmfkitWith({ NODE_OPTIONS: preload }, folder, 'info', 'x.csv'),
      nmfkitWith({ NODE_OPTIONS: preload, NMFKIT_DEBUG: '1' }, folder, 'info', 'x.csv'),
    ])
    const line = 'nmfkit info: internal error, please report it: Error: planted\n'
    expect(plain).toEqual({ status: 1, stdout: '', stderr: line })
    expect(debug.status).toBe(1)
    expect(debug.stderr).toMatch(new RegExp(`^${line}Error: planted\n +at `))
  })
})
