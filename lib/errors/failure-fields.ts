/**
 * The fields under which a failure is logged: its kind only (name, code, statuses). Messages of
 * fastify-discord's errors hold no secrets, but a store's or a transport's might, so no message
 * reaches a log line through here.
 *
 * @param err - whatever was thrown
 */
export function failureFields (err: unknown): Record<string, unknown> {
  const e = err as { name?: unknown, code?: unknown, statusCode?: unknown, status?: unknown } | null | undefined
  return { errorName: e?.name, errorCode: e?.code, statusCode: e?.statusCode, upstreamStatus: e?.status }
}
