/** Output files: all or nothing, links followed, devices written in place. */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { afterAll, describe, expect, it } from 'vitest'
import { writeAll, writePlan } from '../../cli/files.ts'
import { tempFolder } from './helpers.ts'

const folder = tempFolder()
afterAll(() => rmSync(folder, { recursive: true, force: true }))

describe('writeAll', () => {
  it('replaces regular files and leaves no temporary file', () => {
    writeFileSync(join(folder, 'a.csv'), 'old')
    expect(writeAll([{ path: join(folder, 'a.csv'), content: 'new' }])).toEqual(E.right(undefined))
    expect(readFileSync(join(folder, 'a.csv'), 'utf8')).toBe('new')
    expect(readdirSync(folder)).toEqual(['a.csv'])
  })

  it('writes nothing when one of the files cannot be written', () => {
    mkdirSync(join(folder, 'sub'))
    writeFileSync(join(folder, 'sub', 'kept.csv'), 'old')
    const result = writeAll([
      { path: join(folder, 'sub', 'kept.csv'), content: 'new' },
      { path: join(folder, 'missing', 'x.csv'), content: 'x' },
    ])
    // The output is named, not its temporary file, and the failure is the user's to fix.
    expect(result).toEqual(
      E.left({
        kind: 'output',
        message: `${join(folder, 'missing', 'x.csv')}: cannot write it (no such file or directory)`,
      }),
    )
    expect(readFileSync(join(folder, 'sub', 'kept.csv'), 'utf8')).toBe('old')
    expect(readdirSync(join(folder, 'sub'))).toEqual(['kept.csv'])
  })

  it('writes an output whose name is as long as the system allows', () => {
    // A temporary name longer than the output's would pass the 255-byte limit.
    const name = `${'a'.repeat(251)}.csv`
    mkdirSync(join(folder, 'long'))
    expect(writeAll([{ path: join(folder, 'long', name), content: '1' }])).toEqual(
      E.right(undefined),
    )
    expect(readdirSync(join(folder, 'long'))).toEqual([name])
  })

  it("names a device's refusal by the output's name: a link to /dev/full", () => {
    if (!existsSync('/dev/full')) return
    symlinkSync('/dev/full', join(folder, 'full.csv'))
    expect(writeAll([{ path: join(folder, 'full.csv'), content: '1' }])).toEqual(
      E.left({
        kind: 'output',
        message: `${join(folder, 'full.csv')}: cannot write it (disk full)`,
      }),
    )
  })

  it('follows a symbolic link, even a dangling one, and keeps the link', () => {
    symlinkSync('target.json', join(folder, 'link.json'))
    expect(writeAll([{ path: join(folder, 'link.json'), content: '{}' }])).toEqual(
      E.right(undefined),
    )
    expect(lstatSync(join(folder, 'link.json')).isSymbolicLink()).toBe(true)
    expect(readFileSync(join(folder, 'target.json'), 'utf8')).toBe('{}')
  })

  it('writes devices in place instead of renaming over them', () => {
    expect(writePlan('/dev/null')).toEqual({ target: '/dev/null', mode: 'direct' })
    expect(writePlan(join(folder, 'new.csv')).mode).toBe('rename')
  })

  it("writes a pipe in place through the system's links, as /dev/fd/63 of >(…) names it", () => {
    if (!existsSync('/proc/self/fd')) return
    // Node keeps pipes of its own, and a child's standard streams are sockets: their links
    // read `pipe:[123]` or `socket:[123]`, no path.
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'pipe' })
    try {
      const streams = readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return /^(pipe|socket):/.test(readlinkSync(`/proc/self/fd/${fd}`))
        } catch {
          return false
        }
      })
      expect(streams.length).toBeGreaterThan(0)
      for (const fd of streams) {
        for (const path of [`/proc/self/fd/${fd}`, `/dev/fd/${fd}`]) {
          expect(writePlan(path)).toEqual({ target: path, mode: 'direct' })
        }
      }
    } finally {
      child.kill()
    }
  })
})
