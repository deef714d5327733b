/**
 * `session[kTokenAtHand]()`: the session's token set when it is usable without any I/O (held in
 * the cookie, or already read this request, and not due for a refresh), else `undefined`, which
 * means "ask `getAuthorizationToken()`". The guard and the cached fetches take this synchronous
 * path on every guarded page; anything it cannot decide goes the asynchronous way.
 */
export const kTokenAtHand = Symbol('fastify-discord.tokenAtHand')
