/**
 * Output files, all or nothing: every file is first written in full under a
 * temporary name in its own folder, and only when all are written are they
 * renamed over their targets. A failed or interrupted run leaves the old files
 * as they were and no half-written new one (at worst a hidden `.nmfkit-*.tmp`
 * file, if the process is killed between the two steps).
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
import { outputError, usageError, type CliResult } from './errors.ts'

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
  try {
    return checkWritable(path, refuse)
  } catch (error) {
    // The system refused even to look (a name too long, a loop of links): the same words
    // as a refused write.
    return refuse(`${path}: cannot write it (${writeFailure(error)})`)
  }
}

/** The checks of `checkOutputPath`, which may throw where the system refuses a look-up. */
const checkWritable = (
  path: string,
  refuse: (reason: string) => CliResult<void>,
): CliResult<void> => {
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

/**
 * Where the bytes for `path` go, and how: a regular file, or a new one, is written beside
 * the end of its chain of links and renamed over it; anything else in place.
 */
export const writePlan = (
  path: string,
): { readonly target: string; readonly mode: 'rename' | 'direct' } => {
  // Whatever is not a regular file is written in place, through the path as given: the
  // system's own links (/dev/stdout, the /dev/fd/63 of a process substitution `>(…)`) end
  // at a pipe or a terminal whose link text (`pipe:[123]`) names no file, so only a look
  // through them (stat follows every link) finds what they are.
  const stat = statSync(path, { throwIfNoEntry: false })
  if (stat !== undefined && !stat.isFile()) return { target: path, mode: 'direct' }
  let target = path
  // A bounded walk: a cycle of links ends as a path that cannot be written, and fails there.
  for (let hop = 0; hop < 40; hop++) {
    if (lstatSync(target, { throwIfNoEntry: false })?.isSymbolicLink() !== true) break
    target = resolve(dirname(target), readlinkSync(target))
  }
  return { target, mode: 'rename' }
}

/**
 * A temporary name beside `path`, of a short fixed length: a name made longer than the
 * output's own could pass the system's limit (255 bytes) when the output's does not.
 */
const temporaryName = (path: string): string =>
  join(dirname(path), `.nmfkit-${process.pid}-${randomBytes(4).toString('hex')}.tmp`)

/** Why the system refused a write, in words, without the (temporary) path it names. */
const writeFailure = (error: unknown): string => {
  const { code, message } = error as NodeJS.ErrnoException
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'ENOSPC':
      return 'disk full'
    case 'EDQUOT':
      return 'disk quota exceeded'
    case 'ENAMETOOLONG':
      return 'file name too long'
    case 'EROFS':
      return 'read-only file system'
    default:
      // Node's words without the path: `ENOENT: no such file or directory, open '…'`.
      return String(message)
        .replace(/^[A-Z]+: /, '')
        .replace(/, \w+ '.*'$/, '')
  }
}

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
  // Each with the output's name as given, for a message that names it (not its
  // temporary file, nor the end of its links).
  const staged: { readonly temporary: string; readonly target: string; readonly output: string }[] =
    []
  const direct: {
    readonly target: string
    readonly output: string
    readonly content: string | Uint8Array
  }[] = []
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
  // The output being written, named in the message if the system refuses it.
  let writing = ''
  try {
    for (const file of files) {
      if (file.path === '-') continue
      writing = file.path
      const { target, mode } = writePlan(file.path)
      if (mode === 'direct') {
        direct.push({ target, output: file.path, content: file.content })
        continue
      }
      const temporary = temporaryName(target)
      staged.push({ temporary, target, output: file.path })
      writeFileSync(temporary, file.content, { flag: 'wx' })
    }
    for (const { temporary, target, output } of staged) {
      writing = output
      renameSync(temporary, target)
    }
    for (const { target, output, content } of direct) {
      writing = output
      writeFileSync(target, content)
    }
  } catch (error) {
    for (const { temporary } of staged) removeQuietly(temporary)
    return E.left(outputError(writing, `cannot write it (${writeFailure(error)})`))
  }
  for (const file of files) if (file.path === '-') process.stdout.write(file.content)
  return E.right(undefined)
}
