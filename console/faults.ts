// Fault injection (control API): the next N requests to a route get a failure instead of an answer.
import { ApiError, json } from './lib/http.ts'

export const FAULT_KINDS = ['500', '503', 'delay', 'malformed', 'drop'] as const
export type FaultKind = (typeof FAULT_KINDS)[number]

export interface Fault {
  kind: FaultKind
  remaining: number
  delayMs: number
  retryAfter: number
}

export type Faults = Map<string, Fault>

/** Takes one use of the fault armed for this route, if any. */
export function takeFault(faults: Faults, routeKey: string): Fault | null {
  const fault = faults.get(routeKey)
  if (!fault) return null
  fault.remaining -= 1
  if (fault.remaining <= 0) faults.delete(routeKey)
  return fault
}

/** The response a fault produces, or null for `delay` (which answers normally after waiting). */
export async function applyFault(fault: Fault): Promise<Response | null> {
  switch (fault.kind) {
    case '500':
      return json({ error: 'server_error', error_description: 'Injected fault: internal error.' }, 500)
    case '503':
      return json({ error: 'temporarily_unavailable', error_description: 'Injected fault: try again later.' }, 503, {
        'retry-after': String(fault.retryAfter),
      })
    case 'malformed':
      return new Response('{"access_token": "eyJ', { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' } })
    case 'drop':
      // A body stream that fails before its first byte makes Bun close the socket without a status line.
      return new Response(new ReadableStream({ pull: (controller) => controller.error('injected drop') }))
    case 'delay':
      await Bun.sleep(fault.delayMs)
      return null
  }
}

export function parseFault(body: Record<string, unknown>): { route: string; fault: Fault } {
  const { route, kind, count = 1, delayMs = 1000, retryAfter = 1 } = body
  if (typeof route !== 'string' || !/^[A-Z]+ \//.test(route)) {
    throw new ApiError(400, 'invalid_request', 'route must look like "POST /user_management/authenticate".')
  }
  if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) {
    throw new ApiError(400, 'invalid_request', `kind must be one of ${FAULT_KINDS.join(', ')}.`)
  }
  for (const [name, value] of Object.entries({ count, delayMs, retryAfter })) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new ApiError(400, 'invalid_request', `${name} must be a non-negative number.`)
    }
  }
  return {
    route,
    fault: { kind: kind as FaultKind, remaining: count as number, delayMs: delayMs as number, retryAfter: retryAfter as number },
  }
}
