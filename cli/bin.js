#!/usr/bin/env node
// The `nmfkit` executable: registers tsx's loader, then runs the TypeScript entry point.
import { register } from 'tsx/esm/api'

register()
await import('./main.ts')
