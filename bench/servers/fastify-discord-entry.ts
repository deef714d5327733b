import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { FastifyPluginAsync } from 'fastify'

/** The plugin's options as the bench servers pass them: whatever `register` accepts. */
export type AnyPluginOptions = Record<string, unknown>

/**
 * The fastify-discord plugin from the package entry (`lib/index.ts` under the
 * `fastify-discord-source` condition, or the module `BENCH_ENTRY` names), or the reason it
 * cannot be used.
 *
 * Loaded dynamically so that `BENCH_ENTRY` can swap the build, and so that an entry that fails
 * to load makes C and P report themselves unavailable instead of stopping the whole run.
 */
export async function loadFastifyDiscord (): Promise<FastifyPluginAsync<AnyPluginOptions> | string> {
  let entry: Record<string, unknown>
  try {
    // BENCH_ENTRY points at another build of the plugin, e.g. `./dist/index.js` after `npm run build`.
    const override = process.env.BENCH_ENTRY
    entry = override === undefined || override === ''
      ? await import('fastify-discord')
      : await import(pathToFileURL(resolve(override)).href) as Record<string, unknown>
  } catch (err) {
    return `the package entry failed to load: ${(err as Error).message}`
  }
  const plugin = entry.default
  if (typeof plugin !== 'function') return 'the package entry has no default export (the plugin)'
  return plugin as FastifyPluginAsync<AnyPluginOptions>
}
