/**
 * Where one server process spent its time under load, per request, from a V8 CPU profile
 * written with `BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"` (bench/README.md,
 * "Where the time goes"):
 *
 *   npx tsx bench/profile-summary.ts <file.cpuprofile> <req/s of that round> [seconds=warm-up+duration] [functions=25]
 *
 * It counts the samples of the last `seconds` up to the last one in HTTP request handling, sorts each sample's own time into a few groups by the function it was in,
 * and divides by the requests of the warm-up and the measured run (req/s × seconds).
 * Built-ins called directly by fastify-discord's code count as its own; JSON.parse and other
 * V8 built-ins count for the JavaScript function that called them.
 */
import { readFileSync } from 'node:fs'

interface CallFrame { functionName: string, url: string, lineNumber: number }
interface ProfileNode { id: number, callFrame: CallFrame, children?: number[] }
interface Profile { nodes: ProfileNode[], startTime: number, samples: number[], timeDeltas: number[] }

const [file, rpsArg, secondsArg = '4', topArg = '25'] = process.argv.slice(2)
if (file === undefined || rpsArg === undefined) {
  console.error('usage: profile-summary.ts <file.cpuprofile> <req/s> [seconds] [functions]')
  process.exit(1)
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
const parents = new Map<number, number>()
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id)
const frame = (id: number): CallFrame => (nodes.get(id) as ProfileNode).callFrame
const ownLib = `${process.cwd()}/lib/`

function inStack (id: number, test: (f: CallFrame) => boolean): boolean {
  for (let cur: number | undefined = id; cur !== undefined; cur = parents.get(cur)) if (test(frame(cur))) return true
  return false
}

function group (id: number): string {
  const { functionName: name, url } = frame(id)
  if (name === '(garbage collector)') return 'GC'
  if (name === '(idle)') return 'idle'
  if (name === '(program)') return 'V8 and Node natives, unattributed'
  if (name.includes('crypto_secretbox')) return 'sodium: decrypt'
  if (url.includes('@fastify/secure-session')) return 'secure-session: decode (JSON.parse), Session, Proxy'
  if (url.startsWith('node:buffer') || /^base64|^(utf8|latin1)(Slice|Write)$/.test(name)) return 'base64 and Buffer'
  if (url.includes(ownLib)) return 'fastify-discord'
  const parent = parents.get(id)
  if (parent !== undefined && frame(parent).url.includes(ownLib) && (url === '' || url.startsWith('node:'))) return 'fastify-discord'
  if (url.includes('/cookie/') || url.includes('@fastify/cookie')) return 'cookie parsing'
  if (url.includes('lru-cache')) return 'lru-cache'
  if (/node_modules\/(fastify|find-my-way|fast-json-stringify|light-my-request|@fastify\/(passport|error))\//.test(url)) return 'Fastify (and passport)'
  return 'Node\'s HTTP, streams, the rest'
}

let time = profile.startTime
const times = profile.timeDeltas.map((delta) => (time += delta))
const serving = (i: number): boolean => inStack(profile.samples[i] as number, (f) => f.functionName === 'parserOnIncoming' || f.functionName === 'parserOnHeadersComplete')
// The load ends with the last sample in a request; it began `seconds` earlier (the log-in's few
// requests before it are left out).
let last = -1
for (let i = profile.samples.length - 1; i >= 0 && last === -1; i--) if (serving(i)) last = i
const end = times[last] ?? 0
let first = last
while (first > 0 && (times[first - 1] as number) >= end - Number(secondsArg) * 1e6) first--
const own = new Map<number, number>()
for (let i = Math.max(first, 0); i <= last; i++) {
  const id = profile.samples[i] as number
  own.set(id, (own.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0))
}
const groups = new Map<string, number>()
const functions = new Map<string, number>()
for (const [id, micros] of own) {
  const name = group(id)
  groups.set(name, (groups.get(name) ?? 0) + micros)
  const { functionName, url, lineNumber } = frame(id)
  const key = `${functionName === '' ? '(anonymous)' : functionName} ${url.replace(/^.*\/node_modules\//, '').replace(ownLib, 'lib/')}:${lineNumber}`
  functions.set(key, (functions.get(key) ?? 0) + micros)
}
const requests = Number(rpsArg) * Number(secondsArg)
const busy = [...groups].filter(([name]) => name !== 'idle').reduce((sum, [, micros]) => sum + micros, 0)
console.log(`${((times[last] as number) - (times[first] as number)) / 1e6} s of load, ${Math.round(requests)} requests, ${(busy / requests).toFixed(1)} µs busy per request`)
console.log('| group | µs per request | share of busy time |', '\n|---|---:|---:|')
for (const [name, micros] of [...groups].filter(([n]) => n !== 'idle').sort((a, b) => b[1] - a[1])) {
  console.log(`| ${name} | ${(micros / requests).toFixed(2)} | ${(100 * micros / busy).toFixed(1)} % |`)
}
console.log()
for (const [key, micros] of [...functions].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, Number(topArg))) {
  console.log(`${(micros / requests).toFixed(3).padStart(8)} µs  ${key}`)
}
