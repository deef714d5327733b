/** A parsed `application/x-www-form-urlencoded` body, or why it was refused. */
export type FormResult =
  | { ok: true, fields: Map<string, string> }
  | { ok: false, reason: 'content-type' }
  | { ok: false, reason: 'duplicate', name: string }

/** True when the Content-Type is form-urlencoded, with or without a charset. */
export function isFormContentType (contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded'
}

/**
 * Parses a form body strictly: only form-urlencoded, and no parameter twice (RFC 6749 §3.2
 * says request parameters must not be included more than once).
 */
export function parseForm (contentType: string | undefined, body: unknown): FormResult {
  if (!isFormContentType(contentType)) return { ok: false, reason: 'content-type' }
  const fields = new Map<string, string>()
  // The catch-all content-type parser hands every body over as a string.
  for (const [name, value] of new URLSearchParams(body as string)) {
    if (fields.has(name)) return { ok: false, reason: 'duplicate', name }
    fields.set(name, value)
  }
  return { ok: true, fields }
}
