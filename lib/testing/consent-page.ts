import type { APIUser } from 'discord-api-types/v10'

const SCOPE_TEXT: Record<string, string> = {
  identify: 'Access your username, avatar, and banner',
  email: 'Access your email address',
  connections: 'Access your third-party connections',
  guilds: 'Know what servers you\'re in',
  'guilds.join': 'Join servers for you',
  'guilds.members.read': 'Read your member info (nickname, avatar, roles, etc...) for servers you belong to',
  bot: 'Add a bot to a server',
  'applications.commands': 'Create commands in a server'
}

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHTML (text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

const STYLE = 'body{font-family:system-ui,sans-serif;background:#313338;color:#dbdee1;display:flex;justify-content:center;padding:48px}' +
  'main{background:#2b2d31;border-radius:8px;padding:32px;max-width:420px}h1{font-size:20px;color:#f2f3f5}' +
  'ul{padding-left:20px}button{border:0;border-radius:4px;padding:10px 24px;margin-right:8px;font-size:14px;cursor:pointer}' +
  '.avatar{border-radius:50%;vertical-align:middle}.primary{background:#5865f2;color:#fff}.secondary{background:transparent;color:#dbdee1}'

function page (title: string, body: string): string {
  // An empty inline icon: without it the browser asks the fake for /favicon.ico and logs a 404.
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHTML(title)}</title><link rel="icon" href="data:,">` +
    `<style>${STYLE}</style></head><body><main>${body}</main></body></html>`
}

/** The user's avatar on the fake's own CDN: the uploaded one, else Discord's default for the account. */
export function avatarPath (user: APIUser): string {
  if (user.avatar !== null) return `/cdn/avatars/${user.id}/${user.avatar}.png?size=64`
  // Migrated accounts (discriminator "0") pick the default from the id, legacy ones from the tag.
  const index = user.discriminator === '0' ? Number((BigInt(user.id) >> 22n) % 6n) : Number(user.discriminator) % 5
  return `/cdn/embed/avatars/${index}.png`
}

/** What the consent page shows and posts back. */
export interface ConsentPageInput {
  appName: string
  user: APIUser
  scopes: readonly string[]
  /** The authorize request's query, echoed back in hidden fields so the POST can re-check it. */
  params: Record<string, string>
}

/**
 * Discord's "<App> wants to access your account" page: the user, the scopes, and Authorize /
 * Cancel buttons that POST the decision back, so it works in a real browser without script.
 */
export function renderConsentPage (input: ConsentPageInput): string {
  const name = input.user.global_name ?? input.user.username
  const tag = input.user.discriminator === '0' ? `@${input.user.username}` : `${input.user.username}#${input.user.discriminator}`
  const scopes = input.scopes.map((s) => `<li data-scope="${escapeHTML(s)}">${escapeHTML(SCOPE_TEXT[s] ?? s)} <code>${escapeHTML(s)}</code></li>`).join('')
  const hidden = Object.entries(input.params)
    .map(([k, v]) => `<input type="hidden" name="${escapeHTML(k)}" value="${escapeHTML(v)}">`).join('')
  return page(`Authorize ${input.appName}`,
    `<h1>${escapeHTML(input.appName)} wants to access your account</h1>` +
    `<p><img class="avatar" src="${escapeHTML(avatarPath(input.user))}" alt="" width="32" height="32"> ` +
    `Signed in as <strong class="user">${escapeHTML(name)}</strong> (${escapeHTML(tag)})</p>` +
    `<p>This will allow the developer of ${escapeHTML(input.appName)} to:</p><ul class="scopes">${scopes}</ul>` +
    `<form method="post" action="/oauth2/authorize">${hidden}` +
    '<button class="secondary" type="submit" name="decision" value="cancel">Cancel</button>' +
    '<button class="primary" type="submit" name="decision" value="authorize">Authorize</button>' +
    '</form>')
}

/** The page Discord shows when the request cannot be sent back to the application. */
export function renderErrorPage (message: string): string {
  return page('Discord', `<h1>Something went wrong</h1><p class="error">${escapeHTML(message)}</p>`)
}
