/** Every OAuth2 scope Discord's spec lists; anything else is `invalid_scope`. */
export const KNOWN_SCOPES: ReadonlySet<string> = new Set([
  'activities.invites.write', 'activities.read', 'activities.write', 'applications.builds.read',
  'applications.builds.upload', 'applications.commands', 'applications.commands.permissions.update',
  'applications.commands.update', 'applications.entitlements', 'applications.store.update', 'bot',
  'connections', 'dm_channels.read', 'email', 'gdm.join', 'guilds', 'guilds.join',
  'guilds.members.read', 'identify', 'messages.read', 'openid', 'relationships.read',
  'role_connections.write', 'rpc', 'rpc.activities.write', 'rpc.notifications.read',
  'rpc.screenshare.read', 'rpc.screenshare.write', 'rpc.video.read', 'rpc.video.write',
  'rpc.voice.read', 'rpc.voice.write', 'voice', 'webhook.incoming'
])

/** Splits a space-separated scope string; Discord also tolerates repeated spaces. */
export function parseScopes (scope: string | undefined): string[] {
  return [...new Set((scope ?? '').split(' ').filter((s) => s !== ''))]
}
