// A new account comes with a workspace of its own, whoever creates it (sign-up, the control API,
// a provider's first token).
import type { App } from '../app.ts'
import { createUser, type User } from '../store/users.ts'
import { createWorkspace } from '../store/workspaces.ts'

export function createUserWithWorkspace(app: App, email: string, password: string | null = null): User {
  const user = createUser(app.db, email, password, app.now())
  createWorkspace(app.db, user.id, { name: `${email.split('@')[0]}'s workspace` }, app.now())
  return user
}
