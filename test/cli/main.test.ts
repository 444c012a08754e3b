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
