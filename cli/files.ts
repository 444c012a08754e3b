/**
 * Output files, all or nothing: every file is first written in full under a
 * temporary name in its own folder, and only when all are written are they
 * renamed over their targets. A failed or interrupted run leaves the old files
 * as they were and no half-written new one (at worst a hidden `.*.tmp` file,
 * if the process is killed between the two steps).
 *
 * Only regular files are replaced that way. A target that is something else
 * (`/dev/null`, a named pipe, a terminal) is written in place, since renaming
 * over it would replace the device itself; a symbolic link is followed, so the
 * file it points to is replaced and the link stays.
 */
import { randomBytes } from 'node:crypto'
import {
  accessSync,
  constants,
  lstatSync,
  readlinkSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs'
import { basename, dirname, join, resolve, sep } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { internalError, usageError, type CliResult } from './errors.ts'

/** One output: a path (`-` for stdout) and its whole content. */
export interface OutputFile {
  readonly path: string
  readonly content: string | Uint8Array
}

/**
 * The file `path` names, whatever the spelling: the real path of the file where it exists
 * (through links), else of its folder, with its name.
 */
const identity = (path: string): string => {
  try {
    return realpathSync(path)
  } catch {
    try {
      return join(realpathSync(dirname(resolve(path))), basename(path))
    } catch {
      return resolve(path)
    }
  }
}

/**
 * An error when two outputs name the same file, or more than one goes to standard output
 * (`-`): one would overwrite or interleave with the other. `outputs` are [flag, path]
 * pairs, the path undefined for an output not asked for.
 */
export const distinctOutputs = (
  outputs: readonly (readonly [string, string | undefined])[],
): CliResult<void> => {
  const given = outputs.filter(
    (output): output is readonly [string, string] => output[1] !== undefined,
  )
  const byFile = new Map<string, string>()
  let toStdout: string | undefined
  for (const [flag, path] of given) {
    if (path === '-') {
      if (toStdout !== undefined) {
        return E.left(
          usageError(`options ${toStdout} and ${flag} both write to standard output ('-')`),
        )
      }
      toStdout = flag
      continue
    }
    const file = identity(path)
    const earlier = byFile.get(file)
    if (earlier !== undefined) {
      return E.left(usageError(`options ${earlier} and ${flag} both write to ${path}`))
    }
    byFile.set(file, flag)
  }
  return E.right(undefined)
}

/**
 * Checks, before any work, that `path` can be written: it names a file (not a folder, not
 * nothing), its folder exists, and this process may write there (or into the file, where
 * it is written in place). `flag` names the option in the message.
 */
export const checkOutputPath = (path: string, flag: string): CliResult<void> => {
  if (path === '-') return E.right(undefined)
  const refuse = (reason: string) => E.left(usageError(`option ${flag}: ${reason}`))
  if (path === '') return refuse('expected a file name, found an empty one')
  if (path.endsWith('/') || path.endsWith(sep)) {
    return refuse(`${path}: expected a file name, found a folder name (it ends in '${sep}')`)
  }
  const folder = dirname(path)
  const folderStat = statSync(folder, { throwIfNoEntry: false })
  if (folderStat === undefined) {
    return refuse(`${path}: expected an existing folder '${folder}', found none`)
  }
  if (!folderStat.isDirectory()) {
    return refuse(`${path}: expected '${folder}' to be a folder, found a file`)
  }
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory() === true) {
    return refuse(`${path}: expected a file name, found a folder`)
  }
  // A file is written beside its target and renamed over it: the folder must take it. A
  // device or pipe is written in place.
  const { target, mode } = writePlan(path)
  const place = mode === 'rename' ? dirname(target) : target
  try {
    accessSync(place, constants.W_OK)
  } catch {
    const what = mode === 'rename' ? `the folder '${place}'` : place
    return refuse(`${path}: cannot write to ${what} (permission denied)`)
  }
  return E.right(undefined)
}

/** The files this run has read, by real path: no output may overwrite one of them. */
const inputsRead = new Set<string>()

/** Records that `path` was read as an input (stdin, `-`, is not a file). */
export const rememberInput = (path: string): void => {
  if (path === '-') return
  try {
    inputsRead.add(realpathSync(path))
  } catch {
    // A path that cannot be resolved was not read either.
  }
}

/** Whether `target` (the end of an output's links) is a file this run has read. */
const isInput = (target: string): boolean => {
  try {
    return inputsRead.has(realpathSync(target))
  } catch {
    return false // a file that does not exist yet is no input
  }
}

/** Where the bytes for `path` go (the end of its chain of links), and how to write them. */
export const writePlan = (
  path: string,
): { readonly target: string; readonly mode: 'rename' | 'direct' } => {
  let target = path
  // A bounded walk: a cycle of links ends as a path that cannot be written, and fails there.
  for (let hop = 0; hop < 40; hop++) {
    if (lstatSync(target, { throwIfNoEntry: false })?.isSymbolicLink() !== true) break
    target = resolve(dirname(target), readlinkSync(target))
  }
  const stat = statSync(target, { throwIfNoEntry: false })
  return { target, mode: stat === undefined || stat.isFile() ? 'rename' : 'direct' }
}

const temporaryName = (path: string): string =>
  join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)

const removeQuietly = (path: string): void => {
  try {
    unlinkSync(path)
  } catch {
    // Already gone: nothing to clean up.
  }
}

/**
 * Writes every file under a temporary name, then renames them all over their
 * targets; `-` goes to stdout once the files are in place. A failed write
 * removes the temporary files and leaves the targets untouched.
 */
export const writeAll = (files: readonly OutputFile[]): CliResult<void> => {
  const staged: { readonly temporary: string; readonly path: string }[] = []
  const direct: OutputFile[] = []
  for (const file of files) {
    if (file.path !== '-' && isInput(writePlan(file.path).target)) {
      return E.left(
        usageError(
          `${file.path}: expected an output file other than this command's input, ` +
            `found the input itself (it would be overwritten)`,
        ),
      )
    }
  }
  // The output being written, for a message that names it rather than a temporary file.
  let writing = ''
  try {
    for (const file of files) {
      if (file.path === '-') continue
      writing = file.path
      const { target, mode } = writePlan(file.path)
      if (mode === 'direct') {
        direct.push({ path: target, content: file.content })
        continue
      }
      const temporary = temporaryName(target)
      staged.push({ temporary, path: target })
      writeFileSync(temporary, file.content, { flag: 'wx' })
    }
    for (const { temporary, path } of staged) {
      writing = path
      renameSync(temporary, path)
    }
    for (const { path, content } of direct) {
      writing = path
      writeFileSync(path, content)
    }
  } catch (error) {
    for (const { temporary } of staged) removeQuietly(temporary)
    const { code, message } = error as NodeJS.ErrnoException
    const reason =
      code === 'EACCES' ? 'permission denied' : code === 'ENOSPC' ? 'disk full' : message
    return E.left(internalError(`could not write ${writing}: ${reason}`))
  }
  for (const file of files) if (file.path === '-') process.stdout.write(file.content)
  return E.right(undefined)
}
