// `npm run test:fuzz`: the conformance laws with many more cases than CI runs. The seed is
// fixed (testing/budget.ts); NMFKIT_FUZZ_RUNS, NMFKIT_FUZZ_SEED and NMFKIT_FUZZ_PATH change
// the number of cases per law, the seed, and replay one failing case.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/laws.test.ts'],
    testTimeout: 60 * 60_000,
    env: { NMFKIT_FUZZ_RUNS: process.env.NMFKIT_FUZZ_RUNS ?? '1000' },
  },
})
