#!/usr/bin/env node
// The `nmfkit` executable. Next to a compiled main.js (in the package `npm run build`
// writes) it runs that; in the repository it registers tsx's loader and runs main.ts.
/* global process, URL */
import { existsSync } from 'node:fs'

// A valid --kernels wins over NMFKIT_KERNELS, which the library reads when it loads.
const flag = process.argv.findIndex((arg) => arg === '--kernels' || arg.startsWith('--kernels='))
if (flag >= 0) {
  const arg = process.argv[flag]
  const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : process.argv[flag + 1]
  if (['auto', 'reference', 'wasm'].includes(value)) process.env.NMFKIT_KERNELS = value
}

try {
  if (existsSync(new URL('./main.js', import.meta.url))) {
    await import('./main.js')
  } else {
    const { register } = await import('tsx/esm/api')
    register()
    await import('./main.ts')
  }
} catch (error) {
  // Loading failed before the command could run (e.g. NMFKIT_KERNELS is not a known path).
  process.stderr.write(`nmfkit: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 2
}
