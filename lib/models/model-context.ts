/**
 * What a model needs from its surroundings. Kept tiny and free of Fastify so models can be
 * built anywhere (tests, scripts, a worker) from a payload and a CDN base URL.
 */
export interface ModelContext {
  /** Base of image URLs, e.g. `https://cdn.discordapp.com` (the plugin's `cdnBaseUrl`). */
  readonly cdnBaseUrl: string
}
