/**
 * `--kernels` and NMFKIT_KERNELS through the command: the reference and the
 * WebAssembly kernels give the same fit, and a path that does not exist is a
 * one-line usage error with exit code 2.
 */
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { nmfkit, nmfkitWith, sampleData, tempFolder, writeFiles } from './helpers.ts'

const folder = tempFolder()
afterAll(() => rmSync(folder, { recursive: true, force: true }))
writeFiles(folder, {
  'data.csv':
    sampleData(40, 12)
      .map((row) => row.join(','))
      .join('\n') + '\n',
})

const wOf = (file: string): number[] =>
  readFileSync(join(folder, file), 'utf8')
    .trim()
    .split('\n')
    .flatMap((line) => line.split(',').map(Number))

describe('nmfkit fit --kernels', () => {
  it('reference and wasm give the same W to 1e-12', async () => {
    for (const solver of ['cd', 'mu']) {
      for (const path of ['reference', 'wasm']) {
        const run = await nmfkit(
          folder,
          'fit',
          'data.csv',
          '-k',
          '3',
          '--solver',
          solver,
          '--kernels',
          path,
          '--w',
          `${solver}-${path}.csv`,
          '-q',
        )
        expect(run.stderr).toBe('')
        expect(run.status).toBe(0)
      }
      const reference = wOf(`${solver}-reference.csv`)
      const fast = wOf(`${solver}-wasm.csv`)
      expect(fast.length).toBe(40 * 3)
      const largest = Math.max(...reference.map(Math.abs))
      const gap = Math.max(...fast.map((value, q) => Math.abs(value - reference[q])))
      expect(gap / largest).toBeLessThan(1e-12)
    }
  })

  it('an unknown path is a usage error', async () => {
    const run = await nmfkit(folder, 'fit', 'data.csv', '-k', '2', '--kernels', 'gpu', '-q')
    expect(run.status).toBe(2)
    expect(run.stderr).toBe(
      "nmfkit fit: option --kernels: expected auto, reference, wasm, found 'gpu'\n",
    )
  })

  it('--kernels wins over NMFKIT_KERNELS, even an unknown one', async () => {
    const run = await nmfkitWith(
      { NMFKIT_KERNELS: 'gpu' },
      folder,
      'fit',
      'data.csv',
      '-k',
      '2',
      '--kernels',
      'reference',
      '-q',
      '--w',
      'override.csv',
    )
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
  })

  it('NMFKIT_KERNELS with an unknown path is one line naming the variable', async () => {
    const run = await nmfkitWith({ NMFKIT_KERNELS: 'gpu' }, folder, 'fit', 'data.csv', '-k', '2')
    expect(run.status).toBe(2)
    expect(run.stderr).toBe(
      `nmfkit: NMFKIT_KERNELS must be 'auto', 'reference' or 'wasm' (or unset), found "gpu"\n`,
    )
  })
})
