import { createHash } from 'node:crypto'
import type { RedisClient } from './redis-client.js'

/**
 * A Lua script run with EVALSHA, loaded with EVAL the first time a server has not seen it
 * (NOSCRIPT: a new or restarted server, a failover). Every key it touches is passed in `keys`
 * and shares one hash tag, so the script runs on Redis Cluster too.
 */
export class RedisScript {
  readonly #source: string
  readonly #sha1: string

  constructor (source: string) {
    this.#source = source
    this.#sha1 = createHash('sha1').update(source).digest('hex')
  }

  async run (client: RedisClient, keys: readonly string[], args: ReadonlyArray<string | number> = []): Promise<unknown> {
    try {
      return await client.evalsha(this.#sha1, keys.length, ...keys, ...args)
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err
      return await client.eval(this.#source, keys.length, ...keys, ...args)
    }
  }
}
