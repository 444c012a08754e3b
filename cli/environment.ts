/**
 * NMFKIT_KERNELS, settled before nmfkit loads. nmfkit reads the variable when it loads,
 * and throws on a value it does not know: the command could not even print its help.
 * main.ts imports this module before any module that loads nmfkit (it imports nmfkit's
 * types only, which leave nothing to load): a value nmfkit does not know is taken out of
 * the environment, so that nmfkit loads on its default path, and kept in `refusedKernels`.
 * Help and version never look at it; every command refuses it (`kernelsRefusal`), unless
 * `--kernels` (fit, transform) replaces it, as a valid `--kernels` replaces a valid
 * variable. `npm run bench` keeps to the same rules (bench/main.ts).
 */
import { pathOfVariable, variableRefusal } from '../core/kernel-paths.ts'
import { quotedToken } from './errors.ts'

export { KERNEL_PATHS } from '../core/kernel-paths.ts'

const variable = process.env.NMFKIT_KERNELS

/** The value of NMFKIT_KERNELS that nmfkit would have refused, taken out of the environment. */
export const refusedKernels: string | undefined =
  pathOfVariable(variable) === undefined ? variable : undefined

if (refusedKernels !== undefined) delete process.env.NMFKIT_KERNELS

/**
 * Why a command does not run: NMFKIT_KERNELS holds a value nmfkit does not know (in nmfkit's
 * words, the value quoted as the command quotes what the user gave), and `--kernels`, which
 * would replace it, is not given; else undefined.
 */
export const kernelsRefusal = (kernelsFlag: string | undefined): string | undefined =>
  refusedKernels === undefined || kernelsFlag !== undefined
    ? undefined
    : variableRefusal(quotedToken(refusedKernels))
