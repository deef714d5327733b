import Fastify from 'fastify'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { HttpException } from '../../../lib/errors/http-exception.js'
import { Unauthorized } from '../../../lib/errors/unauthorized.js'

/** Stand-in for `request.discord`: only what the guard reads, plus a record of createSession calls. */
export interface StubSession {
  authorized: boolean
  scopes: string[]
  createSessionCalls: Array<{ scope: string[], next?: string }>
  createSession (options: { scope: string[], next?: string }): Promise<string>
  getAuthorizationToken (): Promise<object | null>
}

/**
 * What `getAuthorizationToken()` does: hand out a token, answer `null` (the token store lost
 * it), throw `Unauthorized` (Discord refused the refresh) or `HttpException` (Discord down while
 * an expired token needed a refresh). @defaultValue 'usable' when authorized
 */
export type StubToken = 'usable' | 'lost' | 'refused' | 'down'

/** A session in the given state whose createSession returns a recognisable authorize URL. */
export function stubSession (state: { authorized: boolean, scopes?: string[], token?: StubToken }): StubSession {
  const calls: StubSession['createSessionCalls'] = []
  const token = state.token ?? (state.authorized ? 'usable' : 'lost')
  return {
    authorized: state.authorized,
    scopes: state.scopes ?? [],
    createSessionCalls: calls,
    async getAuthorizationToken () {
      if (token === 'refused') throw new Unauthorized('Discord refused to refresh the authorization: log in again')
      if (token === 'down') throw new HttpException({ status: 503, discordCode: 0, message: 'down', body: null, method: 'POST', url: '/oauth2/token' })
      return token === 'usable' ? { accessToken: 'stub' } : null
    },
    async createSession (options) {
      calls.push(options)
      return `https://discord.test/oauth2/authorize?scope=${encodeURIComponent(options.scope.join(' '))}&state=s1`
    }
  }
}

/**
 * A fresh Fastify app whose requests carry `session` as `request.discord`, standing in for the
 * plugin, which decorates the request with a getter the same way. `null` stands for an app
 * where the plugin is missing.
 */
export function appWithSession (session: StubSession | null): FastifyInstance {
  const app = Fastify()
  app.decorateRequest('discord', { getter: () => session as unknown as FastifyRequest['discord'] })
  return app
}

/** What Chromium sends when navigating to a page. */
export const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'
