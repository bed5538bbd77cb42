// Approving or denying a user code: shared by the browser pages and the control API.
import type { App } from './app.ts'
import { ApiError } from './lib/http.ts'
import { decide, type DeviceCode } from './store/device-codes.ts'
import type { User } from './store/users.ts'
import { findWorkspaceBySlug, isMember, workspacesOfUser } from './store/workspaces.ts'

/** Approves a pending code as `user`; a legacy code also needs the workspace its API key is for. */
export function approveCode(app: App, code: DeviceCode, user: User, workspaceSlug?: string) {
  const workspaceId = code.legacy ? legacyWorkspaceId(app, user, workspaceSlug) : null
  decide(app.db, code, 'approved', user.id, workspaceId)
}

export function denyCode(app: App, code: DeviceCode) {
  decide(app.db, code, 'denied', null, null)
}

function legacyWorkspaceId(app: App, user: User, slug?: string): string {
  if (!slug) {
    const first = workspacesOfUser(app.db, user.id)[0]
    if (!first) throw new ApiError(400, 'invalid_request', 'The user has no workspace for the API key.')
    return first.id
  }
  const workspace = findWorkspaceBySlug(app.db, slug)
  if (!workspace || !isMember(app.db, user.id, workspace.id)) {
    throw new ApiError(400, 'invalid_request', `The user is not a member of workspace ${slug}.`)
  }
  return workspace.id
}
