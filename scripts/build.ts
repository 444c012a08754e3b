/**
 * `npm run build`: nmfkit as a package of JavaScript and type declarations, in `dist/`
 * (or the folder given as the first argument), for plain Node, bundlers and `npm publish`.
 * The repository itself runs the TypeScript through tsx; the package needs neither tsx
 * nor TypeScript.
 *
 * The folder gets the compiled library, `nmfkit/testing` and the command (tsc with
 * tsconfig.build.json), cli/bin.js, the README and licence, and a package.json whose entry points
 * name the .js and .d.ts files. It is replaced as a whole, once the new build is complete,
 * and only if it is empty or holds an earlier build: never the repository or a folder of
 * anything else.
 */
import { spawnSync } from 'node:child_process'
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

/** What the build reads of the repository's package.json. */
interface Manifest {
  readonly name: string
  readonly version: string
  readonly exports: Readonly<Record<string, string>>
  readonly [field: string]: unknown
}

/** The fields the package keeps as they are. */
const KEPT = [
  'name',
  'version',
  'description',
  'license',
  'type',
  'engines',
  'bin',
  'dependencies',
  'peerDependencies',
  'peerDependenciesMeta',
] as const

/**
 * The package's manifest from the repository's: each entry point's .ts becomes the .js
 * beside it, with its declarations as `types`; no scripts and no dev dependencies.
 */
export const packageManifest = (manifest: Manifest): Record<string, unknown> => {
  const kept: Record<string, unknown> = {}
  for (const field of KEPT) if (manifest[field] !== undefined) kept[field] = manifest[field]
  const exports: Record<string, { types: string; default: string }> = {}
  for (const [entry, target] of Object.entries(manifest.exports)) {
    const base = target.replace(/\.ts$/, '')
    exports[entry] = { types: `${base}.d.ts`, default: `${base}.js` }
  }
  return { ...kept, exports }
}

/** Whether `directory` holds a package this script wrote (its manifest names the .js). */
const isEarlierBuild = (directory: string): boolean => {
  try {
    const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as {
      name?: unknown
      exports?: Record<string, { default?: unknown }>
    }
    return manifest.name === 'nmfkit' && manifest.exports?.['.']?.default === './index.js'
  } catch {
    return false
  }
}

/** Why the build may not write to `directory`, or undefined when it may. */
const refusal = (directory: string): string | undefined => {
  const inside = relative(directory, root)
  if (inside === '' || !inside.startsWith('..')) {
    return `${directory} is the repository or holds it`
  }
  if (!existsSync(directory)) return undefined
  if (!statSync(directory).isDirectory()) return `${directory} is a file`
  if (readdirSync(directory).length === 0) return undefined
  if (isEarlierBuild(directory)) return undefined
  return `${directory} holds files that are not an earlier build of nmfkit`
}

/**
 * Builds the package into `directory` (see above); the reason when it does not. A failed
 * build leaves `directory` as it was.
 */
export const buildPackage = (directory: string): { ok: true } | { ok: false; report: string } => {
  const target = resolve(directory)
  const refused = refusal(target)
  if (refused !== undefined) return { ok: false, report: `refused to write there: ${refused}\n` }
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  // Built beside the target, then swapped in.
  mkdirSync(dirname(target), { recursive: true })
  const staging = mkdtempSync(join(dirname(target), '.nmfkit-build-'))
  const compiled = spawnSync(
    process.execPath,
    [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', staging],
    { encoding: 'utf8' },
  )
  if (compiled.status !== 0) {
    rmSync(staging, { recursive: true, force: true })
    return { ok: false, report: compiled.stdout + compiled.stderr }
  }
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest
  writeFileSync(
    join(staging, 'package.json'),
    `${JSON.stringify(packageManifest(manifest), null, 2)}\n`,
  )
  copyFileSync(join(root, 'cli', 'bin.js'), join(staging, 'cli', 'bin.js'))
  copyFileSync(join(root, 'README.md'), join(staging, 'README.md'))
  copyFileSync(join(root, 'LICENSE'), join(staging, 'LICENSE'))
  // mkdtemp makes the folder for its owner alone (0700); a package is for everyone to read.
  chmodSync(staging, 0o755)
  rmSync(target, { recursive: true, force: true })
  renameSync(staging, target)
  return { ok: true }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const directory = resolve(process.argv[2] ?? join(root, 'dist'))
  const built = buildPackage(directory)
  if (!built.ok) {
    process.stderr.write(`build failed: ${built.report}`)
    process.exit(1)
  }
  process.stdout.write(`wrote the package to ${directory}\n`)
}
