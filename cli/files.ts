/**
 * Output files, as near all or nothing as renames allow: every file is first
 * written in full under a temporary name in its own folder, devices and pipes
 * are written next, and only when all are written are the files renamed over
 * their targets, one by one. A failed write leaves the old files as they were
 * and no half-written new one; so does SIGINT or SIGTERM while they are written,
 * which removes the temporary files before the process ends by the signal (only
 * SIGKILL, which nothing can catch, leaves a hidden `.nmfkit-*.tmp` file); a
 * rename refused after others succeeded leaves those done. A replaced file keeps
 * its permission bits, but not its owner or its hard links: the rename puts a new
 * file in its place.
 *
 * Only regular files are replaced that way. A target that is something else
 * (`/dev/null`, a named pipe, a terminal) is written in place, since renaming
 * over it would replace the device itself; a symbolic link is followed, so the
 * file it points to is replaced and the link stays. The system's names of file
 * descriptors are not opened: /dev/stdout, /dev/fd/1 and /proc/self/fd/1 are
 * standard output, as `-` is, /dev/stderr and the like standard error, and any
 * other descriptor (/dev/fd/7, a `>(…)`) is refused, since it cannot be told
 * from the ones Node opens for itself.
 */
import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import {
  accessSync,
  chmodSync,
  constants,
  lstatSync,
  readlinkSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
} from 'node:fs'
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import {
  fileName,
  outputError,
  quotedFileName,
  usageError,
  type CliError,
  type CliResult,
} from './errors.ts'

/**
 * One output: a path (`-` for stdout), its whole content, and where its bytes go when
 * `checkOutputPath` has worked that out (`writeAll` works it out otherwise).
 */
export interface OutputFile {
  readonly path: string
  readonly content: string | Uint8Array
  readonly plan?: WritePlan
}

/** An output path that `checkOutputPath` has checked, with where its bytes go. */
export interface CheckedOutput {
  readonly path: string
  readonly plan: WritePlan
}

/**
 * The real path of `path`, as the system resolves it: Node's own `realpathSync` folds
 * `linked/..` to `.` by the spelling, before it follows any link.
 */
const realPath = (path: string): string => realpathSync.native(path)

/**
 * `name` in `folder`, spelled as given: no `..` is folded into the folder before it, which
 * after a linked folder names the parent of where the link leads, as the system reads it
 * (`path.join` would fold `linked/..` to nothing).
 */
const within = (folder: string, name: string): string =>
  folder === '.' ? name : folder.endsWith(sep) ? `${folder}${name}` : `${folder}${sep}${name}`

/** Where the symbolic link `link` points: its target, relative to the link's folder. */
const linkTarget = (link: string): string => {
  const target = readlinkSync(link)
  return isAbsolute(target) ? target : within(dirname(link), target)
}

/**
 * The file `path` names, whatever the spelling: the real path of the file where it exists
 * (through links), else of its folder, with its name.
 */
const identity = (path: string): string => {
  try {
    return realPath(path)
  } catch {
    try {
      return join(realPath(dirname(path)), basename(path))
    } catch {
      return resolve(path)
    }
  }
}

/**
 * The file a plan writes its bytes to, whatever the spelling. A regular file (or a new one)
 * is the end of the output's links, as `filePlan` followed them, a dangling link too: its
 * `identity`. Its other hard links are not: the rename gives the name a new file, and the
 * other names keep the old one. A device or pipe, written in place, is its inode, which
 * every name of it shares; a descriptor (which `checkOutputPath` refuses), its number.
 */
const destination = (plan: Exclude<WritePlan, { readonly mode: 'stdout' | 'stderr' }>): string => {
  if (plan.mode === 'descriptor') return `descriptor ${plan.pid}:${plan.fd}`
  const stat = plan.mode === 'direct' ? statSync(plan.target, { throwIfNoEntry: false }) : undefined
  return stat === undefined ? identity(plan.target) : `inode ${stat.dev}:${stat.ino}`
}

/**
 * An error when two outputs name the same file (through links or not; /dev/null, which
 * keeps nothing, excepted), or more than one goes to standard output (`-`, /dev/stdout)
 * or to standard error: one would overwrite or interleave with the other. `outputs` are
 * [flag, output] pairs, as `checkOutputPath` checked them, the output undefined for one
 * not asked for.
 */
