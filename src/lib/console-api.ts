// Shapes the Console answers with (docs/console-api.md) and checks that turn a malformed answer
// into a clear error instead of `undefined` deep inside a flow.
import { PensarError } from './errors'
import { assertSafeUrl } from './safe-url'
import type { UserRef, WorkspaceRef } from './store'

export interface WorkspaceSummary extends WorkspaceRef {
  balance: number
  hasPaymentMethod: boolean
}

export interface Billing {
  balance: number
  hasPaymentMethod: boolean
  ready: boolean
}

export interface SelectedWorkspace {
  workspace: WorkspaceRef
  billing: Billing
  billingUrl?: string
  signingKey?: string
  gatewayUrl?: string
}

export type Json = Record<string, unknown>

export function asObject(value: unknown, what: string): Json {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Json
  throw malformed(what)
}

export function str(obj: Json, key: string, what: string): string {
  const v = obj[key]
  if (typeof v === 'string' && v) return v
  throw malformed(what, key)
}

/**
 * A token or key (RFC 6749 Appendix A.12: `1*VSCHAR`, printable ASCII): `pensar login token` prints
 * it exactly, so one carrying a control or non-ASCII character would reach the terminal as a
 * sequence it obeys (docs/cli-reference.md "Untrusted text"). Such an answer is refused here.
 */
export function credential(obj: Json, key: string, what: string): string {
  const v = str(obj, key, what)
  if (isCredential(v)) return v
  throw malformed(what, key)
}

/** `credential`, or undefined when the field is absent or empty. */
export function optCredential(obj: Json, key: string, what: string): string | undefined {
  return optStr(obj, key) === undefined ? undefined : credential(obj, key, what)
}

export function isCredential(value: string): boolean {
  return /^[\x20-\x7e]+$/.test(value)
}

export function optStr(obj: Json, key: string): string | undefined {
  const v = obj[key]
  return typeof v === 'string' && v ? v : undefined
}

/**
 * An address the CLI will open, show as a link or send credentials to (`gatewayUrl`, `consoleUrl`,
 * `billingUrl`): https, or http on this computer; anything else stops with an error naming the field.
 */
export function optSafeUrl(obj: Json, key: string): string | undefined {
  const v = optStr(obj, key)
  return v === undefined ? undefined : assertSafeUrl(v, key)
}

export function optNum(obj: Json, key: string): number | undefined {
  const v = obj[key]
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined
}

export function parseWorkspaceRef(value: unknown, what: string): WorkspaceRef {
  const o = asObject(value, what)
  return { id: str(o, 'id', what), name: optStr(o, 'name') ?? str(o, 'slug', what), slug: str(o, 'slug', what) }
}

export function parseUser(value: unknown, what: string): UserRef | undefined {
  if (!value || typeof value !== 'object') return undefined
  const o = value as Json
  return typeof o.id === 'string' && typeof o.email === 'string' ? { id: o.id, email: o.email } : undefined
}

export function parseWorkspaceList(value: unknown): { workspaces: WorkspaceSummary[]; consoleUrl?: string } {
  const what = 'the workspace list'
  const o = asObject(value, what)
  if (!Array.isArray(o.workspaces)) throw malformed(what, 'workspaces')
  const workspaces = o.workspaces.map((w) => {
    const ws = asObject(w, what)
    return { ...parseWorkspaceRef(ws, what), balance: optNum(ws, 'balance') ?? 0, hasPaymentMethod: ws.hasPaymentMethod === true }
  })
  return { workspaces, consoleUrl: optSafeUrl(o, 'consoleUrl') }
}

export function parseSelectedWorkspace(value: unknown): SelectedWorkspace {
  const what = 'the workspace selection'
  const o = asObject(value, what)
  if (o.confirmed === false) throw new PensarError('Pensar Console did not confirm the workspace selection.', { code: 'not_confirmed', hint: 'Run `pensar login` again.' })
  const b = asObject(o.billing ?? {}, what)
  const balance = optNum(b, 'balance') ?? 0
  const hasPaymentMethod = b.hasPaymentMethod === true
  return {
    workspace: parseWorkspaceRef(o.workspace, what),
    billing: { balance, hasPaymentMethod, ready: typeof b.ready === 'boolean' ? b.ready : hasPaymentMethod && balance > 0 },
    billingUrl: optSafeUrl(o, 'billingUrl'),
    signingKey: optStr(o, 'signingKey'),
    gatewayUrl: optSafeUrl(o, 'gatewayUrl'),
  }
}

function malformed(what: string, field?: string): PensarError {
  return new PensarError(`Pensar Console sent ${what} in an unexpected shape${field ? ` (field \`${field}\`)` : ''}.`, {
    code: 'malformed_response',
    hint: 'Check that --api-url / PENSAR_API_URL points at a Pensar Console, or update pensar.',
  })
}
