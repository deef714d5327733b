import type { APIUser } from 'discord-api-types/v10'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { FakeContext } from './context.js'
import { DEFAULT_AVATAR_COLOURS, identiconGIF, identiconPNG, solidPNG } from './images.js'

/** Where the CDN lives under the fake's root; `pluginOptions.cdnBaseUrl` is `${url}${CDN_PREFIX}`. */
export const CDN_PREFIX = '/cdn'

const IMAGE_FILE = /^((?:a_)?[A-Za-z0-9]+)\.(png|jpg|jpeg|webp|gif)$/

function notFound (reply: FastifyReply): FastifyReply {
  return reply.code(404).type('text/plain; charset=utf-8').send('404: Not Found')
}

/**
 * Sends the identicon of `hash`: the same image on every load, a different one for another hash.
 * Animated (`a_`) hashes get a still GIF too, since a test or a screenshot needs a stable picture.
 * JPEG and WebP requests get PNG bytes labelled as PNG: the fake only needs something a browser will draw.
 */
function sendImage (reply: FastifyReply, hash: string, ext: string): FastifyReply {
  reply.header('cache-control', 'public, max-age=86400')
  if (ext === 'gif') return reply.type('image/gif').send(identiconGIF(hash))
  return reply.type('image/png').send(identiconPNG(hash))
}

/**
 * The CDN routes: avatars, default avatars, guild icons and banners, avatar decorations and
 * server tag badges of the fake's data.
 */
export function registerCdnRoutes (app: FastifyInstance, ctx: FakeContext): void {
  const image = (kind: string, lookup: (id: string) => readonly (string | null | undefined)[], formats?: ReadonlySet<string>): void => {
    app.get<{ Params: { id: string, file: string } }>(`${CDN_PREFIX}/${kind}/:id/:file`, async (request, reply) => {
      const match = IMAGE_FILE.exec(request.params.file)
      if (match === null || (formats !== undefined && !formats.has(match[2]!))) return notFound(reply)
      const hash = match[1]!
      if (!lookup(request.params.id).includes(hash)) return notFound(reply)
      return sendImage(reply, hash, match[2]!)
    })
  }
  const users = (): APIUser[] => [...ctx.store.users()]
  image('avatars', (id) => [ctx.store.getUser(id)?.avatar])
  image('icons', (id) => [ctx.store.getGuild(id)?.icon])
  image('banners', (id) => [ctx.store.getUser(id)?.banner, ctx.store.getGuild(id)?.banner])
  // Discord's image formatting table: badges as PNG, JPEG or WebP; decorations as PNG only,
  // animated ones included (APNG). A badge belongs to the guild its users show the tag of.
  image('guild-tag-badges', (guildId) => users()
    .filter((user) => user.primary_guild?.identity_guild_id === guildId)
    .map((user) => user.primary_guild?.badge), new Set(['png', 'jpg', 'jpeg', 'webp']))

  app.get<{ Params: { file: string } }>(`${CDN_PREFIX}/avatar-decoration-presets/:file`, async (request, reply) => {
    const match = IMAGE_FILE.exec(request.params.file)
    if (match === null || match[2] !== 'png') return notFound(reply)
    const hash = match[1]!
    if (!users().some((user) => user.avatar_decoration_data?.asset === hash)) return notFound(reply)
    return sendImage(reply, hash, 'png')
  })

  app.get<{ Params: { file: string } }>(`${CDN_PREFIX}/embed/avatars/:file`, async (request, reply) => {
    const match = /^([0-5])\.png$/.exec(request.params.file)
    if (match === null) return notFound(reply)
    reply.header('cache-control', 'public, max-age=86400')
    return reply.type('image/png').send(solidPNG(DEFAULT_AVATAR_COLOURS[Number(match[1])]!))
  })

  app.get(`${CDN_PREFIX}/*`, async (_request, reply) => notFound(reply))
}
