import { readFileSync } from 'node:fs'
import Ajv2020Module from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import type { ValidateFunction } from 'ajv'

// Both packages are CommonJS with a `default` export; under NodeNext the default import is module.exports.
const Ajv2020 = Ajv2020Module.default
const addFormats = addFormatsModule.default

const SPEC_ID = 'discord-openapi'

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: unknown }>, $ref?: string }>
}

interface Spec {
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, Record<string, unknown>>, responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }
}

/** Points the spec's local `#/components/...` refs at the registered spec document. */
function rebase (schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${SPEC_ID}#/components/`))
}

/** Response validators built from Discord's OpenAPI 3.1 document. */
export class DiscordSpec {
  readonly #spec: Spec
  readonly #ajv: InstanceType<typeof Ajv2020>
  readonly #validators = new Map<string, ValidateFunction>()

  constructor (file: URL) {
    this.#spec = JSON.parse(readFileSync(file, 'utf8')) as Spec
    this.#ajv = new Ajv2020({ strict: false, allErrors: true, logger: false })
    addFormats(this.#ajv)
    this.#ajv.addFormat('snowflake', /^(0|[1-9][0-9]*)$/)
    this.#ajv.addSchema({ $id: SPEC_ID, components: { schemas: this.#spec.components.schemas } })
  }

  /** The JSON schema of `path`'s `method` response with `status` (following a `$ref`ed response). */
  responseSchema (path: string, method: string, status: string): unknown {
    const response = this.#spec.paths[path]?.[method]?.responses[status]
    if (response === undefined) throw new Error(`no ${status} response for ${method} ${path}`)
    const resolved = response.$ref === undefined
      ? response
      : this.#spec.components.responses[response.$ref.split('/').at(-1) ?? '']
    const schema = resolved?.content?.['application/json']?.schema
    if (schema === undefined) throw new Error(`no JSON schema for ${status} ${method} ${path}`)
    return schema
  }

  validator (path: string, method: string, status: string): ValidateFunction {
    const key = `${method} ${path} ${status}`
    let validate = this.#validators.get(key)
    if (validate === undefined) {
      validate = this.#ajv.compile(rebase(this.responseSchema(path, method, status)) as object)
      this.#validators.set(key, validate)
    }
    return validate
  }

  /**
   * A validator of one of the spec's component schemas, for payloads that travel outside its
   * paths (the token endpoint's `guild` and `webhook`, which the document does not describe).
   */
  componentValidator (name: string): ValidateFunction {
    const key = `component ${name}`
    let validate = this.#validators.get(key)
    if (validate === undefined) {
      if (this.#spec.components.schemas[name] === undefined) throw new Error(`no component schema ${name}`)
      validate = this.#ajv.compile({ $ref: `${SPEC_ID}#/components/schemas/${name}` })
      this.#validators.set(key, validate)
    }
    return validate
  }

  /** The property names a (possibly `$ref`ed) object schema declares. */
  declaredProperties (schema: unknown): Set<string> {
    let s = schema as { $ref?: string, properties?: Record<string, unknown>, items?: unknown }
    if (s.items !== undefined) s = s.items as typeof s
    if (s.$ref !== undefined) s = this.#spec.components.schemas[s.$ref.split('/').at(-1) ?? ''] as typeof s
    return new Set(Object.keys(s.properties ?? {}))
  }
}
