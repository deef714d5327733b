/**
 * Target A, the ceiling: bare Fastify answering `GET /me` with a constant profile. No session,
 * no guard.
 */
import Fastify from 'fastify'
import { serveFastify } from './child.js'
import { BENCH_PROFILE } from './fixture.js'

const app = Fastify({ logger: false })
app.get('/me', async () => BENCH_PROFILE)

await serveFastify(app, null)
