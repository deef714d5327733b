import { createUsersCache } from '../../../lib/cache/users-cache.js'
import type { UsersCache } from '../../../lib/cache/users-cache.js'
import type { ResourceContext, ResourceSession } from '../../../lib/resources/resource-types.js'
import type { CallOptions } from '../../../lib/contracts/request-options.js'
import type { TokenSet } from '../../../lib/contracts/token-set.js'

export const CDN = 'https://cdn.example.test'

export interface StubCall {
  route: string
  opts: CallOptions & { oauth?: boolean }
}

export type StubHandler = (route: string, opts: CallOptions & { oauth?: boolean }) => unknown

/** A ResourceSession whose `request` answers from `handler` and records every call. */
export function stubSession (options: { userId: string | null, scopes: string[], handler: StubHandler, token?: TokenSet | null }): { session: ResourceSession, calls: StubCall[] } {
  const calls: StubCall[] = []
  let token: TokenSet | null = options.token === undefined
    ? { accessToken: `access-${options.userId ?? 'anon'}`, refreshToken: 'refresh', tokenType: 'Bearer', expiresAt: Date.now() + 3_600_000, scopes: options.scopes }
    : options.token
  const session: ResourceSession & { setToken: (next: TokenSet | null) => void } = {
    userId: options.userId,
    scopes: options.scopes,
    get authorized () { return token !== null },
    async request<ResultType> (route: string, opts: CallOptions & { oauth?: boolean } = {}): Promise<ResultType> {
      calls.push({ route, opts })
      // A real request is asynchronous: let concurrent callers interleave.
      await new Promise((resolve) => setImmediate(resolve))
      return await (options.handler(route, opts) as Promise<ResultType>)
    },
    async getAuthorizationToken () { return token },
    setToken (next) { token = next }
  }
  return { session, calls }
}

/** A ResourceContext with a real users cache and a recording `botRequest`. */
export function stubContext (options: { bot?: StubHandler, cache?: UsersCache } = {}): { ctx: ResourceContext, botCalls: StubCall[] } {
  const botCalls: StubCall[] = []
  const ctx: ResourceContext = {
    cache: options.cache ?? createUsersCache({ max: 100, ttl: 60_000 }),
    cdnBaseUrl: CDN,
    applicationId: '1000000000000000000',
    async botRequest<ResultType> (route: string, opts: CallOptions = {}): Promise<ResultType> {
      botCalls.push({ route, opts })
      if (options.bot === undefined) throw new Error('no bot handler')
      return await (options.bot(route, opts) as Promise<ResultType>)
    }
  }
  return { ctx, botCalls }
}
