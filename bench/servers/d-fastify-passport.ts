/**
 * Target D, what Fastify users pick today: @fastify/passport with passport-discord on
 * @fastify/secure-session. `GET /me` is guarded by `request.isAuthenticated()` and answers
 * `request.user`, which passport deserializes from the session on every request (a Map lookup).
 *
 * `GET /bench/login` is a test-only route that calls `request.logIn(user)` with a fixed user,
 * as passport-discord's verify callback would after a real login: the harness measures the
 * authorized request, not the login (which would need Discord).
 */
import { createRequire } from 'node:module'
import secureSession from '@fastify/secure-session'
import Fastify from 'fastify'
import type { FastifyPluginAsync, FastifyRequest, preValidationAsyncHookHandler } from 'fastify'
import DiscordStrategy from 'passport-discord'
import { serveFastify } from './child.js'
import { BENCH_PROFILE, sessionKey } from './fixture.js'
import type { BenchProfile } from './fixture.js'

/**
 * The slice of @fastify/passport used here. It is loaded with require() so that its
 * `declare module 'fastify'` augmentation (request.user, request.logIn, ...) does not leak into
 * the type checking of the rest of the project, which shares one tsconfig.
 */
interface FastifyAuthenticator {
  initialize (): FastifyPluginAsync
  secureSession (): FastifyPluginAsync
  use (name: string, strategy: unknown): void
  registerUserSerializer<User, Stored> (fn: (user: User, request: FastifyRequest) => Promise<Stored>): void
  registerUserDeserializer<Stored, User> (fn: (stored: Stored, request: FastifyRequest) => Promise<User>): void
}
interface PassportRequest {
  user?: BenchProfile
  isAuthenticated (): boolean
  logIn (user: BenchProfile): Promise<void>
}

const require = createRequire(import.meta.url)
const { Authenticator } = require('@fastify/passport') as { Authenticator: new () => FastifyAuthenticator }

const users = new Map<string, BenchProfile>([[BENCH_PROFILE.id, BENCH_PROFILE]])
const passport = new Authenticator()
passport.use('discord', new DiscordStrategy({
  clientID: '1',
  clientSecret: 'bench-client-secret',
  callbackURL: 'http://127.0.0.1/auth/discord/callback',
  scope: ['identify']
}, (_accessToken, _refreshToken, profile, done) => { done(null, users.get(profile.id)) }))
passport.registerUserSerializer(async (user: BenchProfile) => user.id)
passport.registerUserDeserializer(async (id: string) => users.get(id) ?? null)

const app = Fastify({ logger: false })
await app.register(secureSession, { key: sessionKey(), cookie: { path: '/', httpOnly: true, sameSite: 'lax' } })
await app.register(passport.initialize())
await app.register(passport.secureSession())

const ensureAuthenticated: preValidationAsyncHookHandler = async (request, reply) => {
  if (!(request as unknown as PassportRequest).isAuthenticated()) await reply.code(401).send({ statusCode: 401, error: 'Unauthorized', message: 'Log in first' })
}

app.get('/bench/login', async (request) => {
  await (request as unknown as PassportRequest).logIn(BENCH_PROFILE)
  return { ok: true }
})
app.get('/me', { preValidation: ensureAuthenticated }, async (request) => (request as unknown as PassportRequest).user)

await serveFastify(app, '/bench/login')
