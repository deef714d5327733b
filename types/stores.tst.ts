import Fastify from 'fastify'
import { describe, expect, test } from 'tstyche'
import fastifyDiscord, {
  MemoryCacheStore, MemoryTokenStore, createUsersCache, type CacheStore, type MemoryTokenStoreOptions, type TokenSet, type TokenStore
} from 'fastify-discord'

const app = Fastify()
const required = { clientId: '123456789012345678', clientSecret: 'secret', redirectUri: 'http://localhost:3000/callback', session: { key: Buffer.alloc(32) } }

/** A cache store as a user would write one over Redis. */
class RedisLikeCacheStore implements CacheStore {
  readonly #map = new Map<string, string>()
  async get (key: string): Promise<unknown> {
    const json = this.#map.get(key)
    return json === undefined ? undefined : JSON.parse(json)
  }

  async set (key: string, value: unknown, _ttl?: number): Promise<void> { this.#map.set(key, JSON.stringify(value)) }
  async delete (key: string): Promise<void> { this.#map.delete(key) }
  async deleteUser (userId: string): Promise<void> { this.#map.delete(`user:${userId}:profile`) }
}

/** A token store as a user would write one over a database. */
class DatabaseTokenStore implements TokenStore {
  readonly #rows = new Map<string, TokenSet>()
  async get (id: string): Promise<TokenSet | undefined> { return this.#rows.get(id) }
  async set (id: string, tokens: TokenSet): Promise<void> { this.#rows.set(id, tokens) }
  async delete (id: string): Promise<void> { this.#rows.delete(id) }
}

/** API.md §6's store: no deleteUser, so the users cache deletes a user's keys itself. */
class CacheStoreWithoutDeleteUser {
  async get (_key: string): Promise<unknown> { return undefined }
  async set (_key: string, _value: unknown): Promise<void> {}
  async delete (_key: string): Promise<void> {}
}

/** Synchronous methods: the plugin awaits them, but the contract is async. */
class SyncTokenStore {
  get (_id: string): TokenSet | undefined { return undefined }
  set (_id: string, _tokens: TokenSet): void {}
  delete (_id: string): void {}
}

/** Stores the token set in the wrong shape. */
class StringTokenStore {
  async get (_id: string): Promise<string | undefined> { return undefined }
  async set (_id: string, _tokens: string): Promise<void> {}
  async delete (_id: string): Promise<void> {}
}

describe('cache option', () => {
  test('accepts a CacheStore class written by the user', () => {
    expect(app.register).type.toBeCallableWith(fastifyDiscord, { ...required, cache: new RedisLikeCacheStore() })
  })

  test('accepts the exported MemoryCacheStore', () => {
    expect(app.register).type.toBeCallableWith(fastifyDiscord, { ...required, cache: new MemoryCacheStore({ max: 100, ttl: 60_000 }) })
  })

  test('accepts a plain object store', () => {
    const store: CacheStore = {
      get: async () => undefined,
      set: async () => {},
      delete: async () => {},
      deleteUser: async () => {}
    }
    expect(app.register).type.toBeCallableWith(fastifyDiscord, { ...required, cache: store })
  })

  test('accepts a store without deleteUser (get, set and delete are the contract)', () => {
    expect(app.register).type.toBeCallableWith(fastifyDiscord, { ...required, cache: new CacheStoreWithoutDeleteUser() })
    expect<CacheStoreWithoutDeleteUser>().type.toBeAssignableTo<CacheStore>()
  })

  test('rejects a deleteUser that is not a method', () => {
    expect(app.register).type.not.toBeCallableWith(fastifyDiscord, { ...required, cache: { get: async () => undefined, set: async () => {}, delete: async () => {}, deleteUser: 'yes' } })
  })

  test('createUsersCache() wraps a store of the user', () => {
    expect(createUsersCache).type.toBeCallableWith({ store: new RedisLikeCacheStore(), ttl: 1000 })
    expect(createUsersCache).type.toBeCallableWith({ store: new CacheStoreWithoutDeleteUser() })
    expect(createUsersCache).type.not.toBeCallableWith({ store: new SyncTokenStore() })
  })
})

describe('tokenStore option', () => {
  test('accepts a TokenStore class written by the user', () => {
    expect(app.register).type.toBeCallableWith(fastifyDiscord, { ...required, tokenStore: new DatabaseTokenStore() })
  })

  test('accepts the exported MemoryTokenStore', () => {
    expect(app.register).type.toBeCallableWith(fastifyDiscord, { ...required, tokenStore: new MemoryTokenStore() })
    expect<MemoryTokenStore>().type.toBeAssignableTo<TokenStore>()
  })

  test('MemoryTokenStore takes optional bounds', () => {
    expect(MemoryTokenStore).type.toBeConstructableWith()
    expect(MemoryTokenStore).type.toBeConstructableWith({ max: 1000, ttl: 86_400_000 })
    expect(MemoryTokenStore).type.not.toBeConstructableWith({ maxSize: 1000 })
    expect<MemoryTokenStoreOptions>().type.toBe<{ max?: number, ttl?: number, now?: () => number }>()
  })

  test('rejects a store with synchronous methods', () => {
    expect(app.register).type.not.toBeCallableWith(fastifyDiscord, { ...required, tokenStore: new SyncTokenStore() })
  })

  test('rejects a store that keeps something other than a TokenSet', () => {
    expect(app.register).type.not.toBeCallableWith(fastifyDiscord, { ...required, tokenStore: new StringTokenStore() })
  })

  test('rejects a cache store given as the token store', () => {
    expect<RedisLikeCacheStore>().type.not.toBeAssignableTo<TokenStore>()
  })
})

describe('TokenSet', () => {
  test('is plain JSON with an absolute expiry in milliseconds', () => {
    expect<TokenSet>().type.toBe<{
      accessToken: string
      refreshToken: string | null
      tokenType: string
      expiresAt: number
      scopes: string[]
    }>()
  })
})

describe('redis option', () => {
  test('takes an ioredis Redis or Cluster client, or a URL', async () => {
    const { Redis, Cluster } = await import('ioredis')
    expect(app.register).type.toBeCallableWith(fastifyDiscord, { ...required, redis: new Redis() })
    expect(app.register).type.toBeCallableWith(fastifyDiscord, { ...required, redis: new Cluster([]) })
    expect(app.register).type.toBeCallableWith(fastifyDiscord, { ...required, redis: 'redis://127.0.0.1:6379', redisPrefix: 'app:' })
  })

  test("tokenStore: 'redis' is the only string a token store may be", () => {
    expect(app.register).type.toBeCallableWith(fastifyDiscord, { ...required, redis: 'redis://127.0.0.1:6379', tokenStore: 'redis' })
    expect(app.register).type.not.toBeCallableWith(fastifyDiscord, { ...required, tokenStore: 'memory' })
  })

  test('refuses what is not a client', () => {
    expect(app.register).type.not.toBeCallableWith(fastifyDiscord, { ...required, redis: { host: 'localhost', port: 6379 } })
    expect(app.register).type.not.toBeCallableWith(fastifyDiscord, { ...required, redis: 6379 })
  })
})
