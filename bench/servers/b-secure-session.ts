/**
 * Target B, the unavoidable cost: Fastify + @fastify/secure-session. `GET /me` decrypts the
 * session cookie, reads the user id from it and looks the profile up in a Map.
 *
 * `GET /bench/login` is a test-only route that puts the user id in the session: the harness
 * measures the authorized request, not the login.
 */
import secureSession from '@fastify/secure-session'
import Fastify from 'fastify'
import { serveFastify } from './child.js'
import { BENCH_PROFILE, sessionKey } from './fixture.js'
import type { BenchProfile } from './fixture.js'

/** secure-session types its keys through a global SessionData interface; a local view keeps that untouched. */
interface UserIdSession {
  get (key: 'userId'): unknown
  set (key: 'userId', value: string): void
}

const users = new Map<string, BenchProfile>([[BENCH_PROFILE.id, BENCH_PROFILE]])

const app = Fastify({ logger: false })
await app.register(secureSession, { key: sessionKey(), cookie: { path: '/', httpOnly: true, sameSite: 'lax' } })

app.get('/bench/login', async (request) => {
  (request.session as unknown as UserIdSession).set('userId', BENCH_PROFILE.id)
  return { ok: true }
})

app.get('/me', {
  preHandler: async (request, reply) => {
    const userId = (request.session as unknown as UserIdSession).get('userId')
    if (typeof userId !== 'string' || !users.has(userId)) await reply.code(401).send({ statusCode: 401, error: 'Unauthorized', message: 'Log in first' })
  }
}, async (request) => users.get((request.session as unknown as UserIdSession).get('userId') as string))

await serveFastify(app, '/bench/login')
