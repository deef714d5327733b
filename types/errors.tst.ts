import { expect, test } from 'tstyche'
import { HttpException, RateLimited, Unauthorized, type DiscordError } from 'fastify-discord'

test('errors expose their documented fields', () => {
  const limited = new RateLimited({ retryAfter: 1, global: false, scope: null, bucket: null, route: 'GET /users/@me', headers: {}, body: null })
  expect(limited.retryAfter).type.toBe<number>()
  expect(limited.headers).type.toBe<Record<string, string>>()
  expect(new HttpException({ status: 500, discordCode: 0, message: 'x', body: null, method: 'GET', url: '/x' }).code).type.toBe<number>()
  expect(new Unauthorized()).type.toBeAssignableTo<DiscordError>()
  expect(RateLimited).type.not.toBeConstructableWith({ retryAfter: '1' })
})
