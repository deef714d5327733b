import { describe, expect, test } from 'tstyche'
import {
  AccessDenied, ConfigurationError, DiscordError, ErrorCodes, Forbidden, HttpException, InvalidState, MissingScope, OAuth2Error,
  InvalidRequestLimit, RateLimited, Unauthorized, isDiscordError, type ErrorCode, type ForbiddenCode, type HttpExceptionInfo, type RateLimitInfo
} from 'fastify-discord'

const rateLimitInfo: RateLimitInfo = { retryAfter: 1.5, global: false, scope: 'user', bucket: 'abc', route: 'GET /users/@me', headers: {}, body: null }
const httpInfo: HttpExceptionInfo = { status: 500, discordCode: 0, message: 'x', body: null, method: 'GET', url: '/x' }

test('errors expose their documented fields', () => {
  const limited = new RateLimited({ retryAfter: 1, global: false, scope: null, bucket: null, route: 'GET /users/@me', headers: {}, body: null })
  expect(limited.retryAfter).type.toBe<number>()
  expect(limited.headers).type.toBe<Record<string, string>>()
  expect(new HttpException({ status: 500, discordCode: 0, message: 'x', body: null, method: 'GET', url: '/x' }).code).type.toBe<number>()
  expect(new Unauthorized()).type.toBeAssignableTo<DiscordError>()
  expect(RateLimited).type.not.toBeConstructableWith({ retryAfter: '1' })
})

describe('every error', () => {
  test('extends DiscordError, which extends Error', () => {
    expect<DiscordError>().type.toBeAssignableTo<Error>()
    expect<Unauthorized>().type.toBeAssignableTo<DiscordError>()
    expect<AccessDenied>().type.toBeAssignableTo<DiscordError>()
    expect<InvalidState>().type.toBeAssignableTo<DiscordError>()
    expect<OAuth2Error>().type.toBeAssignableTo<DiscordError>()
    expect<MissingScope>().type.toBeAssignableTo<DiscordError>()
    expect<Forbidden>().type.toBeAssignableTo<DiscordError>()
    expect<RateLimited>().type.toBeAssignableTo<DiscordError>()
    expect<HttpException>().type.toBeAssignableTo<DiscordError>()
    expect<ConfigurationError>().type.toBeAssignableTo<DiscordError>()
    expect<InvalidRequestLimit>().type.toBeAssignableTo<DiscordError>()
    expect<InvalidRequestLimit['retryAfter']>().type.toBe<number>()
  })

  test('carries a Fastify statusCode and a code', () => {
    expect<DiscordError['statusCode']>().type.toBe<number>()
    expect<DiscordError['code']>().type.toBe<ErrorCode | number>()
  })

  test('has its class name as a literal name', () => {
    expect(new Unauthorized().name).type.toBe<'Unauthorized'>()
    expect(new AccessDenied().name).type.toBe<'AccessDenied'>()
    expect(new InvalidState().name).type.toBe<'InvalidState'>()
    expect(new OAuth2Error('invalid_grant').name).type.toBe<'OAuth2Error'>()
    expect(new MissingScope(['guilds'], 'GET /guilds').name).type.toBe<'MissingScope'>()
    expect(new Forbidden(ErrorCodes.NOT_GUILD_MEMBER, '1').name).type.toBe<'Forbidden'>()
    expect(new RateLimited(rateLimitInfo).name).type.toBe<'RateLimited'>()
    expect(new HttpException(httpInfo).name).type.toBe<'HttpException'>()
    expect(new ConfigurationError('x').name).type.toBe<'ConfigurationError'>()
  })

  test('is read-only where it describes what happened', () => {
    type Described = Pick<DiscordError, 'statusCode' | 'code'>
    expect<Described>().type.toBe<Readonly<Described>>()
  })
})