export const distinctOutputs = (
  outputs: readonly (readonly [string, CheckedOutput | undefined])[],
): CliResult<void> => {
  const given = outputs.filter(
    (output): output is readonly [string, CheckedOutput] => output[1] !== undefined,
  )
  const byFile = new Map<string, string>()
  const toStream = new Map<string, string>()
  for (const [flag, { path, plan }] of given) {
    if (isStandardStream(plan)) {
      const earlier = toStream.get(plan.mode)
      if (earlier !== undefined) {
        const name = plan.mode === 'stdout' ? "standard output ('-')" : 'standard error'
        return E.left(usageError(`options ${earlier} and ${flag} both write to ${name}`))
      }
      toStream.set(plan.mode, flag)
      continue
    }
    // The null device keeps nothing: any number of outputs may go there.
    if (isNullDevice(path)) continue
    const file = destination(plan)
    const earlier = byFile.get(file)
    if (earlier !== undefined) {
      return E.left(usageError(`options ${earlier} and ${flag} both write to ${fileName(path)}`))
    }
    byFile.set(file, flag)
  }
  return E.right(undefined)
}

/**
 * Checks, before any work, that `path` can be written: it names a file (not a folder, not
 * nothing), its folder exists, and this process may write there (or into the file, where
 * it is written in place). `flag` names the option in the message. The output comes back
 * with its `WritePlan`, for the command to pass along to `distinctOutputs` and `writeAll`
 * rather than work it out again.
 */
export const checkOutputPath = (path: string, flag: string): CliResult<CheckedOutput> => {
  const refuse = (reason: string) => E.left(usageError(`option ${flag}: ${reason}`))
  try {
    const plan = checkWritable(path, flag, refuse)
    return E.isLeft(plan) ? plan : E.right({ path, plan: plan.right })
  } catch (error) {
    // The system refused even to look (a name too long, a loop of links): the same words
    // as a refused write.
    return refuse(`${fileName(path)}: cannot write it (${writeFailure(error)})`)
  }
}

/**
 * The checks of `checkOutputPath`, and the plan they find; may throw where the system
 * refuses a look-up.
 */
const checkWritable = (
  path: string,
  flag: string,
  refuse: (reason: string) => CliResult<never>,
): CliResult<WritePlan> => {
  if (path === '') return refuse('expected a file name, found an empty one')
  const name = fileName(path)
  if (path.endsWith('/') || path.endsWith(sep)) {
    return refuse(`${name}: expected a file name, found a folder name (it ends in '${sep}')`)
  }
  // Before the folder's checks: another process's /proc/PID/fd may not be looked into.
  const stream = streamPlan(path)
  if (stream?.mode === 'descriptor')
    return E.left(usageError(descriptorRefusal(path, stream, flag)))
  if (stream !== undefined) return E.right(stream)
  const folder = dirname(path)
  const folderStat = statSync(folder, { throwIfNoEntry: false })
  if (folderStat === undefined) {
    return refuse(`${name}: expected an existing folder ${quotedFileName(folder)}, found none`)
  }
  if (!folderStat.isDirectory()) {
    return refuse(`${name}: expected ${quotedFileName(folder)} to be a folder, found a file`)
  }
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory() === true) {
    return refuse(`${name}: expected a file name, found a folder`)
  }
  // A file is written beside its target and renamed over it: the folder must take it. A
  // device or pipe is written in place.
  const plan = filePlan(path)
  const place = plan.mode === 'rename' ? dirname(plan.target) : plan.target
  try {
    accessSync(place, constants.W_OK)
  } catch (error) {
    // The folder of `path` exists (checked above): one that does not is where a link leads.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return refuse(
        `${name}: expected an existing folder ${quotedFileName(place)} (where its link ` +
          'leads), found none',
      )
    }
    // Said as the system says it: not only a permission (a read-only file system, a file
    // where the link's folder should be).
    const what = plan.mode === 'rename' ? `the folder ${quotedFileName(place)}` : fileName(place)
    return refuse(`${name}: cannot write to ${what} (${writeFailure(error)})`)
  }
  return E.right(plan)
}

/** The files this run has read, by real path: no output may overwrite one of them. */
const inputsRead = new Set<string>()

/** Records that `path` was read as an input (stdin, `-`, is not a file). */
export const rememberInput = (path: string): void => {
  if (path === '-') return
  try {
    inputsRead.add(realPath(path))
  } catch {
    // A path that cannot be resolved was not read either.
  }
}

/** Whether `target` (the end of an output's links) is a file this run has read. */
const isInput = (target: string): boolean => {
  try {
    return inputsRead.has(realPath(target))
  } catch {
    return false // a file that does not exist yet is no input
  }
}

