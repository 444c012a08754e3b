/**
 * Reading values a JavaScript caller gives, whose reads can run the caller's code: a
 * getter or a Proxy trap that throws is caught here and described, so that the operation
 * returns its `Left` (an `InvalidOption` on the option read) instead of throwing.
 */
import * as E from 'fp-ts/lib/Either.js'
import { showFound } from './describe.ts'

/** The longest description of an exception a message quotes. */
const LONGEST = 200

/**
 * What a thrown value says, on one line for a message: an Error's name and message
 * (`Error: boom`), else the value as `showFound` shows it. Never throws: an exception
 * whose name or message cannot be read is `an exception that cannot be described`.
 *
 * @example
 * describeThrown(new TypeError('no')) // 'TypeError: no'
 * describeThrown('boom') // '"boom"'
 */
export const describeThrown = (thrown: unknown): string => {
  let text: string
  try {
    if (thrown instanceof Error) {
      const { name, message } = thrown
      const title = typeof name === 'string' && name !== '' ? name : 'Error'
      text = typeof message === 'string' && message !== '' ? `${title}: ${message}` : title
    } else text = showFound(thrown)
  } catch {
    return 'an exception that cannot be described'
  }
  const line = text.replace(/\s*\n\s*/g, ' ')
  return line.length <= LONGEST ? line : `${line.slice(0, LONGEST - 1)}…`
}

/**
 * `read()`, or what it threw (`describeThrown`) as a `Left`: for reads of a caller's
 * values (a property, a key list, `instanceof`), never for calls of a caller's functions,
 * whose exceptions nmfkit lets through.
 */
export const attempt = <A>(read: () => A): E.Either<string, A> => {
  try {
    return E.right(read())
  } catch (thrown) {
    return E.left(describeThrown(thrown))
  }
}
