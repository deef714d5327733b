import { readFile } from 'node:fs/promises'
import { cpus, arch, platform, release, totalmem } from 'node:os'
import { join } from 'node:path'

/** The machine and software a run happened on. */
export interface Environment {
  node: string
  os: string
  cpuCount: number
  cpuModel: string
  totalMemoryGiB: number
  packages: Record<string, string>
}

const PACKAGES = [
  'fastify', '@fastify/secure-session', '@fastify/passport', 'passport', 'passport-discord',
  'express', 'express-session', 'autocannon', 'tsx'
]

/** Describes this machine; package versions are read from `root`'s node_modules. */
export async function describeEnvironment (root: string): Promise<Environment> {
  const packages: Record<string, string> = {}
  const own = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { name: string, version: string }
  packages[own.name] = `${own.version} (this tree)`
  for (const name of PACKAGES) {
    try {
      const pkg = JSON.parse(await readFile(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }
      packages[name] = pkg.version
    } catch {
      packages[name] = 'not installed'
    }
  }
  const cpuList = cpus()
  return {
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
    cpuCount: cpuList.length,
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    totalMemoryGiB: Math.round(totalmem() / 2 ** 30 * 10) / 10,
    packages
  }
}
