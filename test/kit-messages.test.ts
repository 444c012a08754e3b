/**
 * The conformance kit's messages: nmfkit/testing run, in a vitest of its own,
 * against solvers broken on purpose (test/kit/broken-solvers.ts, one law each),
 * and each failure read back. A failing law must say which law it is, what it
 * compared (W or H, which two fits) and the numbers.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KitFailure } from './kit/failures-reporter.ts'

const root = fileURLToPath(new URL('..', import.meta.url))

/** A number as a message shows one. */
const NUMBER = String.raw`-?[\d.]+(?:e[+-]?\d+)?`
const re = (source: string): RegExp => new RegExp(`^${source.replaceAll('NUMBER', NUMBER)}$`)

describe('the kit against broken solvers', () => {
  let folder = ''
  let failures: readonly KitFailure[] = []
  let output = ''

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'nmfkit-kit-'))
    const file = join(folder, 'failures.json')
    const env: Record<string, string | undefined> = { ...process.env, NMFKIT_KIT_FAILURES: file }
    // The kit's own budget, whatever the run around this one sets.
    for (const name of ['NMFKIT_FUZZ_RUNS', 'NMFKIT_FUZZ_SEED', 'NMFKIT_FUZZ_PATH'])
      delete env[name]
    const run = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules', 'vitest', 'vitest.mjs'),
        'run',
        '--config',
        join(root, 'test', 'kit', 'vitest.config.ts'),
        '--reporter',
        join(root, 'test', 'kit', 'failures-reporter.ts'),
      ],
      { cwd: root, encoding: 'utf8', env },
    )
    output = `${run.stdout}\n${run.stderr}`
    failures = JSON.parse(readFileSync(file, 'utf8')) as KitFailure[]
  }, 120_000)

  afterAll(() => {
    if (folder !== '') rmSync(folder, { recursive: true, force: true })
  })

  /** The assertion's message of the one failure of the law's broken solver. */
  const messageOf = (label: string): string => {
    const failure = failures.find((f) => f.test.startsWith(`${label} > `))
    if (failure === undefined) throw new Error(`no failure for '${label}' in:\n${output}`)
    expect(failure.messages).toHaveLength(1)
    // fast-check's report first (seed, counterexample), the failed assertion last.
    return failure.messages[0].split('\n').at(-1) ?? ''
  }

  it('prints the case as drawn, not as the broken solver left it', () => {
    // changes-x doubles X's first stored entry in every step; the laws fit copies, so the
    // counterexample still shows the value the message says X had.
    const failure = failures.find((f) => f.test.startsWith('broken for inputs-unchanged > '))
    const message = failure?.messages[0] ?? ''
    const last = message.split('\n').at(-1) ?? ''
    const was = /was (\S+), is /.exec(last)?.[1]
    // X[0, 0] of the dense case, or the CSR case's first stored entry.
    const drawn = (
      last.includes('problem.X.data')
        ? /"data":Float64Array\.from\(\[([^,\]]+)/
        : /Counterexample: \[\{"c":\{ X: \[\[([^,\]]+)|Counterexample: \[\{ X: \[\[([^,\]]+)/
    ).exec(message)
    expect(was, message).toBeDefined()
    expect(
      drawn?.slice(1).find((group) => group !== undefined),
      message,
    ).toBe(was)
  })

  /** The broken solvers by the labels of their laws, and their names. */
  const broken: Readonly<Record<string, string>> = {
    'broken H for penalties': 'ignores-h-penalties',
    'broken beta for recovery': 'fading-beta',
    'broken factors for monotone': 'fake-objective',
    'broken for dense-csr': 'sparse-drift',
    'broken for deterministic': 'nondeterministic',
    'broken for finite': 'infinite-detail',
    'broken for inputs-unchanged': 'changes-x',
    'broken for losses': 'one-update-for-all',
    'broken for monotone': 'rising-objective',
    'broken for nonnegative': 'negative-entry',
    'broken for objective': 'doubled-objective',
    'broken for penalties': 'ignores-penalties',
    'broken for recovery': 'fading',
    'broken for row-permutation': 'first-row-halved',
    'broken for seed': 'constant-order',
    'broken order for seed': 'draws-then-own-order',
    'broken repeats for seed': 'nudged-start',
    'broken for shapes': 'extra-component',
    'broken log for inputs-unchanged': 'log-pushed',
    'broken options for inputs-unchanged': 'advances-schedule',
    'broken penalties for monotone': 'silent-half-penalties',
    'broken penalties for objective': 'half-penalties',
    'broken setting for objective': 'cd',
    'broken problem for inputs-unchanged': 'raises-penalty',
    'broken state for inputs-unchanged': 'changes-state',
    'broken twin for nonnegative': 'negative-twin',
    'broken velocity for inputs-unchanged': 'velocity-in-place',
    'broken zeros for dense-csr': 'stored-as-dense',
    'signed KL for monotone': 'signed-kl',
  }

  it('fails every broken solver, once each', () => {
    expect(failures.map((f) => f.test.split(' > ')[0]).sort()).toEqual(Object.keys(broken).sort())
  })

  it("starts each failure's own error with the law, the solver and the reason", () => {
    // vitest shows failures whose errors (message and stack) are the same as one, with one
    // reason: 'negative-entry' and 'negative-twin' fail on the same case, and their errors
    // differ in the solver's name.
    for (const failure of failures) {
      const label = failure.test.split(' > ')[0]
      const [law, solver] = [label.split(' for ').at(-1), broken[label]]
      const [top, all] = [failure.tops[0], failure.messages[0]]
      // The cause is what the property threw: the law's message.
      const cause = all.slice(top.length + 1)
      const reason = cause.replace(/^law '[^']*': /, '').replace(`solver '${solver}': `, '')
      expect(top.split('\n')[0], top).toBe(`law '${law}' fails for solver '${solver}': ${reason}`)
      // fast-check's report follows: the seed, the counterexample, how to replay it.
      expect(top, top).toMatch(/\nProperty failed after \d+ tests\n\{ seed: \d+, path: "[\d:]+"/)
    }
    const tops = failures.map((f) => f.tops[0])
    expect(new Set(tops).size).toBe(tops.length)
  })

  it.each([
    [
      'broken for deterministic',
      String.raw`law 'deterministic': two fits with the same options \(seed \d+\) differ: ` +
        String.raw`W\[\d+, \d+\] is NUMBER in the first fit and NUMBER in the second`,
    ],
    [
      'broken for row-permutation',
      String.raw`law 'row-permutation': W of the fit of X with its rows reordered as \[[\d,]+\] ` +
        String.raw`against W of the fit of X, its rows reordered as \[[\d,]+\] ` +
        String.raw`\(largest difference at \[\d+, \d+\]: NUMBER against NUMBER; ` +
        String.raw`relative difference of weighted factors\): ` +
        String.raw`expected NUMBER to be less than or equal to 0\.000001`,
    ],
    [
      'broken zeros for dense-csr',
      String.raw`law 'dense-csr': (W|H) of the fit of X as CSR against \1 of the fit of X dense ` +
        String.raw`\(largest difference at \[\d+, \d+\]: NUMBER against NUMBER; ` +
        String.raw`relative difference of weighted factors\): ` +
        String.raw`expected NUMBER to be less than or equal to 0\.000001`,
    ],
    [
      'broken for dense-csr',
      String.raw`law 'dense-csr': (W|H) of the fit of X as CSR against \1 of the fit of X dense ` +
        String.raw`\(largest difference at \[\d+, \d+\]: NUMBER against NUMBER; ` +
        String.raw`relative difference of weighted factors\): ` +
        String.raw`expected NUMBER to be less than or equal to 0\.000001`,
    ],
    [
      'broken for shapes',
      // nmf's driver refuses factors of the wrong shape before the law looks at them.
      String.raw`law 'shapes': the fit failed: ShapeMismatch: nmf: expected W after ` +
        String.raw`iteration 1 of solver 'extra-component' to have shape (\d+)×(\d+) ` +
        String.raw`\(samples×components\), found \1×\d+`,
    ],
    [
      'broken for finite',
      String.raw`law 'finite': numbers of the fit \(W, H, error, history\) are not finite: ` +
        String.raw`history\[0\]\.details\.change = Infinity`,
    ],
    [
      'broken for nonnegative',
      // nmf's driver refuses negative factors of a plugin that declares them non-negative
      // before the law looks at them.
      String.raw`law 'nonnegative': the fit failed: NegativeInput: nmf: expected H after ` +
        String.raw`iteration \d+ to be non-negative, found NUMBER at row \d+, column \d+; ` +
        String.raw`solver 'negative-entry' made it in its step, though its capabilities ` +
        String.raw`declare nonnegative: true`,
    ],
    [
      'broken for inputs-unchanged',
      // X dense or as CSR, whichever case fast-check's draws reach first; the step that
      // wrote into it is named, before the check of X after the fits.
      String.raw`law 'inputs-unchanged': solver 'changes-x': the step of iteration 1 changed ` +
        String.raw`the problem it was given: problem\.X(\[0, 0\]|\.data\[0\]) was NUMBER, ` +
        String.raw`is NUMBER`,
    ],
    [
      'broken state for inputs-unchanged',
      String.raw`law 'inputs-unchanged': solver 'changes-state': the step of iteration 1 ` +
        String.raw`changed the state it was given: state\.W\[0, 0\] was NUMBER, is NUMBER`,
    ],
    [
      'broken velocity for inputs-unchanged',
      String.raw`law 'inputs-unchanged': solver 'velocity-in-place': the step of iteration 1 ` +
        String.raw`changed the state it was given: state\.velocity\[\d+\] was 0, is NUMBER`,
    ],
    [
      'broken log for inputs-unchanged',
      String.raw`law 'inputs-unchanged': solver 'log-pushed': the step of iteration 1 ` +
        String.raw`changed the state it was given: state\.errors\.length was 0, is 1`,
    ],
    [
      'broken problem for inputs-unchanged',
      // nmf froze the problem's penalties: the write throws, and the law says so.
      String.raw`law 'inputs-unchanged': solver 'raises-penalty': the step of iteration 1 ` +
        String.raw`wrote to a frozen object it was given \(nmf freezes the problem, its ` +
        String.raw`penalties and the options\): Cannot assign to read only property 'l1W' of ` +
        String.raw`object '#<Object>'`,
    ],
    [
      'broken options for inputs-unchanged',
      String.raw`law 'inputs-unchanged': solver 'advances-schedule': the step of iteration 1 ` +
        String.raw`changed the options it was given: options\.schedule\[0\] was NUMBER, ` +
        String.raw`is NUMBER`,
    ],
    [
      'broken for monotone',
      String.raw`law 'monotone': the rise of the objective from iteration (\d+) \(NUMBER\) to ` +
        String.raw`iteration \d+ \(NUMBER\), against the slack 1e-9 × NUMBER: ` +
        String.raw`expected NUMBER to be less than or equal to NUMBER`,
    ],
    [
      'broken factors for monotone',
      String.raw`law 'monotone': the rise of the objective computed from the factors ` +
        String.raw`\(d_β plus the penalties\) from ` +
        String.raw`(the start|iteration \d+) \(NUMBER\) to iteration \d+ \(NUMBER\), against the ` +
        String.raw`slack 1e-9 × NUMBER: expected NUMBER to be less than or equal to NUMBER`,
    ],
    [
      'broken penalties for monotone',
      // Half of each penalty, and no objective reported: from a start near the minimum of the
      // objective with the problem's penalties, its update moves toward its own, and the
      // objective rises.
      String.raw`law 'monotone': the rise of the objective computed from the factors ` +
        String.raw`\(d_β plus the penalties\) from the start \(NUMBER\) to iteration 1 ` +
        String.raw`\(NUMBER\), against the slack 1e-9 × NUMBER: expected NUMBER to be less than ` +
        String.raw`or equal to NUMBER`,
    ],
    [
      'signed KL for monotone',
      // Factors of any sign have an objective for β = 2 alone: the law says it cannot
      // compute one, and how to go on, rather than pass on betaDivergence's refusal.
      String.raw`law 'monotone': cannot compute the objective of the state after iteration 1, ` +
        String.raw`which has W\[0, 0\] = NUMBER: penalizedDivergence, the default objective, ` +
        String.raw`takes factors of any sign for β = 2 alone \(½‖X − W·H‖²\), and this fit's β ` +
        String.raw`is 1; pass the objective solver 'signed-kl' decreases as ` +
        String.raw`settings\.objective, or leave the law out \(skip: \['monotone'\]\)`,
    ],
    [
      'broken for objective',
      String.raw`law 'objective': the difference between the objective reported after ` +
        String.raw`iteration \d+ \(NUMBER\) and the one computed from the factors of its state ` +
        String.raw`\(d_β plus the penalties: NUMBER\), against the slack 1e-9 × NUMBER: ` +
        String.raw`expected NUMBER to be less than or equal to NUMBER`,
    ],
    [
      'broken penalties for objective',
      // Half of each penalty, in the update and in the objective it reports: the objective
      // with the problem's penalties tells it.
      String.raw`law 'objective': the difference between the objective reported after ` +
        String.raw`iteration \d+ \(NUMBER\) and the one computed from the factors of its state ` +
        String.raw`\(d_β plus the penalties: NUMBER\), against the slack 1e-9 × NUMBER: ` +
        String.raw`expected NUMBER to be less than or equal to NUMBER`,
    ],
    [
      'broken setting for objective',
      // The objective of settings.objective is not a number: the settings are at fault.
      String.raw`law 'objective': the objective of the state after iteration 1 \(the ` +
        String.raw`settings' objective\): settings\.objective returned undefined, expected a ` +
        String.raw`number`,
    ],
    [
      'broken for seed',
      String.raw`law 'seed': the fit with shuffle: true differs from the fit with shuffle: ` +
        String.raw`false \((W|H)\[\d+, \d+\] is NUMBER in the first fit and NUMBER in the ` +
        String.raw`second\), though solver 'constant-order' never drew from problem\.rng nor ` +
        String.raw`read its seed: ` +
        String.raw`the random order shuffle asks for must come from problem\.rng, which the ` +
        String.raw`fit's seed \(\d+\) starts \(\d+ iterations\)`,
    ],
    [
      'broken order for seed',
      // It draws from problem.rng, but another seed gives the same fit.
      String.raw`law 'seed': the fits with shuffle: true and the seeds (\d+) to \d+ have the ` +
        String.raw`same W and H, to the bit, though shuffle changes the fit \(from the fit ` +
        String.raw`with shuffle: false, (W|H)\[\d+, \d+\] is NUMBER in the first fit and ` +
        String.raw`NUMBER in the second\): solver 'draws-then-own-order' drew from ` +
        String.raw`problem\.rng or read its seed, but its order does not follow the seed \(a ` +
        String.raw`generator of its own\?\); the random order shuffle asks for must come from ` +
        String.raw`problem\.rng, which the fit's seed starts \(\d+ iterations\)`,
    ],
    [
      'broken repeats for seed',
      // It ignores shuffle, and its fits differ from one to the next: not shuffle's doing.
      String.raw`law 'seed': solver 'nudged-start' is not deterministic: two fits with the ` +
        String.raw`same options \(shuffle: (true|false), seed \d+\) differ \(\d+ iterations\), and ` +
        String.raw`the law cannot tell what shuffle changes \(the law 'deterministic' asks the ` +
        String.raw`same fit of the same options\): (W|H)\[\d+, \d+\] is NUMBER in the first ` +
        String.raw`fit and NUMBER in the second`,
    ],
    [
      'broken for losses',
      String.raw`law 'losses': solver 'one-update-for-all' declares the losses frobenius, ` +
        String.raw`kullback-leibler, but its fits with β = [12] and β = [12] have the same W ` +
        String.raw`and H, to the bit \(\d+ iterations\)`,
    ],
    [
      'broken for penalties',
      String.raw`law 'penalties': solver 'ignores-penalties' declares capabilities\.penalties, ` +
        String.raw`but the fit with alphaW = NUMBER alone \(l1Ratio NUMBER\) has the same ` +
        String.raw`W and H, to the bit, as the fit without penalties, though it moves W ` +
        String.raw`\(\d+ iterations\)`,
    ],
    [
      'broken H for penalties',
      String.raw`law 'penalties': solver 'ignores-h-penalties' declares capabilities\.penalties, ` +
        String.raw`but the fit with alphaH = NUMBER alone \(l1Ratio NUMBER\) has the same ` +
        String.raw`W and H, to the bit, as the fit without penalties, though it moves H ` +
        String.raw`\(\d+ iterations\)`,
    ],
    [
      'broken beta for recovery',
      String.raw`law 'recovery': ‖X − W·H‖_F / ‖X‖_F of the fit \(β = [\d.]+\) of a \d-component ` +
        String.raw`plant, ` +
        String.raw`X \d+×\d+, after 2000 iterations from nndsvda \(error NUMBER\): ` +
        String.raw`expected NUMBER to be less than or equal to 0\.0001`,
    ],
    [
      'broken for recovery',
      String.raw`law 'recovery': ‖X − W·H‖_F / ‖X‖_F of the fit \(β = [\d.]+\) of a \d-component ` +
        String.raw`plant, ` +
        String.raw`X \d+×\d+, after 2000 iterations from nndsvda \(error NUMBER\): ` +
        String.raw`expected NUMBER to be less than or equal to 0\.0001`,
    ],
  ])('%s: names the law, what it compared and the numbers', (label, pattern) => {
    expect(messageOf(label)).toMatch(re(pattern))
  })
})