/** The refusal of an output, `path` as given, whose file is one this run has read. */
const inputOverwritten = (path: string): CliError =>
  usageError(
    `${fileName(path)}: expected an output file other than this command's input, ` +
      `found the input itself (it would be overwritten)`,
  )

/**
 * An error when one of `outputs` (as `checkOutputPath` checked them; undefined for one not
 * asked for) would overwrite a file this run has read, as `writeAll` refuses it. A command
 * asks once its inputs are read and before its work, so that a long fit is not run for
 * outputs that `writeAll` would then refuse.
 */
export const overwritesNoInput = (
  outputs: readonly (CheckedOutput | undefined)[],
): CliResult<void> => {
  for (const output of outputs) {
    if (output === undefined) continue
    const { path, plan } = output
    if ((plan.mode === 'direct' || plan.mode === 'rename') && isInput(plan.target)) {
      return E.left(inputOverwritten(path))
    }
  }
  return E.right(undefined)
}

/**
 * Where the bytes of an output go: a standard stream (`-` and the system's names for it), a
 * file descriptor path that is refused, a device or pipe written in place, or a regular
 * file (or a new one) written beside its target and renamed over it.
 */
export type WritePlan =
  | { readonly mode: 'stdout' }
  | { readonly mode: 'stderr' }
  | { readonly mode: 'descriptor'; readonly fd: number; readonly pid: number }
  | { readonly mode: 'direct'; readonly target: string }
  | { readonly mode: 'rename'; readonly target: string }

/**
 * A path into a process's table of open files: /proc/PID/fd/N and /proc/PID/task/TID/fd/N,
 * as /proc/self, /proc/thread-self and /dev/fd spell them once their folder is resolved.
 */
const descriptorPattern = /^\/proc\/(\d+)(?:\/task\/\d+)?\/fd\/(\d+)$/

/** A file descriptor of a process. */
interface Descriptor {
  readonly fd: number
  readonly pid: number
}

/**
 * The descriptor that `path`, or a link on its way, names (`/dev/stdout`, `/dev/fd/7`, a
 * link to `/proc/self/fd/3`), else undefined (also where the system refuses to look: the
 * path is then no descriptor's). Only the folders are resolved: the last link, in /proc,
 * would lead to the open file itself, which names no descriptor.
 */
const descriptorOf = (path: string): Descriptor | undefined => {
  try {
    // Made absolute without folding a `..`: after a linked folder it names the parent of
    // where the link leads, which the system's realpath of the folder finds.
    let hop = isAbsolute(path) ? path : within(process.cwd(), path)
    // A bounded walk, as writePlan's: a cycle of links names no descriptor.
    for (let step = 0; step < 40; step++) {
      let folder = dirname(hop)
      try {
        folder = realPath(folder)
      } catch {
        // A folder that does not resolve holds no descriptor, unless spelled /dev/fd.
      }
      const spelled = within(folder, basename(hop))
      const inProc = descriptorPattern.exec(spelled)
      if (inProc !== null) return { pid: Number(inProc[1]), fd: Number(inProc[2]) }
      // Systems whose /dev/fd is a folder of its own rather than a link into /proc.
      const inDev = /^\/dev\/fd\/(\d+)$/.exec(spelled)
      if (inDev !== null) return { pid: process.pid, fd: Number(inDev[1]) }
      if (lstatSync(hop, { throwIfNoEntry: false })?.isSymbolicLink() !== true) return undefined
      hop = linkTarget(hop)
    }
  } catch {
    // The system refused a look-up (a name too long, a folder not to be read).
  }
  return undefined
}

/**
 * Which of this process's standard descriptors, 0 (input), 1 (output) or 2 (error), is the
 * one `descriptorOf` found a path to name, else undefined. The commands' `-` is no path
 * here: it is standard input to a reader and standard output to a writer.
 */
const standardOf = (descriptor: Descriptor | undefined): 0 | 1 | 2 | undefined => {
  if (descriptor?.pid !== process.pid) return undefined
  const { fd } = descriptor
  return fd === 0 || fd === 1 || fd === 2 ? fd : undefined
}

/** The plan of `path` when it names a standard stream or another descriptor, else undefined. */
const streamPlan = (path: string): WritePlan | undefined => {
  if (path === '-') return { mode: 'stdout' }
  const descriptor = descriptorOf(path)
  if (descriptor === undefined) return undefined
  const standard = standardOf(descriptor)
  if (standard === 1) return { mode: 'stdout' }
  if (standard === 2) return { mode: 'stderr' }
  return { mode: 'descriptor', ...descriptor }
}

