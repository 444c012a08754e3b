/**
 * A vitest reporter for test/kit-messages.test.ts: writes every failed test's
 * full name and its errors' messages, causes included (fast-check puts the
 * failed assertion in the cause of its own error), as JSON to the file named
 * by NMFKIT_KIT_FAILURES.
 */
import { writeFileSync } from 'node:fs'
import type { Reporter, TestCase } from 'vitest/node'

/**
 * One failed test: its full name, per error the messages of the error and its causes, and
 * per error its own message (what vitest compares, with the stack, to show several
 * failures as one).
 */
export interface KitFailure {
  readonly test: string
  readonly messages: readonly string[]
  readonly tops: readonly string[]
}

interface ErrorLike {
  readonly message?: unknown
  readonly cause?: unknown
}

/** The messages of an error and of its chain of causes, joined by newlines. */
const messagesOf = (error: unknown): string => {
  const parts: string[] = []
  let current: unknown = error
  while (typeof current === 'object' && current !== null) {
    parts.push(String((current as ErrorLike).message))
    current = (current as ErrorLike).cause
  }
  return parts.join('\n')
}

export default class FailuresReporter implements Reporter {
  private readonly failures: KitFailure[] = []

  onTestCaseResult(testCase: TestCase): void {
    const result = testCase.result()
    if (result.state !== 'failed') return
    this.failures.push({
      test: testCase.fullName,
      messages: result.errors.map(messagesOf),
      tops: result.errors.map((error) => String((error as ErrorLike).message)),
    })
  }

  onTestRunEnd(): void {
    const file = process.env.NMFKIT_KIT_FAILURES
    if (file !== undefined) writeFileSync(file, JSON.stringify(this.failures, null, 2))
  }
}
