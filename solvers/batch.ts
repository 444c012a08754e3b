/**
 * Iterations back to back. Where the WebAssembly module runs a built-in solver's whole
 * iteration, the factors can stay in the module's memory from one iteration to the next;
 * on a small problem, copying them out, wrapping them and checking them between
 * iterations costs as much as the arithmetic (bench/HISTORY.md has the numbers). A batch
 * runs iterations in place and hands the driver each one's numbers, with the factors as
 * views of the module's memory, and copies the factors out only where it ends.
 *
 * Only nmfkit's own solvers have batches, and the driver runs one only where nothing of
 * the caller's runs between iterations (no `onIteration`, no `signal`): the result, the
 * history and every error are those of the same fit run step by step (test/batch.test.ts).
 */
import type { Factors, Problem, Solver, StepResult } from './contract.ts'

/**
 * Runs up to `limit` iterations from `state`. After each iteration but the last it may
 * run, it asks `proceed` whether to go on, with the iteration's result: its state's
 * factors are views of the module's memory, valid only during the call, whose finite
 * entries the batch has checked. `proceed` records an iteration it lets pass; one it
 * refuses ends the batch. Returns the result of the iteration the batch ended at (the
 * `limit`-th, one with a factor that is not finite, one `proceed` refused, or one the
 * solver makes only step by step), with factors of their own arrays, for the driver to
 * check and record as it does a step's. Undefined, having run nothing and drawn nothing
 * from the problem's Rng, where the module does not run: the driver steps then.
 */
export type Batch<O, S extends Factors> = (
  state: S,
  problem: Problem,
  options: O,
  limit: number,
  proceed: (result: StepResult<S>) => boolean,
) => StepResult<S> | undefined

/** The batch of each solver that has one, with the step and stopping rule it was made for. */
const batches = new WeakMap<object, { step: unknown; converged: unknown; batch: unknown }>()

/**
 * Gives `solver` (one of nmfkit's own, also declared forgetful: its stopping rule reads
 * the first result's numbers, not its state) a batch; a solver made from it by copying or
 * replacing its members has none.
 */
export const declareBatch = <O, S extends Factors>(
  solver: Solver<O, S>,
  batch: Batch<O, S>,
): Solver<O, S> => {
  batches.set(solver, { step: solver.step, converged: solver.converged, batch })
  return solver
}

/** The solver's batch, if it has one and its step and stopping rule are still its own. */
export const batchOf = <O, S extends Factors>(solver: Solver<O, S>): Batch<O, S> | undefined => {
  const declared = batches.get(solver)
  return declared !== undefined &&
    declared.step === solver.step &&
    declared.converged === solver.converged
    ? (declared.batch as Batch<O, S>)
    : undefined
}
