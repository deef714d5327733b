export type {
  FakeDiscord, FakeDiscordOptions, FakePluginOptions, FakeRateLimit, FakeCall, FakeFault, FakeClock, FakeTokenResponse
} from './fake-discord.js'
