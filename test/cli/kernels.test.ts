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

  it('an unknown --kernels is named as the flag, whatever NMFKIT_KERNELS says', async () => {
    const run = await nmfkitWith(
      { NMFKIT_KERNELS: 'gpu' },
      folder,
      'transform',
      'data.csv',
      '--model',
      'none.json',
      '--kernels',
      'tpu',
    )
    expect(run.status).toBe(2)
    expect(run.stderr).toBe(
      "nmfkit transform: option --kernels: expected auto, reference, wasm, found 'tpu'\n",
    )
  })

  it('NMFKIT_KERNELS with an unknown path: each command refuses it in one line', async () => {
    const refusal =
      "NMFKIT_KERNELS must be 'auto', 'reference' or 'wasm' (or unset or empty: 'auto'), found"
    const gpu = (...args: string[]) => nmfkitWith({ NMFKIT_KERNELS: 'gpu' }, folder, ...args)
    const runs = await Promise.all([
      gpu('fit', 'data.csv', '-k', '2'),
      gpu('transform', 'data.csv', '--model', 'none.json'),
      gpu('compare', 'a.json', 'b.json'),
      gpu('info', 'data.csv'),
      gpu('show', 'model.json', '-o', 'parts.svg'),
      nmfkitWith({ NMFKIT_KERNELS: 'gpu\u001b[2J' }, folder, 'info', 'data.csv'),
    ])
    expect(runs.map((run) => [run.status, run.stdout, run.stderr])).toEqual([
      [2, '', `nmfkit fit: ${refusal} 'gpu'\n`],
      [2, '', `nmfkit transform: ${refusal} 'gpu'\n`],
      [2, '', `nmfkit compare: ${refusal} 'gpu'\n`],
      [2, '', `nmfkit info: ${refusal} 'gpu'\n`],
      [2, '', `nmfkit show: ${refusal} 'gpu'\n`],
      [2, '', `nmfkit info: ${refusal} "gpu\\u001b[2J"\n`],
    ])
  })

  it('help and version work whatever NMFKIT_KERNELS says', async () => {
    const gpu = (...args: string[]) => nmfkitWith({ NMFKIT_KERNELS: 'gpu' }, folder, ...args)
    const asked = [
      ['--help'],
      ['-h'],
      ['help'],
      ['--version'],
      ['-V'],
      ...['fit', 'transform', 'compare', 'info', 'show'].flatMap((command) => [
        [command, '--help'],
        ['help', command],
      ]),
    ]
    const runs = await Promise.all(asked.map((args) => gpu(...args)))
    for (const [q, run] of runs.entries()) {
      expect({ args: asked[q], status: run.status, stderr: run.stderr }).toEqual({
        args: asked[q],
        status: 0,
        stderr: '',
      })
      expect(run.stdout).toMatch(/^(usage: nmfkit |nmfkit \d)/)
    }
  })
})
