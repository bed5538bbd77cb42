// --seed demo: the demo user and the three workspaces the README's demo walks through.
import type { App } from './app.ts'
import { createUser, findUserByEmail, hashPassword } from './store/users.ts'
import { createWorkspace, findWorkspaceBySlug } from './store/workspaces.ts'

export const DEMO_EMAIL = 'demo@pensar.local'
export const DEMO_PASSWORD = 'demo'

const DEMO_WORKSPACES = [
  { name: 'Acme', slug: 'acme', balanceCents: 5000, hasPaymentMethod: true },
  { name: 'No Billing', slug: 'no-billing', balanceCents: 0, hasPaymentMethod: false },
  { name: 'Low Balance', slug: 'low-balance', balanceCents: 42, hasPaymentMethod: true },
]

/** Idempotent: a restart with the same database keeps what the demo changed. */
export async function seedDemo(app: App) {
  const user = findUserByEmail(app.db, DEMO_EMAIL) ?? createUser(app.db, DEMO_EMAIL, await hashPassword(DEMO_PASSWORD), app.now())
  for (const spec of DEMO_WORKSPACES) {
    if (!findWorkspaceBySlug(app.db, spec.slug)) createWorkspace(app.db, user.id, spec, app.now())
  }
}
