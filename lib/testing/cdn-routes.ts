import type { FastifyInstance, FastifyReply } from 'fastify'
import type { FakeContext } from './context.js'
import { DEFAULT_AVATAR_COLOURS, blinkingGIF, colourFor, solidPNG } from './images.js'
import type { RGB } from './images.js'

/** Where the CDN lives under the fake's root; `pluginOptions.cdnBaseUrl` is `${url}${CDN_PREFIX}`. */
export const CDN_PREFIX = '/cdn'

const IMAGE_FILE = /^((?:a_)?[A-Za-z0-9]+)\.(png|jpg|jpeg|webp|gif)$/

function notFound (reply: FastifyReply): FastifyReply {
  return reply.code(404).type('text/plain; charset=utf-8').send('404: Not Found')
}

/**
 * Sends an image for `hash`. GIFs blink for animated (`a_`) hashes. JPEG and WebP requests get
 * PNG bytes labelled as PNG: the fake only needs something a browser will draw.
 */
function sendImage (reply: FastifyReply, hash: string, ext: string, colour: RGB): FastifyReply {
  reply.header('cache-control', 'public, max-age=86400')
  if (ext === 'gif') {
    const second: RGB = hash.startsWith('a_') ? [255 - colour[0], 255 - colour[1], 255 - colour[2]] : colour
    return reply.type('image/gif').send(blinkingGIF([colour, second]))
  }
  return reply.type('image/png').send(solidPNG(colour))
}

/** The CDN routes: avatars, default avatars, guild icons and banners of the fake's data. */
export function registerCdnRoutes (app: FastifyInstance, ctx: FakeContext): void {
  const image = (kind: string, lookup: (id: string) => readonly (string | null | undefined)[]): void => {
    app.get<{ Params: { id: string, file: string } }>(`${CDN_PREFIX}/${kind}/:id/:file`, async (request, reply) => {
      const match = IMAGE_FILE.exec(request.params.file)
      if (match === null) return notFound(reply)
      const hash = match[1]!
      if (!lookup(request.params.id).includes(hash)) return notFound(reply)
      return sendImage(reply, hash, match[2]!, colourFor(hash))
    })
  }
  image('avatars', (id) => [ctx.store.getUser(id)?.avatar])
  image('icons', (id) => [ctx.store.getGuild(id)?.icon])
  image('banners', (id) => [ctx.store.getUser(id)?.banner, ctx.store.getGuild(id)?.banner])

  app.get<{ Params: { file: string } }>(`${CDN_PREFIX}/embed/avatars/:file`, async (request, reply) => {
    const match = /^([0-5])\.png$/.exec(request.params.file)
    if (match === null) return notFound(reply)
    return sendImage(reply, match[1]!, 'png', DEFAULT_AVATAR_COLOURS[Number(match[1])]!)
  })

  app.get(`${CDN_PREFIX}/*`, async (_request, reply) => notFound(reply))
}
