/**
 * The house rules of lib/, checked by `npm run lint` (`depcruise lib`): each folder is one
 * concept and imports only the folders below it (README.md, "How the code is laid out", has
 * the same table in words); no file takes part in an import cycle.
 */

/** Folder → the folders it may import, bottom first. */
const layers = {
  contracts: [],
  errors: [],
  models: [],
  redis: ['errors', 'contracts'],
  cache: ['redis', 'errors'],
  rest: ['redis', 'errors', 'contracts'],
  oauth: ['rest', 'errors', 'contracts'],
  cookie: ['errors', 'contracts'],
  options: ['redis', 'rest', 'cache', 'models', 'errors', 'contracts'],
  tokens: ['cookie', 'oauth', 'rest', 'redis', 'cache', 'errors', 'contracts'],
  resources: ['rest', 'cache', 'models', 'errors', 'contracts'],
  login: ['tokens', 'cookie', 'oauth', 'rest', 'redis', 'cache', 'models', 'errors', 'contracts'],
  session: ['login', 'resources', 'tokens', 'cookie', 'models', 'rest', 'errors', 'contracts'],
  fastify: ['session', 'options', 'login', 'resources', 'tokens', 'cookie', 'models', 'rest', 'redis', 'cache', 'errors', 'contracts'],
  // The fake Discord is its own export path and shares nothing with the plugin.
  testing: []
}

const folderRules = Object.entries(layers).map(([folder, allowed]) => ({
  name: `${folder}-imports-only-below`,
  comment: `lib/${folder}/ may import ${allowed.length === 0 ? 'no other folder of lib/' : allowed.map((name) => `lib/${name}/`).join(', ')}`,
  severity: 'error',
  from: { path: `^lib/${folder}/` },
  to: { path: '^lib/', pathNot: [`^lib/${folder}/`, ...allowed.map((name) => `^lib/${name}/`)] }
}))

module.exports = {
  forbidden: [
    ...folderRules,
    {
      name: 'no-upward-to-entry-files',
      comment: 'plugin.ts, augment.ts and index.ts are the top of the house: nothing in a folder imports them',
      severity: 'error',
      from: { path: '^lib/[^/]+/' },
      to: { path: '^lib/[^/]+\\.ts$' }
    },
    {
      name: 'no-circular',
      comment: 'no import cycle between files that runs at load time',
      severity: 'error',
      from: { path: '^lib/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } }
    },
    {
      // User and GuildMember name each other's types (a member has a user; adding a user to a
      // guild gives a member): a type-only cycle inside models/, erased at build time. Any other
      // cycle, type-only or not, is refused.
      name: 'no-circular-types',
      comment: 'no import cycle between files, type-only ones included, but the two models that name each other',
      severity: 'error',
      from: { path: '^lib/', pathNot: '^lib/models/(user|guild-member)\\.ts$' },
      to: { circular: true }
    },
    {
      name: 'no-unknown-folder',
      comment: 'a new folder under lib/ gets its place in the layers above',
      severity: 'error',
      from: { path: '^lib/', pathNot: [`^lib/(${Object.keys(layers).join('|')})/`, '^lib/[^/]+\\.ts$'] },
      to: {}
    }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.d\\.ts$' }
  }
}
