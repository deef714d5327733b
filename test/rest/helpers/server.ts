import Fastify, { type FastifyInstance } from 'fastify'

interface Teardown {
  teardown (fn: () => unknown): void
}

/** Starts a small Fastify server on port 0 for one test; `setup` registers its routes. */
export async function startServer (t: Teardown, setup: (app: FastifyInstance) => void): Promise<{ app: FastifyInstance, url: string }> {
  const app = Fastify({ forceCloseConnections: true })
  setup(app)
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return { app, url: `http://127.0.0.1:${port}/api/v10` }
}

/** Resolves once `predicate` holds, checking after every macrotask turn (real I/O keeps flowing). */
export async function until (predicate: () => boolean, turns = 2000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (predicate()) return
    await new Promise((resolve) => setImmediate(resolve))
  }
  throw new Error('condition not reached')
}
