/**
 * The entry of `npm run bench`, which runs bench/run.ts. nmfkit reads NMFKIT_KERNELS when
 * it loads, so `--kernels` is settled first, to the rules the `nmfkit` command keeps
 * (cli/environment.ts): a valid flag wins over the variable (and the children inherit it);
 * an invalid one clears the variable, so that bench/run.ts's own check names the flag. A
 * variable nmfkit does not know ends the run with nmfkit's one line, not a stack trace.
 */
import { isKernelPath } from '../core/kernel-paths.ts'

const flag = process.argv.findIndex((arg) => arg === '--kernels' || arg.startsWith('--kernels='))
if (flag >= 0) {
  const arg = process.argv[flag]
  const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : process.argv[flag + 1]
  if (isKernelPath(value)) process.env.NMFKIT_KERNELS = value
  else delete process.env.NMFKIT_KERNELS
}

try {
  await import('./run.ts')
} catch (error) {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
