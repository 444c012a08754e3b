#!/usr/bin/env node
// The `nmfkit` executable: registers tsx's loader, then runs the TypeScript entry point.
/* global process */
import { register } from 'tsx/esm/api'

register()
try {
  await import('./main.ts')
} catch (error) {
  // Loading failed before the command could run (e.g. NMFKIT_KERNELS is not a known path).
  process.stderr.write(`nmfkit: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 2
}
