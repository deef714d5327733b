import Fastify from 'fastify'
import t from 'tap'
import { HttpException } from '../../lib/index.js'
import { systemClock } from '../../lib/rest/clock.js'
import { RestClient } from '../../lib/rest/rest-client.js'
import { MAX_TEXT_IN_ERROR, send } from '../../lib/rest/transport.js'

const init = { method: 'GET' }
const PAGE = `<html>${'x'.repeat(500_000)}</html>`

async function read (status: number, type: string, text: string): Promise<unknown> {
  const res = await send(async () => new Response(text, { status, headers: { 'content-type': type } }), systemClock, 1000, 'http://x/', init, new AbortController().signal)
  return res.body
}

t.test('a 500 KB HTML error page is cut to 2 KiB with a marker saying how much was left out', async (t) => {
  const body = await read(500, 'text/html', PAGE) as string
  t.ok(body.startsWith(PAGE.slice(0, MAX_TEXT_IN_ERROR)))
  t.ok(body.length < MAX_TEXT_IN_ERROR + 64, `${body.length} characters kept`)
  t.match(body, new RegExp(`… \\[${PAGE.length - MAX_TEXT_IN_ERROR} more characters cut\\]$`))
})

t.test('malformed JSON is cut with the same marker; short error pages and successful text bodies are kept whole', async (t) => {
  t.match(await read(200, 'application/json', `{"a": ${'1'.repeat(10_000)}`), /more characters cut\]$/)
  t.equal(await read(403, 'text/html', '<html>nope</html>'), '<html>nope</html>')
  t.equal(await read(400, 'text/plain', 'x'.repeat(MAX_TEXT_IN_ERROR)), 'x'.repeat(MAX_TEXT_IN_ERROR), 'exactly the limit is not cut')
  t.equal((await read(200, 'text/plain', PAGE) as string).length, PAGE.length, 'a successful body is the caller\'s result')
})

t.test('the HttpException of a huge HTML 502 carries (and serialises) only the cut body', async (t) => {
  const server = Fastify()
  t.teardown(async () => server.close())
  server.get('/api/v10/users/@me', async (_request, reply) => reply.code(502).type('text/html').send(PAGE))
  const url = await server.listen({ port: 0, host: '127.0.0.1' })
  const client = new RestClient({ apiBaseUrl: `${url}/api/v10`, retries: 0, sweepInterval: 0 })
  t.teardown(() => client.close())
  const err = await client.request('/users/@me', { auth: { type: 'None' } }).catch((e: unknown) => e) as HttpException
  t.ok(err instanceof HttpException)
  t.equal(err.status, 502)
  t.ok(JSON.stringify(err).length < 4096, 'an error log line stays small')
  t.match(err.body, /more characters cut\]$/)
})
