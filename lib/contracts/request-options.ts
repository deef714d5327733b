import type { BodyShape } from './body-shape.js'

/**
 * The shape of one call to Discord's API, shared by every layer that makes one: the REST client
 * sends it, the resources and `request.discord.request()` pass it on, and `fastify.discord`
 * takes it from the app. Declared once, here, so the layers cannot drift apart.
 */

/** HTTP methods of a call to Discord's API. */
export type DiscordHttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** Query parameters of a call; `null` and `undefined` values are left out. */
export type DiscordQuery = Record<string, string | number | boolean | bigint | null | undefined> | URLSearchParams

/** Options of `request.discord.request()` and `botRequest()`. */
export interface DiscordRequestOptions {
  /** @defaultValue `'GET'` */
  method?: DiscordHttpMethod | undefined
  query?: DiscordQuery | undefined
  /** Sent as JSON. */
  body?: unknown | undefined
  signal?: AbortSignal | undefined
  /** `false` sends no Authorization header. @defaultValue `true` */
  oauth?: boolean | undefined
}

/** A call made with credentials chosen by the caller (the bot token, a token the app holds): {@link DiscordRequestOptions} without `oauth`. */
export type CallOptions = Omit<DiscordRequestOptions, 'oauth'>

/** A call whose 2xx body must have a shape (the resources' calls, before a model is built). */
export interface ShapedCallOptions extends CallOptions {
  expect?: BodyShape | undefined
}
