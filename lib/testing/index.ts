export { createFakeDiscord } from './fake-discord-server.js'
export { fakeGuild, fakeUser } from './builders.js'

export type {
  FakeDiscord, FakeDiscordOptions, FakePluginOptions, FakeRateLimit, FakeCall, FakeFault, FakeClock, FakeTokenResponse
} from './fake-discord.js'
