// Which model answers: `--model`, else the gateway's default from `GET /gateway/v1/models`
// (asked once per conversation).
import { asObject, optStr } from '../../lib/console-api'
import { PensarError } from '../../lib/errors'
import type { AuthedClient } from '../session/authed-client'
import type { Conversation } from './conversation'

export const MODELS_PATH = '/gateway/v1/models'

export async function chooseModel(client: AuthedClient, conversation: Conversation, requested?: string): Promise<string> {
  if (requested) return requested
  conversation.defaultModel ??= defaultOf(await listModels(client))
  return conversation.defaultModel
}

export interface ModelList {
  ids: string[]
  default?: string
}

export async function listModels(client: AuthedClient): Promise<ModelList> {
  const o = asObject(await client.get<unknown>(`${await client.gatewayUrl()}${MODELS_PATH}`), 'the model list')
  const models = (Array.isArray(o.data) ? o.data : []).map((m) => asObject(m, 'the model list'))
  const ids = models.map((m) => optStr(m, 'id')).filter((id): id is string => id !== undefined)
  return { ids, default: optStr(o, 'default') ?? optStr(models.find((m) => m.default === true) ?? {}, 'id') }
}

function defaultOf(list: ModelList): string {
  const model = list.default ?? list.ids[0]
  if (!model) throw new PensarError('The gateway offers no models.', { code: 'no_models', hint: 'Try again later, or name one with --model.' })
  return model
}