describe('error classes', () => {
  test('AccessDenied carries Discord\'s error and description', () => {
    const denied = new AccessDenied('access_denied', 'The resource owner or authorization server denied the request')
    expect(denied.error).type.toBe<string>()
    expect(denied.errorDescription).type.toBe<string | null>()
    expect(AccessDenied).type.toBeConstructableWith()
    expect(AccessDenied).type.not.toBeConstructableWith(403)
  })

  test('OAuth2Error carries the RFC 6749 error and description', () => {
    const err = new OAuth2Error('invalid_grant', null, 400)
    expect(err.error).type.toBe<string>()
    expect(err.errorDescription).type.toBe<string | null>()
  })

  test('MissingScope names the missing scopes', () => {
    expect(new MissingScope(['guilds', 'email'], 'GET /guilds').missingScopes).type.toBe<string[]>()
    expect(MissingScope).type.not.toBeConstructableWith('guilds', 'GET /guilds')
  })

  test('Forbidden carries one of the guild gate\'s codes and the guild', () => {
    const err = new Forbidden(ErrorCodes.MISSING_ROLE, '1')
    expect(err.code).type.toBe<ForbiddenCode>()
    expect<ForbiddenCode>().type.toBe<'FST_DISCORD_NOT_GUILD_MEMBER' | 'FST_DISCORD_MISSING_ROLE' | 'FST_DISCORD_MISSING_PERMISSIONS'>()
    expect(err.guildId).type.toBe<string>()
    expect(Forbidden).type.toBeConstructableWith(ErrorCodes.MISSING_PERMISSIONS, '1')
    expect(Forbidden).type.not.toBeConstructableWith(ErrorCodes.MISSING_SCOPE, '1')
    expect(Forbidden).type.not.toBeConstructableWith(ErrorCodes.MISSING_ROLE)
  })

  test('RateLimited carries the documented rate-limit details', () => {
    const limited = new RateLimited(rateLimitInfo)
    expect(limited.global).type.toBe<boolean>()
    expect(limited.scope).type.toBe<string | null>()
    expect(limited.bucket).type.toBe<string | null>()
    expect(limited.route).type.toBe<string>()
    expect(limited.body).type.toBe<unknown>()
    expect(RateLimited).type.not.toBeConstructableWith({ retryAfter: 1 })
  })

  test('HttpException carries the upstream status, Discord\'s numeric code, the body and the request', () => {
    const err = new HttpException(httpInfo)
    expect(err.status).type.toBe<number>()
    expect(err.code).type.toBe<number>()
    expect(err.message).type.toBe<string>()
    expect(err.body).type.toBe<unknown>()
    expect(err.method).type.toBe<string>()
    expect(err.url).type.toBe<string>()
    expect(err.errorCode).type.toBe<'FST_DISCORD_HTTP' | 'FST_DISCORD_TIMEOUT'>()
    expect(HttpException).type.toBeConstructableWith({ ...httpInfo, timeout: true })
  })

  test('ConfigurationError takes only its own codes', () => {
    expect(ConfigurationError).type.toBeConstructableWith('x', ErrorCodes.NO_BOT_TOKEN)
    expect(ConfigurationError).type.not.toBeConstructableWith('x', ErrorCodes.RATE_LIMITED)
  })
})

describe('ErrorCodes', () => {
  test('are string literals an app can branch on', () => {
    expect(ErrorCodes.RATE_LIMITED).type.toBe<'FST_DISCORD_RATE_LIMITED'>()
    expect<ErrorCode>().type.toBeAssignableTo<string>()
    expect<'FST_DISCORD_UNAUTHORIZED'>().type.toBeAssignableTo<ErrorCode>()
    expect<'FST_DISCORD_SOMETHING'>().type.not.toBeAssignableTo<ErrorCode>()
  })
})

describe('isDiscordError()', () => {
  test('narrows an unknown caught value to DiscordError', () => {
    const caught: unknown = new Error('x')
    if (isDiscordError(caught)) {
      expect(caught).type.toBe<DiscordError>()
      expect(caught.statusCode).type.toBe<number>()
    } else {
      expect(caught).type.toBe<unknown>()
    }
  })

  test('narrows an Error to DiscordError', () => {
    const caught = new Error('x') as Error
    if (isDiscordError(caught)) {
      expect(caught).type.toBe<DiscordError>()
      expect(caught.code).type.toBe<ErrorCode | number>()
    }
  })

  test('accepts any value, as caught values are unknown', () => {
    expect(isDiscordError).type.toBeCallableWith(undefined)
    expect(isDiscordError).type.toBeCallableWith('a string')
  })

  test('then instanceof narrows to one error class', () => {
    const caught: unknown = null
    if (isDiscordError(caught) && caught instanceof HttpException) {
      expect(caught.status).type.toBe<number>()
    }
    if (caught instanceof MissingScope) {
      expect(caught.missingScopes).type.toBe<string[]>()
    }
    if (caught instanceof Forbidden) {
      expect(caught.code).type.toBe<ForbiddenCode>()
    }
  })

  test('lets an app branch on the stable code', () => {
    const caught: unknown = null
    if (isDiscordError(caught) && caught.code === ErrorCodes.RATE_LIMITED) {
      expect(caught.code).type.toBe<'FST_DISCORD_RATE_LIMITED'>()
    }
  })
})
