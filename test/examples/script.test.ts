import { createServer, type AddressInfo } from 'node:net'
import t from 'tap'
import { spawnScript } from './helpers/spawn-script.js'

t.test('an example started as a script serves until SIGTERM, then exits cleanly', async (t) => {
  const script = await spawnScript(t, 'examples/basic.ts', { PORT: '0', LOG_LEVEL: 'silent', DISCORD_CLIENT_ID: '' }, /example: (http:\/\/localhost:\d+)\//)
  const res = await fetch(`${script.match}/`)
  t.equal(res.status, 200)
  t.match(script.output(), 'Fake Discord: http://127.0.0.1:')
  script.child.kill('SIGTERM')
  t.equal(await script.exited, 0)
})

t.test('the demo on a port already in use says which port and how to choose another, without a stack', async (t) => {
  const blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { blocker.close() })
  const { port } = blocker.address() as AddressInfo
  const script = spawnScript(t, 'examples/demo.ts', { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', DISCORD_CLIENT_ID: '' }, /example: /)
  const err = await script.then(() => null, (e: unknown) => e) as Error
  t.match(err.message, /exited \(1\) before it was ready/)
  t.match(err.message, `Port ${port} on 127.0.0.1 is already in use`)
  t.match(err.message, `PORT=${port + 1} npm run demo`)
  t.notMatch(err.message, /EADDRINUSE| {4}at /, 'no raw error or stack')
})
