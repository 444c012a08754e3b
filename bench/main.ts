/**
 * The entry of `npm run bench`, which runs bench/run.ts. nmfkit reads NMFKIT_KERNELS when
 * it loads, so this is settled first: `--kernels` wins over the variable (and the children
 * inherit it), and a value nmfkit does not know, in the flag or else in the variable, ends
 * the run with one line that names it, not with a stack trace from loading.
 */
const PATHS = ['auto', 'reference', 'wasm']

const flag = process.argv.findIndex((arg) => arg === '--kernels' || arg.startsWith('--kernels='))
if (flag >= 0) {
  const arg = process.argv[flag]
  const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : process.argv[flag + 1]
  if (value === undefined || !PATHS.includes(value)) {
    // The flag is wrong, whatever the variable says: name the flag.
    console.error(`error: --kernels: expected auto, reference or wasm, found '${value ?? ''}'`)
    process.exit(1)
  }
  process.env.NMFKIT_KERNELS = value
}
const fromEnvironment = process.env.NMFKIT_KERNELS
if (fromEnvironment !== undefined && fromEnvironment !== '' && !PATHS.includes(fromEnvironment)) {
  console.error(
    `error: NMFKIT_KERNELS must be 'auto', 'reference' or 'wasm' (or unset), ` +
      `found ${JSON.stringify(fromEnvironment)}`,
  )
  process.exit(1)
}
await import('./run.ts')
