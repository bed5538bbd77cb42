// What the gateway's refusals mean to the person asking (docs/console-api.md §5): 402
// `insufficient_credits` gets the login's billing warning (B opens the billing page on a terminal)
// and exit 5; 403 `inference_disabled` names the Usage page where Apex Inference is switched back
// on (exit 5); 400 `unknown_model` lists the models (exit 2, like any bad flag value); 401
// `invalid_signature` points at the clock and the signing key. Anything else goes on unchanged.
import type { Context } from '../../context'
import { asObject, optNum, optStr, parseWorkspaceRef, type SelectedWorkspace } from '../../lib/console-api'
import { EXIT, PensarError } from '../../lib/errors'
import { HttpError } from '../../lib/http'
import { unsafeUrlReason } from '../../lib/safe-url'
import { warnAboutBilling } from '../workspace/billing'
import type { GatewaySession } from './gateway-target'
import { listModels } from './model'

export async function explainRefusal(ctx: Context, error: unknown, session: GatewaySession, model: string): Promise<unknown> {
  if (!(error instanceof HttpError) || error.kind !== 'status') return error
  if (error.status === 402) return billingNotReady(ctx, error, session)
  if (error.status === 403 && error.oauthError === 'inference_disabled') return inferenceDisabled(error, session)
  if (error.status === 400 && error.oauthError === 'unknown_model') return unknownModel(session, model)
  if (error.status === 401 && error.oauthError === 'invalid_signature') {
    return new PensarError('The gateway refused the request signature.', {
      code: 'invalid_signature',
      hint: "Check this computer's clock (`pensar doctor`), or run `pensar login` to fetch the workspace's signing key again.",
    })
  }
  return error
}

async function billingNotReady(ctx: Context, error: HttpError, session: GatewaySession): Promise<PensarError> {
  const workspace = session.workspace ?? safely(() => parseWorkspaceRef(error.details.workspace, 'the refusal'))
  const name = workspace?.name ?? 'this workspace'
  const billing = asObject(error.details.billing ?? {}, 'the refusal')
  const balance = optNum(billing, 'balance') ?? 0
  const selected: SelectedWorkspace = {
    workspace: workspace ?? { id: '', name, slug: '' },
    billing: { balance, hasPaymentMethod: billing.hasPaymentMethod === true, ready: false },
    billingUrl: safeUrl(optStr(error.details, 'billingUrl')),
  }
  await warnAboutBilling(ctx, selected, workspace ? session.consoleUrl : undefined)
  return new PensarError(`Nothing was asked: billing isn't ready for ${name}, so Pensar Console refused the request.`, {
    code: error.oauthError ?? 'insufficient_credits',
    exitCode: EXIT.billing,
    hint: 'Add a payment method and credits under Settings > Billing in Pensar Console, then ask again.',
  })
}

function inferenceDisabled(error: HttpError, session: GatewaySession): PensarError {
  const workspace = session.workspace
  const usageUrl = safeUrl(optStr(error.details, 'usageUrl')) ?? (workspace && session.consoleUrl ? `${session.consoleUrl.replace(/\/+$/, '')}/${workspace.slug}/settings/usage` : undefined)
  return new PensarError(`Apex Inference is switched off for ${workspace?.name ?? 'this workspace'}.`, {
    code: 'inference_disabled',
    exitCode: EXIT.billing,
    hint: `Turn the Apex Inference category on under Settings > Usage${usageUrl ? `: ${usageUrl}` : ' in Pensar Console'}`,
  })
}

async function unknownModel(session: GatewaySession, model: string): Promise<PensarError> {
  const known = await listModels(session.client).then((list) => list.ids, () => [])
  return new PensarError(`The gateway has no model ${JSON.stringify(model)}.`, {
    code: 'unknown_model',
    exitCode: EXIT.usage,
    hint: known.length ? `Models: ${known.join(', ')}. Choose one with --model, or leave it out for the default.` : 'Leave --model out for the default model.',
  })
}

function safeUrl(url: string | undefined): string | undefined {
  return url && !unsafeUrlReason(url) ? url : undefined
}

function safely<T>(read: () => T): T | undefined {
  try {
    return read()
  } catch {
    return undefined
  }
}
