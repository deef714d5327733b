// Runs tap and ends its output with one plain line of counts, `tap: N passed, N failed, N skipped`,
// which people read at the end of `npm test` and CI greps for. tap's own summary is an inspected
// object in a TAP comment (`# { total: …, pass: … }`), printed before the coverage report.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const tapBin = fileURLToPath(new URL('../node_modules/.bin/tap', import.meta.url))
const child = spawn(tapBin, process.argv.slice(2), { stdio: ['inherit', 'pipe', 'inherit'] })

let summary = null
let pending = ''
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk)
  const lines = (pending + chunk.toString('utf8')).split('\n')
  pending = lines.pop() ?? ''
  for (const line of lines) {
    const match = /^# \{ total: \d+.*\}\s*$/.exec(line)
    if (match !== null) summary = line
  }
})

child.on('close', (code, signal) => {
  const count = (name) => Number(new RegExp(`\\b${name}: (\\d+)`).exec(summary ?? '')?.[1] ?? 0)
  const line = summary === null
    ? `tap: no summary (exit ${code ?? signal})`
    : `tap: ${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped` +
      (count('todo') > 0 ? `, ${count('todo')} todo` : '')
  process.stdout.write(`\n${line}\n`)
  process.exitCode = code ?? 1
})
