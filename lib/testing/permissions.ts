import { PermissionFlagsBits } from 'discord-api-types/v10'

const P = PermissionFlagsBits

/**
 * Permissions a plain member gets when a test does not say: roughly the `@everyone` defaults of
 * a new guild. A decimal string, as Discord sends permissions (they exceed 2^53).
 */
export const DEFAULT_MEMBER_PERMISSIONS = (
  P.CreateInstantInvite | P.ChangeNickname | P.ViewChannel | P.SendMessages |
  P.SendMessagesInThreads | P.CreatePublicThreads | P.CreatePrivateThreads | P.EmbedLinks |
  P.AttachFiles | P.AddReactions | P.UseExternalEmojis | P.UseExternalStickers |
  P.ReadMessageHistory | P.UseApplicationCommands | P.Connect | P.Speak | P.Stream | P.UseVAD |
  P.UseEmbeddedActivities | P.RequestToSpeak
).toString()

/** Every permission bit discord-api-types knows: what Discord reports for a guild's owner. */
export const ALL_PERMISSIONS = Object.values(P).reduce((all, bit) => all | bit, 0n).toString()

/** ADMINISTRATOR together with the defaults, for the seeded admin guild. */
export const ADMIN_PERMISSIONS = (BigInt(DEFAULT_MEMBER_PERMISSIONS) | P.Administrator).toString()
