/**
 * Standard output closed early, as `nmfkit fit X.csv -k 2 --w - | head -c 10` closes it:
 * the command ends quietly, without a stack trace.
 */
import { spawn } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { BIN, sampleData, tempFolder, writeFiles } from './helpers.ts'

const folder = tempFolder()
afterAll(() => rmSync(folder, { recursive: true, force: true }))

/** Runs the command, reads its first chunk of output, then closes the pipe. */
const readFirstChunk = (...args: string[]): Promise<{ status: number | null; stderr: string }> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: folder })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.stdout.once('data', () => child.stdout.destroy())
    child.on('close', (status) => resolve({ status, stderr }))
  })

describe('a reader that closes the pipe early', () => {
  // W of 20 000 rows is about 1 MB of CSV: more than a pipe holds, so writing goes on
  // after the reader has closed it.
  writeFiles(folder, {
    'big.csv': sampleData(20000, 12)
      .map((row) => row.join(','))
      .join('\n'),
  })

  // A short fit of big.csv whose one output `flag` goes to `path`, read for one chunk.
  const fitCutShort = (flag: string, path: string) =>
    readFirstChunk('fit', 'big.csv', '-k', '3', '-q', '--max-iter', '2', flag, path)

  it('fit: W on standard output, cut short', async () => {
    expect(await fitCutShort('--w', '-')).toEqual({ status: 0, stderr: '' })
  })

  it('fit: the model on /dev/stdout, cut short, ends as quietly as on -', async () => {
    const runs = await Promise.all([fitCutShort('-o', '-'), fitCutShort('-o', '/dev/stdout')])
    expect(runs).toEqual([
      { status: 0, stderr: '' },
      { status: 0, stderr: '' },
    ])
  })

  it('fit: progress lines on standard error, cut short; the model is still written', async () => {
    const run = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
      const flags = ['-k', '3', '-v', '--every', '1', '--max-iter', '200', '--tol', '0']
      const child = spawn(process.execPath, [BIN, 'fit', 'big.csv', ...flags, '-o', 'm.json'], {
        cwd: folder,
      })
      let stdout = ''
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
      child.stderr.once('data', () => child.stderr.destroy())
      child.on('close', (status) => resolve({ status, stdout }))
    })
    expect(run).toEqual({ status: 0, stdout: '' })
    expect(existsSync(join(folder, 'm.json'))).toBe(true)
  })
})
