/**
 * The conformance laws applied to solvers broken on purpose, one law each, all
 * other laws left out: run by test/kit-messages.test.ts, which reads the
 * messages of the failures. Every test here is meant to fail.
 */
import { cd } from 'nmfkit'
import { lawNames, solverLaws, type LawName } from 'nmfkit/testing'
import {
  changesState,
  changesX,
  constantOrder,
  doubledObjective,
  drawsThenOwnOrder,
  extraComponent,
  fading,
  fadingBeta,
  fakeObjective,
  firstRowHalved,
  halfPenalties,
  ignoresHPenalties,
  ignoresPenalties,
  oneUpdateForAll,
  infiniteDetail,
  negativeEntry,
  negativeTwin,
  nondeterministic,
  nudgedStart,
  risingObjective,
  silentHalfPenalties,
  sparseDrift,
  storedAsDense,
} from './broken-solvers.ts'
import { signedKl } from './signed-solvers.ts'
import { advancesSchedule, logPushed, raisesPenalty, velocityInPlace } from './state-solvers.ts'

/** Settings that run `law` alone, on few cases. */
const only = (law: LawName) => ({
  label: `broken for ${law}`,
  numRuns: 5,
  skip: lawNames.filter((other) => other !== law),
})

solverLaws(infiniteDetail, only('finite'))
solverLaws(negativeEntry, only('nonnegative'))
solverLaws(negativeTwin, { ...only('nonnegative'), label: 'broken twin for nonnegative' })
solverLaws(extraComponent, only('shapes'))
solverLaws(changesX, only('inputs-unchanged'))
solverLaws(changesState, {
  ...only('inputs-unchanged'),
  label: 'broken state for inputs-unchanged',
})
solverLaws(velocityInPlace, {
  ...only('inputs-unchanged'),
  label: 'broken velocity for inputs-unchanged',
})
solverLaws(logPushed, { ...only('inputs-unchanged'), label: 'broken log for inputs-unchanged' })
solverLaws(raisesPenalty, {
  ...only('inputs-unchanged'),
  label: 'broken problem for inputs-unchanged',
})
solverLaws(advancesSchedule, {
  ...only('inputs-unchanged'),
  label: 'broken options for inputs-unchanged',
})
solverLaws(nondeterministic, only('deterministic'))
solverLaws(constantOrder, only('seed'))
solverLaws(drawsThenOwnOrder, { ...only('seed'), label: 'broken order for seed' })
solverLaws(nudgedStart, { ...only('seed'), label: 'broken repeats for seed' })
solverLaws(risingObjective, only('monotone'))
solverLaws(fakeObjective, { ...only('monotone'), label: 'broken factors for monotone' })
solverLaws(signedKl, { ...only('monotone'), label: 'signed KL for monotone' })
solverLaws(silentHalfPenalties, { ...only('monotone'), label: 'broken penalties for monotone' })
solverLaws(doubledObjective, only('objective'))
solverLaws(halfPenalties, { ...only('objective'), label: 'broken penalties for objective' })
solverLaws(ignoresPenalties, only('penalties'))
solverLaws(ignoresHPenalties, { ...only('penalties'), label: 'broken H for penalties' })
solverLaws(oneUpdateForAll, only('losses'))
solverLaws(fading, only('recovery'))
solverLaws(firstRowHalved, only('row-permutation'))
solverLaws(sparseDrift, only('dense-csr'))
solverLaws(storedAsDense, { ...only('dense-csr'), label: 'broken zeros for dense-csr' })
solverLaws(fadingBeta, { ...only('recovery'), label: 'broken beta for recovery' })
// Not the solver but the settings: an objective that returns no number, as a JavaScript
// caller's may, is named as what failed.
solverLaws(cd, {
  ...only('objective'),
  label: 'broken setting for objective',
  objective: () => undefined as unknown as number,
})
