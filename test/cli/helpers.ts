/**
 * Running the `nmfkit` command in a child process, in a temporary folder, as a
 * user would: `node cli/bin.js ...` (the package's bin, through tsx).
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The launcher `npx nmfkit` runs. */
export const BIN = fileURLToPath(new URL('../../cli/bin.js', import.meta.url))

/** What a run of the command left behind. */
export interface Run {
  readonly status: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs `nmfkit ...args` in `cwd`; never rejects (the exit code is in the result). */
export const nmfkit = (cwd: string, ...args: string[]): Promise<Run> => nmfkitWith({}, cwd, ...args)

/** Runs `nmfkit ...args` in `cwd` with these environment variables added. */
export const nmfkitWith = (
  env: Readonly<Record<string, string>>,
  cwd: string,
  ...args: string[]
): Promise<Run> => spawnNmfkit(env, undefined, cwd, args)

/** Runs `nmfkit ...args` in `cwd` with `input` on its standard input. */
export const nmfkitWithStdin = (
  input: string | Uint8Array,
  cwd: string,
  ...args: string[]
): Promise<Run> => spawnNmfkit({}, input, cwd, args)

const spawnNmfkit = (
  env: Readonly<Record<string, string>>,
  input: string | Uint8Array | undefined,
  cwd: string,
  args: readonly string[],
): Promise<Run> =>
  new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
        resolve({ status, stdout, stderr })
      },
    )
    if (input !== undefined) child.stdin?.end(input)
  })

/** A new empty folder under the system's temporary folder. */
export const tempFolder = (): string => mkdtempSync(join(tmpdir(), 'nmfkit-cli-'))

/** Writes `files` (name → content) into `folder`. */
export const writeFiles = (
  folder: string,
  files: Readonly<Record<string, string | Uint8Array>>,
) => {
  for (const [name, content] of Object.entries(files)) writeFileSync(join(folder, name), content)
}

/** A deterministic non-negative rows×cols matrix (a small LCG), as nested arrays. */
export const sampleData = (rows: number, cols: number, seed = 1): number[][] => {
  let state = seed
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648
    return state / 2147483648
  }
  return Array.from({ length: rows }, () =>
    Array.from({ length: cols }, () => Math.round(next() * 1000) / 100),
  )
}
