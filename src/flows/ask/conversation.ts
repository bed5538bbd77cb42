// What one `pensar ask`, or one interactive prompt, remembers between questions: the exchange so
// far (sent with each new question, the oldest turns dropped past a size), the gateway's default
// model once asked, and whether the low-balance warning was already given (once per process).
import type { GatewayTarget } from '../session/authed-client'
import type { WorkspaceRef } from '../../lib/store'

export interface ChatMessage {
  role: 'user' | 'assistant'
  content: string
}

export interface Conversation {
  messages: ChatMessage[]
  lowBalanceWarned: boolean
  defaultModel?: string
  /** For PENSAR_API_KEY: its workspace, gateway and signing key, once validated. */
  target?: GatewayTarget & { workspace: WorkspaceRef }
  /** The workspace the remembered questions were asked in. */
  workspaceId?: string
}

/** Earlier turns sent along with a question, at most this many characters (the gateway takes 64 KB). */
const HISTORY_CHARS = 32_000

/** A new conversation; what belongs to the process (the warning given, the model) carries over. */
export function newConversation(previous?: Conversation): Conversation {
  return { messages: [], lowBalanceWarned: previous?.lowBalanceWarned ?? false, defaultModel: previous?.defaultModel, target: previous?.target }
}

/** The messages to send: the latest turns that fit, then the question. */
export function messagesFor(conversation: Conversation, question: string): ChatMessage[] {
  const kept: ChatMessage[] = []
  let size = question.length
  // Whole turns (a question and its answer), newest first, so the history never starts with an answer.
  for (let i = conversation.messages.length - 2; i >= 0; i -= 2) {
    const turn = conversation.messages.slice(i, i + 2)
    size += turn.reduce((n, m) => n + m.content.length, 0)
    if (size > HISTORY_CHARS) break
    kept.unshift(...turn)
  }
  return [...kept, { role: 'user', content: question }]
}

export function remember(conversation: Conversation, question: string, answer: string): void {
  conversation.messages.push({ role: 'user', content: question }, { role: 'assistant', content: answer })
}

/**
 * Binds the conversation to the workspace a question goes to. A conversation never follows a
 * switch of workspace (`/login` S, or `pensar workspace switch` in another shell): the earlier
 * questions stay with the workspace they were asked in. True when they were dropped for that.
 */
export function keepToWorkspace(conversation: Conversation, workspaceId: string | undefined): boolean {
  const switched = conversation.messages.length > 0 && conversation.workspaceId !== workspaceId
  if (switched) conversation.messages = []
  conversation.workspaceId = workspaceId
  return switched
}
