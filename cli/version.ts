/**
 * The version `nmfkit --version` prints: the one in the package's manifest, which is one
 * folder up from this file both in the repository (cli/version.ts, run through tsx) and in
 * the package `npm run build` writes (dist/cli/version.js beside dist/package.json).
 */
import { readFileSync } from 'node:fs'

/**
 * The `version` of the package.json one folder up from `module` (a file URL).
 *
 * @example
 * packageVersion() // '0.1.0'
 */
export const packageVersion = (module: string | URL = import.meta.url): string => {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', module), 'utf8')) as {
    version?: unknown
  }
  return String(manifest.version)
}
