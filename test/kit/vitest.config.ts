// The kit run against broken solvers (test/kit/broken.kit.ts), for
// test/kit-messages.test.ts only: every test it runs is meant to fail.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/kit/*.kit.ts'],
    testTimeout: 60_000,
  },
})
