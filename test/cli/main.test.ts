/** The command's own flags and words, before any command runs: --version, help. */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { packageVersion } from '../../cli/version.ts'
import { nmfkit, tempFolder } from './helpers.ts'

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
