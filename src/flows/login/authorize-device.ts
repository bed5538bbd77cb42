// Steps 1–4: find the endpoints, get a code, show it (and open the browser), wait for approval.
// On a terminal an expired code can be replaced by a fresh one without starting over.
import type { Context } from '../../context'
import { formatDuration } from '../../ui/ui'
import { requestDeviceCode, type DeviceCode } from './device-code'
import { discoverEndpoints, type Endpoints } from './discovery'
import type { LoginOptions } from './options'
import { CodeExpiredError, pollForGrant, type Grant } from './poll-token'

export async function authorizeDevice(ctx: Context, apiUrl: string, opts: LoginOptions): Promise<{ endpoints: Endpoints; grant: Grant }> {
  const endpoints = await discoverEndpoints(ctx, apiUrl)
  for (;;) {
    const code = await requestDeviceCode(ctx, endpoints)
    await showCode(ctx, code, opts.openBrowser)
    try {
      return { endpoints, grant: await waitForApproval(ctx, endpoints, code) }
    } catch (error) {
      if (!(error instanceof CodeExpiredError) || !ctx.ui.interactive || !(await offerFreshCode(ctx))) throw error
    }
  }
}

async function showCode(ctx: Context, code: DeviceCode, openBrowser: boolean) {
  const url = code.verificationUriComplete ?? code.verificationUri
  ctx.ui.emit({
    event: 'device_code',
    user_code: code.userCode,
    verification_uri: code.verificationUri,
    verification_uri_complete: code.verificationUriComplete ?? null,
    expires_in: code.expiresInSec,
  })
  const browser = openBrowser ? await ctx.browser.open(url) : ({ skipped: true } as const)
  if ('opened' in browser && browser.opened) ctx.log.debug(`opened the browser with ${browser.command}`)
  await ctx.ui.showCode({
    userCode: code.userCode,
    verificationUri: code.verificationUri,
    verificationUriComplete: code.verificationUriComplete,
    expiresInSec: code.expiresInSec,
    browser: 'skipped' in browser ? browser : browser.opened ? { opened: true } : { opened: false, reason: browser.reason },
  })
}

async function waitForApproval(ctx: Context, endpoints: Endpoints, code: DeviceCode): Promise<Grant> {
  const waiting = (msLeft: number) => `Waiting for approval in the browser (code expires in ${formatDuration(msLeft)})`
  const spinner = ctx.ui.spinner(waiting(code.expiresInSec * 1000))
  try {
    const grant = await pollForGrant(ctx, endpoints, code, (msLeft) => spinner.update(waiting(msLeft)))
    spinner.stop('Approved in the browser.')
    return grant
  } catch (error) {
    spinner.stop()
    throw error
  }
}

async function offerFreshCode(ctx: Context): Promise<boolean> {
  ctx.ui.warn('The code expired before it was approved.')
  const fresh = await ctx.ui.pressKey({
    message: 'Get a fresh code?',
    choices: [
      { key: 'enter', value: true, label: 'new code' },
      { key: 'escape', value: false, label: 'cancel' },
    ],
  })
  // Esc ends the login with the expiry as its reason; Enter says what it does.
  if (fresh) ctx.ui.info('Asking Pensar Console for a fresh code.')
  return fresh
}