/**
 * Where the bytes for `path` go, and how (see `WritePlan`). A descriptor path is never
 * opened: Node keeps pipes and event descriptors of its own at low numbers, which a path
 * such as /dev/fd/7 reaches as well as one the shell gave (`7>file`, `>(…)`), and writing
 * into one of Node's crashes the process or loses the output. Only 1 and 2, which the shell
 * always gives, are written, as the standard streams they are.
 */
export const writePlan = (path: string): WritePlan => streamPlan(path) ?? filePlan(path)

/** How a path that names no stream is written: in place, or beside its target and renamed. */
const filePlan = (path: string): Extract<WritePlan, { readonly target: string }> => {
  // Whatever is not a regular file (/dev/null, a named pipe, a terminal) is written in
  // place, through the path as given.
  const stat = statSync(path, { throwIfNoEntry: false })
  if (stat !== undefined && !stat.isFile()) return { target: path, mode: 'direct' }
  let target = path
  // A bounded walk: a cycle of links ends as a path that cannot be written, and fails there.
  for (let hop = 0; hop < 40; hop++) {
    if (lstatSync(target, { throwIfNoEntry: false })?.isSymbolicLink() !== true) break
    target = linkTarget(target)
  }
  return { target, mode: 'rename' }
}

/**
 * Whether `path` is the null device (/dev/null, or a link to it): an output that keeps
 * nothing, so its name need not tell a format; the commands write it in the format they
 * write by default (the one of `-`), as `fit -o /dev/null` writes the model there.
 */
export const isNullDevice = (path: string): boolean => {
  try {
    return realPath(path) === '/dev/null'
  } catch {
    return false
  }
}

/** Whether `path` reads standard input: `-`, or /dev/stdin and the system's other names of it. */
export const isStandardInput = (path: string): boolean =>
  path === '-' || standardOf(descriptorOf(path)) === 0

/**
 * Whether `path` names standard output or error (`-`, /dev/stdout, /dev/fd/2, ...), which
 * `writeAll` writes as it writes `-`. It never throws: a path the system refuses to look up
 * names no stream (`checkOutputPath` says what is wrong with it).
 */
const isStandardStreamPath = (path: string): boolean => {
  const plan = streamPlan(path)
  return plan !== undefined && isStandardStream(plan)
}

/**
 * Whether an output has no name to tell its format by and takes that of `-`: a standard
 * stream (`-`, /dev/stdout, /dev/fd/2, ...) or /dev/null (which keeps nothing).
 */
export const writtenAsStream = (path: string): boolean =>
  isStandardStreamPath(path) || isNullDevice(path)

/** Whether a plan writes to standard output or error (`-`, /dev/stdout, /dev/fd/2, ...). */
export const isStandardStream = (
  plan: WritePlan,
): plan is Extract<WritePlan, { readonly mode: 'stdout' | 'stderr' }> =>
  plan.mode === 'stdout' || plan.mode === 'stderr'

/**
 * The refusal of a descriptor path, the value of `flag` (or of no flag): why, and what to
 * write instead.
 */
const descriptorRefusal = (
  path: string,
  { fd, pid }: { readonly fd: number; readonly pid: number },
  flag?: string,
): string => {
  const redirect = pid === process.pid ? `>&${fd}` : '>FILE'
  const instead =
    flag === undefined
      ? `write to standard output ('-') and redirect it instead`
      : `write to standard output and redirect it instead: ${flag} - ${redirect}, ` +
        `or ${flag} - | COMMAND for >(COMMAND)`
  const found =
    pid === process.pid
      ? `file descriptor ${fd}, which cannot be told from the ones Node opens for itself ` +
        `(only 1 and 2 are written)`
      : `file descriptor ${fd} of another process (${pid})`
  const option = flag === undefined ? '' : `option ${flag}: `
  return `${option}${fileName(path)}: expected a file, found ${found}; ${instead}`
}

/**
 * A temporary name beside `path`, of a short fixed length: a name made longer than the
 * output's own could pass the system's limit (255 bytes) when the output's does not.
 */
const temporaryName = (path: string): string =>
  within(dirname(path), `.nmfkit-${process.pid}-${randomBytes(4).toString('hex')}.tmp`)

