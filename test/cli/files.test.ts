/**
 * Output files: all or nothing, links followed, devices written in place, descriptors
 * other than standard output and error refused.
 */
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { execFileSync, spawn } from 'node:child_process'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  checkOutputPath,
  distinctOutputs,
  isStandardInput,
  rememberInput,
  writeAll,
  writePlan,
} from '../../cli/files.ts'
import { BIN, sampleData, tempFolder } from './helpers.ts'

const folder = tempFolder()
afterAll(() => rmSync(folder, { recursive: true, force: true }))

describe('writeAll', () => {
  it('replaces regular files and leaves no temporary file', async () => {
    writeFileSync(join(folder, 'a.csv'), 'old')
    expect(await writeAll([{ path: join(folder, 'a.csv'), content: 'new' }])).toEqual(
      E.right(undefined),
    )
    expect(readFileSync(join(folder, 'a.csv'), 'utf8')).toBe('new')
    expect(readdirSync(folder)).toEqual(['a.csv'])
  })

  it("keeps a replaced file's permission bits; a new file gets the usual ones", async () => {
    mkdirSync(join(folder, 'modes'))
    const secret = join(folder, 'modes', 'secret.json')
    const readOnly = join(folder, 'modes', 'read-only.csv')
    writeFileSync(secret, 'old')
    chmodSync(secret, 0o600)
    writeFileSync(readOnly, 'old')
    chmodSync(readOnly, 0o444)
    const fresh = join(folder, 'modes', 'new.csv')
    expect(
      await writeAll([
        { path: secret, content: 'new' },
        { path: readOnly, content: 'new' },
        { path: fresh, content: 'new' },
      ]),
    ).toEqual(E.right(undefined))
    expect(readFileSync(secret, 'utf8')).toBe('new')
    expect(statSync(secret).mode & 0o777).toBe(0o600)
    expect(statSync(readOnly).mode & 0o777).toBe(0o444)
    const umask = process.umask()
    expect(statSync(fresh).mode & 0o777).toBe(0o666 & ~umask)
  })

  it('writes nothing when one of the files cannot be written', async () => {
    mkdirSync(join(folder, 'sub'))
    writeFileSync(join(folder, 'sub', 'kept.csv'), 'old')
    const result = await writeAll([
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

  it('writes an output whose name is as long as the system allows', async () => {
    // A temporary name longer than the output's would pass the 255-byte limit.
    const name = `${'a'.repeat(251)}.csv`
    mkdirSync(join(folder, 'long'))
    expect(await writeAll([{ path: join(folder, 'long', name), content: '1' }])).toEqual(
      E.right(undefined),
    )
    expect(readdirSync(join(folder, 'long'))).toEqual([name])
  })

  it("names a device's refusal by the output's name: a link to /dev/full", async () => {
    if (!existsSync('/dev/full')) return
    symlinkSync('/dev/full', join(folder, 'full.csv'))
    expect(await writeAll([{ path: join(folder, 'full.csv'), content: '1' }])).toEqual(
      E.left({
        kind: 'output',
        message: `${join(folder, 'full.csv')}: cannot write it (disk full)`,
      }),
    )
  })

  it('writes devices before renaming any file: a refused device replaces no file', async () => {
    if (!existsSync('/dev/full')) return
    mkdirSync(join(folder, 'device-first'))
    const kept = join(folder, 'device-first', 'kept.csv')
    writeFileSync(kept, 'old')
    const result = await writeAll([
      { path: kept, content: 'new' },
      { path: join(folder, 'device-first', 'new.csv'), content: 'new' },
      { path: '/dev/full', content: '{}' },
    ])
    expect(result).toEqual(
      E.left({ kind: 'output', message: '/dev/full: cannot write it (disk full)' }),
    )
    expect(readFileSync(kept, 'utf8')).toBe('old')
    expect(readdirSync(join(folder, 'device-first'))).toEqual(['kept.csv'])
  })

  it('follows a symbolic link, even a dangling one, and keeps the link', async () => {
    symlinkSync('target.json', join(folder, 'link.json'))
    expect(await writeAll([{ path: join(folder, 'link.json'), content: '{}' }])).toEqual(
      E.right(undefined),
    )
    expect(lstatSync(join(folder, 'link.json')).isSymbolicLink()).toBe(true)
    expect(readFileSync(join(folder, 'target.json'), 'utf8')).toBe('{}')
  })

  it('writes devices in place instead of renaming over them', () => {
    expect(writePlan('/dev/null')).toEqual({ target: '/dev/null', mode: 'direct' })
    expect(writePlan(join(folder, 'new.csv')).mode).toBe('rename')
  })

  it('takes the names of standard output and error as the streams, as `-` is', () => {
    const own = `/proc/${process.pid}/fd`
    for (const path of ['-', '/dev/stdout', '/dev/fd/1', '/proc/self/fd/1', `${own}/1`]) {
      expect([path, writePlan(path)]).toEqual([path, { mode: 'stdout' }])
    }
    for (const path of ['/dev/stderr', '/dev/fd/2', '/proc/self/fd/2', `${own}/2`]) {
      expect([path, writePlan(path)]).toEqual([path, { mode: 'stderr' }])
    }
    symlinkSync('/dev/stdout', join(folder, 'out.json'))
    expect(writePlan(join(folder, 'out.json'))).toEqual({ mode: 'stdout' })
  })

  it("never opens any other descriptor: Node's own pipes are reached by /dev/fd/N", async () => {
    if (!existsSync('/proc/self/fd')) return
    // Node keeps pipes and eventfds of its own at low numbers; writing into one crashed
    // the process or lost the output. A child's streams add more.
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'pipe' })
    try {
      const descriptors = readdirSync('/proc/self/fd').filter((fd) => Number(fd) > 2)
      expect(descriptors.length).toBeGreaterThan(0)
      for (const fd of descriptors) {
        for (const path of [`/proc/self/fd/${fd}`, `/dev/fd/${fd}`, `/proc/thread-self/fd/${fd}`]) {
          expect([path, writePlan(path)]).toEqual([
            path,
            { mode: 'descriptor', fd: Number(fd), pid: process.pid },
          ])
        }
      }
      // Another process's descriptors, even its standard output; and through a link.
      expect(writePlan('/proc/1/fd/1')).toEqual({ mode: 'descriptor', fd: 1, pid: 1 })
      symlinkSync(`/dev/fd/${descriptors[0]}`, join(folder, 'fd.json'))
      expect(writePlan(join(folder, 'fd.json')).mode).toBe('descriptor')
      // writeAll refuses one, should a command not have checked it first.
      const written = await writeAll([{ path: `/dev/fd/${descriptors[0]}`, content: '{}' }])
      expect(E.isLeft(written) && written.left.kind).toBe('usage')
    } finally {
      child.kill()
    }
  })
})

describe('a `..` after a linked folder, as the system reads it: the parent of where it leads', () => {
  // linked -> real/inner: linked/.. is real, not the folder that holds linked.
  const real = join(folder, 'real')
  const linked = join(folder, 'linked')
  const up = (name: string) => `${linked}/../${name}`
  beforeAll(() => {
    mkdirSync(join(real, 'inner'), { recursive: true })
    symlinkSync(join(real, 'inner'), linked)
  })

  it("writes where a relative link's `..` leads", async () => {
    symlinkSync('../up-target.json', join(real, 'inner', 'up-link.json'))
    const link = join(linked, 'up-link.json')
    expect(writePlan(link)).toEqual({ mode: 'rename', target: up('up-target.json') })
    expect(await writeAll([{ path: link, content: '{}' }])).toEqual(E.right(undefined))
    expect(readFileSync(join(real, 'up-target.json'), 'utf8')).toBe('{}')
    expect(existsSync(join(folder, 'up-target.json'))).toBe(false)
    expect(lstatSync(join(real, 'inner', 'up-link.json')).isSymbolicLink()).toBe(true)
  })

  it('tells linked/../x.json from the x.json beside linked', async () => {
    const outputs = [join(folder, 'up-twin.json'), up('up-twin.json')].map((path) => {
      const checked = checkOutputPath(path, '--output')
      if (E.isLeft(checked)) throw new Error(checked.left.message)
      return checked.right
    })
    expect(distinctOutputs(outputs.map((output) => ['--output', output] as const))).toEqual(
      E.right(undefined),
    )
    expect(await writeAll(outputs.map((output, q) => ({ ...output, content: String(q) })))).toEqual(
      E.right(undefined),
    )
    expect(readFileSync(join(folder, 'up-twin.json'), 'utf8')).toBe('0')
    expect(readFileSync(join(real, 'up-twin.json'), 'utf8')).toBe('1')
    expect(readdirSync(real).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  it('finds a descriptor behind a `..`: fdinfo/../fd/N, with fdinfo -> /proc/self/fdinfo', () => {
    if (!existsSync('/proc/self/fdinfo')) return
    symlinkSync('/proc/self/fdinfo', join(folder, 'fdinfo'))
    const fd = (n: number | string) => `${folder}/fdinfo/../fd/${n}`
    expect(writePlan(fd(1))).toEqual({ mode: 'stdout' })
    expect(writePlan(fd(2))).toEqual({ mode: 'stderr' })
    expect(isStandardInput(fd(0))).toBe(true)
    const own = readdirSync('/proc/self/fd').filter((n) => Number(n) > 2)
    expect(own.length).toBeGreaterThan(0)
    for (const n of own) {
      expect([n, writePlan(fd(n))]).toEqual([
        n,
        { mode: 'descriptor', fd: Number(n), pid: process.pid },
      ])
    }
  })

  it('knows an input read as linked/../x.csv by its other names', async () => {
    writeFileSync(join(real, 'up-input.csv'), '1,2\n')
    rememberInput(up('up-input.csv'))
    const written = await writeAll([{ path: join(real, 'up-input.csv'), content: 'W' }])
    expect(E.isLeft(written) && written.left.message).toMatch(/found the input itself/)
    expect(readFileSync(join(real, 'up-input.csv'), 'utf8')).toBe('1,2\n')
  })
})

describe('checkOutputPath', () => {
  it('gives back the plan writePlan works out, which writeAll then writes by', async () => {
    mkdirSync(join(folder, 'checked'))
    const file = join(folder, 'checked', 'model.json')
    const link = join(folder, 'checked', 'link.json')
    const toStdout = join(folder, 'checked', 'out.json')
    symlinkSync('model.json', link)
    symlinkSync('/dev/stdout', toStdout)
    for (const path of ['-', '/dev/stdout', '/dev/stderr', '/dev/null', file, link, toStdout]) {
      expect(checkOutputPath(path, '--output')).toEqual(E.right({ path, plan: writePlan(path) }))
    }
    const checked = checkOutputPath(link, '--output')
    if (E.isLeft(checked)) throw new Error(checked.left.message)
    expect(checked.right.plan).toEqual({ mode: 'rename', target: file })
    expect(await writeAll([{ ...checked.right, content: '{}' }])).toEqual(E.right(undefined))
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(readFileSync(file, 'utf8')).toBe('{}')
  })

  // The folder a link leads to may be missing: that is what is wrong, not a permission.
  it('names a missing folder behind a dangling link as missing', () => {
    mkdirSync(join(folder, 'leads-nowhere'))
    const link = join(folder, 'leads-nowhere', 'out.json')
    const missing = join(folder, 'leads-nowhere', 'missing')
    symlinkSync(join(missing, 'model.json'), link)
    expect(checkOutputPath(link, '--output')).toEqual(
      E.left({
        kind: 'usage',
        message:
          `option --output: ${link}: expected an existing folder '${missing}' (where its ` +
          'link leads), found none',
      }),
    )
  })
})

describe('isStandardInput', () => {
  it('tells standard input by any of its names, and no other descriptor or file', () => {
    expect(isStandardInput('-')).toBe(true)
    for (const path of ['/dev/stdout', '/dev/stderr', '/dev/null', join(folder, 'a.csv')]) {
      expect([path, isStandardInput(path)]).toEqual([path, false])
    }
    if (!existsSync('/proc/self/fd')) return
    symlinkSync('/dev/stdin', join(folder, 'in.csv'))
    for (const path of [
      join(folder, 'in.csv'),
      '/dev/stdin',
      '/dev/fd/0',
      '/proc/self/fd/0',
      '/proc/thread-self/fd/0',
    ]) {
      expect([path, isStandardInput(path)]).toEqual([path, true])
    }
    expect(isStandardInput('/proc/1/fd/0')).toBe(process.pid === 1)
  })
})

describe('a signal while the outputs are written', () => {
  // The model's temporary file is written first, then the named pipe, whose write waits for
  // a reader: the signal comes while the temporary file is there, however fast the run.
  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s removes the temporary files and ends the process by it',
    async (signal) => {
      const place = join(folder, `signal-${signal}`)
      mkdirSync(place)
      writeFileSync(
        join(place, 'x.csv'),
        sampleData(6, 4)
          .map((row) => row.join(','))
          .join('\n'),
      )
      execFileSync('mkfifo', [join(place, 'pipe.csv')])
      const child = spawn(
        process.execPath,
        [BIN, 'fit', 'x.csv', '-k', '2', '-q', '-o', 'model.json', '--h', 'pipe.csv'],
        { cwd: place, stdio: 'ignore' },
      )
      const ended = new Promise<NodeJS.Signals | number | null>((resolve) =>
        child.on('exit', (code, by) => resolve(by ?? code)),
      )
      const temporary = (): string[] => readdirSync(place).filter((name) => name.endsWith('.tmp'))
      while (temporary().length === 0) await new Promise((resolve) => setTimeout(resolve, 20))
      child.kill(signal)
      // Ended by the signal itself (a shell says 130 or 143), and nothing left behind.
      expect(await ended).toBe(signal)
      expect(temporary()).toEqual([])
      expect(existsSync(join(place, 'model.json'))).toBe(false)
    },
  )
})
