// Small HTTP vocabulary shared by every route: JSON answers, OAuth-style errors, body reading.

export const MAX_BODY_BYTES = 64 * 1024

/** An error that becomes an RFC 6749 §5.2-style JSON answer. Throw it from any API handler. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly description: string,
    readonly headers: Record<string, string> = {},
    readonly extra: Record<string, unknown> = {},
  ) {
    super(`${code}: ${description}`)
  }
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  })
}

export function errorResponse(error: ApiError): Response {
  return json({ error: error.code, error_description: error.description, ...error.extra }, error.status, error.headers)
}

export const badRequest = (description: string) => new ApiError(400, 'invalid_request', description)
export const notFound = (description = 'No such route or object.') => new ApiError(404, 'not_found', description)
export const forbidden = (description = 'You are not a member of that workspace.') =>
  new ApiError(403, 'forbidden', description)

export type Body = Record<string, unknown>

/** Reads a JSON or form-encoded body, enforcing the 64 KB limit even without Content-Length. */
export async function readBody(req: Request, { formAllowed = true } = {}): Promise<Body> {
  const text = await readLimitedText(req)
  if (text.trim() === '') return {}
  const type = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  if (type === 'application/x-www-form-urlencoded' && formAllowed) {
    return Object.fromEntries(new URLSearchParams(text))
  }
  if (type === 'application/json' || type === '' || type.endsWith('+json')) return parseJsonObject(text)
  throw new ApiError(415, 'unsupported_media_type', `Send the body as application/json${formAllowed ? ' or application/x-www-form-urlencoded' : ''}, not ${type}.`)
}

/** Whether the request announces (Content-Length) a body over the limit: refused before any route runs. */
export function declaresTooLargeBody(req: Request): boolean {
  return Number(req.headers.get('content-length') ?? '0') > MAX_BODY_BYTES
}

export async function readLimitedText(req: Request): Promise<string> {
  if (declaresTooLargeBody(req)) throw tooLarge()
  if (!req.body) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of req.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength
    if (size > MAX_BODY_BYTES) throw tooLarge()
    chunks.push(chunk)
  }
  return new TextDecoder().decode(Buffer.concat(chunks))
}

// `Connection: close`: the rest of the body is never read, so the connection can't carry another request.
export function tooLarge() {
  return new ApiError(413, 'request_too_large', `The body is larger than ${MAX_BODY_BYTES / 1024} KB.`, { connection: 'close' })
}

export function parseJsonObject(text: string): Body {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw badRequest('The body is not valid JSON.')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('The body must be a JSON object.')
  }
  return value as Body
}

export function requireString(body: Body, field: string): string {
  const value = body[field]
  if (value === undefined || value === null || value === '') throw badRequest(`${field} is required.`)
  if (typeof value !== 'string') throw badRequest(`${field} must be a string.`)
  return value
}

export function optionalString(body: Body, field: string): string | undefined {
  const value = body[field]
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'string') throw badRequest(`${field} must be a string.`)
  return value
}

export function optionalNumber(body: Body, field: string): number | undefined {
  const value = body[field]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value)) throw badRequest(`${field} must be a number.`)
  return value
}

export function optionalBoolean(body: Body, field: string): boolean | undefined {
  const value = body[field]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'boolean') throw badRequest(`${field} must be true or false.`)
  return value
}

/** 401 for a missing, unknown, expired or foreign access token or API key (RFC 6750 §3.1). */
export function invalidToken(description: string): ApiError {
  return new ApiError(401, 'invalid_token', description, { 'www-authenticate': 'Bearer error="invalid_token"' })
}
