/**
 * The `nmfkit` command: `nmfkit <command> [options]`. Each command returns a
 * `CliResult`; a failure is printed as one line on stderr,
 * `nmfkit <command>: <what is wrong>`, and sets the exit code (2 for bad usage,
 * bad input or a refused write, 1 for an internal failure). A command writes its
 * files only when everything before succeeded.
 */
// First, before the commands load nmfkit: an NMFKIT_KERNELS that nmfkit would refuse when
// it loads is taken out of the environment, for the commands to refuse (not help, version).
import './environment.ts'
import * as E from 'fp-ts/lib/Either.js'
import { runCompare } from './commands/compare.ts'
import { runFit } from './commands/fit.ts'
import { runInfo } from './commands/info.ts'
import { runShow } from './commands/show.ts'
import { runTransform } from './commands/transform.ts'
import { exitCode, internalError, quotedToken, usageError, type CliResult } from './errors.ts'
import { escapeControls } from '../core/display.ts'
import { writeFailure } from './files.ts'
import { packageVersion } from './version.ts'

/** The commands; those that write files finish asynchronously (see `writeAll`). */
const commands: Readonly<
  Record<string, (args: string[]) => CliResult<void> | Promise<CliResult<void>>>
> = {
  fit: runFit,
  transform: runTransform,
  compare: runCompare,
  info: runInfo,
  show: runShow,
}

const usage = `usage: nmfkit <command> [options]

Non-negative matrix factorization, X ≈ W·H with W, H ≥ 0, on files: CSV or TSV,
Matrix Market (.mtx), NumPy (.npy), JSON; any of them gzipped.

Commands:
  fit INPUT -k K         factorize INPUT; write the model, W and H, a convergence plot
  transform INPUT --model MODEL
                         W for new data, with the model's H fixed
  compare A B            compare two models (fits of the same data)
  info INPUT             shape, non-zeros, value range, what a fit needs
  show MODEL -o FILE     the components as a grid of small images (.svg or .png)

Run 'nmfkit <command> --help' (or 'nmfkit help <command>') for a command's options,
'nmfkit --version' for the version.
`

/** Runs the command line `args` (without node and the script); returns the exit code. */
export const main = async (args: readonly string[]): Promise<number> => {
  const [name, ...rest] = args
  if (name === '--version' || name === '-V') {
    // Nothing follows it: an argument after it would be ignored, so it is refused.
    if (rest.length > 0) {
      process.stderr.write(
        `nmfkit: option ${name}: expected nothing after it, found ${quotedToken(rest[0])}\n`,
      )
      return 2
    }
    process.stdout.write(`nmfkit ${packageVersion()}\n`)
    return 0
  }
  // `nmfkit help fit` is `nmfkit fit --help`; `nmfkit help` alone, the general help.
  if (name === 'help' && rest.length > 0) return main([rest[0], '--help'])
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage)
    return 0
  }
  if (name === undefined) {
    const names = Object.keys(commands).join(', ')
    process.stderr.write(`nmfkit: expected a command, one of ${names} (see nmfkit --help)\n`)
    return 2
  }
  const command = commands[name]
  let result: CliResult<void>
  // A command's failures are values; one it throws is a bug, with its stack for NMFKIT_DEBUG.
  let stack: string | undefined
  try {
    result =
      command === undefined
        ? E.left(
            usageError(
              `unknown command ${quotedToken(name)}: expected one of ` +
                `${Object.keys(commands).join(', ')} ` +
                '(see nmfkit --help)',
            ),
          )
        : await command(rest)
  } catch (error) {
    stack = error instanceof Error ? (error.stack ?? error.message) : String(error)
    result = E.left(internalError(stack.split('\n')[0]))
  }
  if (E.isLeft(result)) {
    const prefix = command === undefined ? 'nmfkit' : `nmfkit ${name}`
    // One line, whatever a message missed of the user's text (a value the library shows).
    process.stderr.write(`${prefix}: ${escapeControls(result.left.message)}\n`)
    if (stack !== undefined && process.env.NMFKIT_DEBUG !== undefined) {
      process.stderr.write(`${stack}\n`)
    }
    return exitCode(result.left)
  }
  return 0
}

// A reader that stops early (`nmfkit fit X.csv -k 2 | head`) closes the pipe: the rest of
// the output is not wanted, so the command ends quietly, as other tools on a pipe do. The
// same for stderr (progress lines piped into `head`). A command still writing its files
// (asynchronously: see writeAll) finishes them first.
let running = true
let pipeClosed = false
// Any other refusal of standard output (a full disk behind `> model.json`) loses what was
// written there, as a refused -o does: one line on stderr and exit code 2, whenever the
// refusal comes (the write to a file fails after the command has returned). One of stderr,
// which holds only messages and progress, is let go: the outputs themselves were written.
let stdoutRefused = false
const exitQuietly = () => process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0)
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') {
      pipeClosed = true
      if (!running) exitQuietly()
      return
    }
    if (stream !== process.stdout) return
    process.exitCode = 2
    if (stdoutRefused) return
    stdoutRefused = true
    const name = process.argv[2]
    const prefix = name !== undefined && Object.hasOwn(commands, name) ? `nmfkit ${name}` : 'nmfkit'
    process.stderr.write(`${prefix}: standard output: cannot write it (${writeFailure(error)})\n`)
  })
}

const code = await main(process.argv.slice(2))
process.exitCode = stdoutRefused ? 2 : code
running = false
if (pipeClosed) exitQuietly()
