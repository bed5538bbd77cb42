// The models the local gateway offers (`GET /gateway/v1/models`). They stand in for the hosted
// models: every one answers deterministically and costs the same per request.
import type { RequestContext } from '../router.ts'
import { dollars } from '../store/workspaces.ts'
import { json } from '../lib/http.ts'
import { authenticateCaller } from './auth.ts'

export const COST_CENTS_PER_REQUEST = 1

export interface Model {
  id: string
  displayName: string
}

export const MODELS: readonly Model[] = [
  { id: 'pensar-large', displayName: 'Pensar Large' },
  { id: 'pensar-small', displayName: 'Pensar Small' },
]
export const DEFAULT_MODEL = MODELS[0]!.id

export function findModel(id: string): Model | undefined {
  return MODELS.find((m) => m.id === id)
}

export async function listModels({ app, req }: RequestContext): Promise<Response> {
  await authenticateCaller(app, req)
  return json({
    data: MODELS.map((m) => ({ type: 'model', id: m.id, display_name: m.displayName, default: m.id === DEFAULT_MODEL, cost_per_request: dollars(COST_CENTS_PER_REQUEST) })),
    default: DEFAULT_MODEL,
  })
}