/** Why the system refused a write (or a read), in words, without the path it names. */
export const writeFailure = (error: unknown): string => {
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

/**
 * Writes `content` to `temporary` with the permission bits of the file it will replace,
 * if there is one: a 600 file stays 600, and its new content is never wider, even for a
 * moment (the file is created with those bits, then given them exactly, past the umask).
 * Not the set-user-ID, set-group-ID and sticky bits (the new file is this user's, whoever
 * owned the old one), nor the owner or the hard links, which a rename cannot keep.
 */
const writeTemporary = async (
  temporary: string,
  target: string,
  content: string | Uint8Array,
): Promise<void> => {
  const replaced = statSync(target, { throwIfNoEntry: false })
  const bits = (replaced?.mode ?? 0o666) & 0o777
  await writeFile(temporary, content, { flag: 'wx', mode: bits & 0o666 })
  if (replaced === undefined) return
  try {
    chmodSync(temporary, bits)
  } catch (error) {
    // A file system without permission bits (vfat, some network mounts) refuses chmod:
    // the written file is still right.
    const { code } = error as NodeJS.ErrnoException
    if (code !== 'EPERM' && code !== 'ENOTSUP') throw error
  }
}

const removeQuietly = (path: string): void => {
  try {
    unlinkSync(path)
  } catch {
    // Already gone: nothing to clean up.
  }
}

/** The temporary files of the outputs being written, which a signal removes. */
const temporaries = new Set<string>()

/**
 * On SIGINT or SIGTERM while outputs are written: the temporary files are removed, then the
 * signal is raised again with its default action, so that the process ends by it as it would
 * have (a shell says 130 or 143) and a script that runs the command stops too.
 */
const onSignal = (signal: NodeJS.Signals): void => {
  for (const temporary of temporaries) removeQuietly(temporary)
  temporaries.clear()
  process.off('SIGINT', onSignal)
  process.off('SIGTERM', onSignal)
  process.kill(process.pid, signal)
}

/**
 * Catches SIGINT and SIGTERM from here on, for `onSignal`. Only while outputs are written:
 * the fit before runs without a pause for the event loop, where a handler could not run, so
 * a signal must end it as it does by default.
 */
const catchSignals = (): void => {
  if (process.listeners('SIGINT').includes(onSignal)) return
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
}

/**
 * Writes every output, in this order: regular files under temporary names, devices and
 * pipes in place, the temporary files renamed over their targets one by one, and last the
 * standard streams. A write refused before the renames removes the temporary files and
 * leaves every regular target as it was; a rename refused after others succeeded (in a
 * sticky folder, say) leaves those done, since a rename cannot be undone. The writes are
 * asynchronous, so that SIGINT or SIGTERM is handled while they run (a pipe with no reader
 * yet can take any time): it removes the temporary files (see `onSignal`).
 */
export const writeAll = async (files: readonly OutputFile[]): Promise<CliResult<void>> => {
  // Each with the output's name as given, for a message that names it (not its
  // temporary file, nor the end of its links).
  const staged: {
    readonly target: string
    readonly output: string
    readonly content: string | Uint8Array
    readonly temporary: string
  }[] = []
  const direct: {
    readonly target: string
    readonly output: string
    readonly content: string | Uint8Array
  }[] = []
  const streamed: { readonly stream: NodeJS.WriteStream; readonly content: string | Uint8Array }[] =
    []
  for (const file of files) {
    const plan = file.plan ?? writePlan(file.path)
    if (isStandardStream(plan)) {
      const stream = plan.mode === 'stdout' ? process.stdout : process.stderr
      streamed.push({ stream, content: file.content })
      continue
    }
    if (plan.mode === 'descriptor') {
      // The commands refuse these before any work (checkOutputPath); never opened here.
      return E.left(usageError(descriptorRefusal(file.path, plan)))
    }
    if (isInput(plan.target)) return E.left(inputOverwritten(file.path))
    const output = { target: plan.target, output: file.path, content: file.content }
    if (plan.mode === 'direct') direct.push(output)
    else staged.push({ ...output, temporary: temporaryName(plan.target) })
  }
  // The output being written, named in the message if the system refuses it.
  let writing = ''
  if (staged.length + direct.length > 0) catchSignals()
  try {
    for (const { temporary, target, output, content } of staged) {
      writing = output
      temporaries.add(temporary)
      await writeTemporary(temporary, target, content)
    }
    // Devices and pipes before any rename: a refused one (/dev/full) leaves every
    // regular file as it was.
    for (const { target, output, content } of direct) {
      writing = output
      await writeFile(target, content)
    }
    for (const { temporary, target, output } of staged) {
      writing = output
      renameSync(temporary, target)
      temporaries.delete(temporary)
    }
  } catch (error) {
    for (const { temporary } of staged) {
      removeQuietly(temporary)
      temporaries.delete(temporary)
    }
    return E.left(outputError(writing, `cannot write it (${writeFailure(error)})`))
  }
  for (const { stream, content } of streamed) stream.write(content)
  return E.right(undefined)
}
