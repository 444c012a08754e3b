#!/usr/bin/env node
// The `nmfkit` executable. Next to a compiled main.js (in the package `npm run build`
// writes) it runs that; in the repository it registers tsx's loader and runs main.ts.
/* global process, URL */
import { existsSync } from 'node:fs'

try {
  if (existsSync(new URL('./main.js', import.meta.url))) {
    await import('./main.js')
  } else {
    const { register } = await import('tsx/esm/api')
    register()
    await import('./main.ts')
  }
} catch (error) {
  // Loading failed before the command could run. (An NMFKIT_KERNELS that nmfkit does not
  // know, which made nmfkit fail to load, main.ts settles before: see environment.ts.)
  process.stderr.write(`nmfkit: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 2
}
