/**
 * The kernel paths and how NMFKIT_KERNELS names them, in a module with no imports and no
 * effects: core/wasm.ts reads the variable when nmfkit loads, and the command
 * (cli/environment.ts) and the bench (bench/main.ts) must settle it before that.
 */

/**
 * Which implementation of the kernels runs: `'auto'` chooses by size, `'reference'` always
 * the TypeScript loops, `'wasm'` the module for every call it can run (for tests and
 * measurements; slower than `'auto'` on small products).
 */
export type KernelPath = 'auto' | 'reference' | 'wasm'

/** The kernel paths, as `setKernelPath`, `--kernels` and NMFKIT_KERNELS name them. */
export const KERNEL_PATHS: readonly KernelPath[] = ['auto', 'reference', 'wasm']

/** Whether `value` names a kernel path. */
export const isKernelPath = (value: unknown): value is KernelPath =>
  (KERNEL_PATHS as readonly unknown[]).includes(value)

/** The path a value of NMFKIT_KERNELS names (unset or empty: `'auto'`); else undefined. */
export const pathOfVariable = (value: string | undefined): KernelPath | undefined =>
  value === undefined || value === '' ? 'auto' : isKernelPath(value) ? value : undefined

/** Why NMFKIT_KERNELS is refused, `found` its value as the message shows it. */
export const variableRefusal = (found: string): string =>
  `NMFKIT_KERNELS must be 'auto', 'reference' or 'wasm' (or unset or empty: 'auto'), found ${found}`
