// What `pensar status` found: the `--json` object and why it is not connected, shared by the
// check (status.ts, online-check.ts) and its human form (render.ts).
import type { UserRef, WorkspaceRef } from '../../lib/store'

export interface StatusOptions {
  /** `--offline`: no network at all. */
  offline: boolean
}

/** The `--json` object: documented in docs/cli-reference.md; add fields, never rename. */
export interface StatusReport {
  loggedIn: boolean
  authType: 'workos' | 'api-key' | null
  user: UserRef | null
  workspace: WorkspaceRef | null
  apiUrl: string
  /** Where the stored credentials are, for people: auth.json's path, or "OS keychain (Secret Service)"; null when none are stored. */
  credentialStore: string | null
  /** The same for programs: `keychain` or `file`. */
  credentialBackend: 'keychain' | 'file' | null
  /** Access-token expiry (ISO 8601, server clock); null for API keys and when logged out. */
  expiresAt: string | null
  /**
   * null with --offline or when there is nothing to check. `billingReady: false` or
   * `inferenceEnabled: false` (the Apex Inference category is off) is what makes `pensar ask` exit 5.
   */
  online: { ok: boolean; balance: number | null; billingReady: boolean | null; inferenceEnabled: boolean | null } | null
  /** Where the credentials in use come from: PENSAR_API_KEY (`env`), or the stored login (`file`, whichever store holds it). */
  source: 'env' | 'file' | null
}

export interface StatusOutcome {
  report: StatusReport
  /** Why it is not connected (`not_logged_in`, `session_expired`, `other_console`, …), when it is not. */
  problem?: { code: string; message: string; hint?: string }
  /** Logged in, but the online check could not finish (network, timeout, 5xx, a failed renewal). */
  unverified?: Unverified
  /** The access token was renewed during the online check. */
  renewed?: boolean
  /** The Console the stored session was made with, when known (it may differ from `report.apiUrl`). */
  sessionApiUrl?: string
}

export interface Unverified {
  /** What went wrong, as a clause (no final full stop). */
  reason: string
  /** What to do about it. */
  hint: string
  /** The token had to be renewed, and the renewal failed. */
  renewalFailed: boolean
}
