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
