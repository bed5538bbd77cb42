// `pensar doctor`, this computer's surroundings: can a browser be opened, which proxy would the
// API requests take, and is a custom CA bundle usable.
import type { Context } from '../../context'
import { findOpener } from '../../lib/browser'
import { errorCode } from '../../lib/errors'
import type { SystemProbes } from '../../lib/system-probes'
import { ok, warn, fail, type CheckResult } from './check'
import { proxyFor } from './proxy'

const BY_HAND = 'pensar always prints the address: open it in a browser on any computer and check the code.'

export function checkBrowser(ctx: Context, probes: SystemProbes): CheckResult {
  const vars = ctx.env.vars
  const opener = findOpener(vars, probes.platform, (c) => probes.which(c))
  const overSsh = Boolean(vars.SSH_CONNECTION || vars.SSH_CLIENT || vars.SSH_TTY)
  const display = Boolean(vars.DISPLAY || vars.WAYLAND_DISPLAY)
  const wsl = probes.platform === 'linux' && probes.isWsl()
  const browserVar = vars.BROWSER?.trim() ?? ''
  const badBrowserVar = browserVar && !(opener && browserCommands(browserVar, probes.platform).includes(opener.command)) ? ` BROWSER (${browserVar}) was not found.` : ''
  if (opener) {
    const via = `${opener.command}${opener.path !== opener.command ? ` (${opener.path})` : ''}`
    if (overSsh && probes.platform === 'darwin' && !vars.BROWSER) {
      return warn('browser', `Over SSH, ${via} opens the browser on the remote Mac's screen, not yours.`, `Use \`pensar login --no-browser\`; ${BY_HAND}`)
    }
    const message = `Addresses open with ${via}${wsl ? ' (WSL)' : ''}.${badBrowserVar}`
    return badBrowserVar ? warn('browser', message, 'Fix or unset BROWSER.') : ok('browser', message)
  }
  if (wsl) return warn('browser', `WSL: no browser opener found (wslview, xdg-open).${badBrowserVar}`, `Install wslu (\`sudo apt install wslu\`) or set BROWSER, e.g. BROWSER='/mnt/c/Windows/explorer.exe'. Until then: ${BY_HAND}`)
  if (overSsh && !display) return warn('browser', `SSH session without a display: no browser can be opened here; open the address by hand.${badBrowserVar}`, BY_HAND)
  if (probes.platform === 'linux' && !display) return warn('browser', `No display (DISPLAY and WAYLAND_DISPLAY are unset): the address must be opened by hand.${badBrowserVar}`, BY_HAND)
  return warn('browser', `No browser opener found (tried ${probes.platform === 'darwin' ? 'open' : probes.platform === 'win32' ? 'rundll32' : 'xdg-open, gio'}).${badBrowserVar}`, `Install xdg-utils or set BROWSER. Until then: ${BY_HAND}`)
}

/** The command of each BROWSER entry, split as `openerCommands` splits it. */
function browserCommands(value: string, platform: NodeJS.Platform): string[] {
  return value.split(platform === 'win32' ? ';' : ':').map((entry) => entry.trim().split(/\s+/)[0] ?? '').filter(Boolean)
}

export function checkProxy(ctx: Context, apiUrl: string): CheckResult {
  const proxy = proxyFor(apiUrl, ctx.env.vars)
  if (proxy.invalid) return fail('proxy', `${proxy.variable} is not a valid proxy address: ${proxy.shown}.`, `Fix ${proxy.variable} (e.g. http://proxy.example:3128) or unset it.`)
  if (!proxy.variable) {
    const other = ctx.env.vars.HTTPS_PROXY || ctx.env.vars.https_proxy || ctx.env.vars.HTTP_PROXY || ctx.env.vars.http_proxy
    return ok('proxy', other ? `No proxy applies to ${proxy.host} (${proxy.scheme} requests use ${proxy.scheme === 'https' ? 'HTTPS_PROXY' : 'HTTP_PROXY'}).` : 'No proxy is set (HTTPS_PROXY, HTTP_PROXY).')
  }
  if (proxy.bypassed) return ok('proxy', `${proxy.host} bypasses ${proxy.variable}=${proxy.shown} (NO_PROXY).`)
  if (proxy.loopback) {
    return warn('proxy', `${proxy.host} is on this computer, but requests to it would go through ${proxy.variable}=${proxy.shown}.`, `Add it to NO_PROXY, e.g. export NO_PROXY=127.0.0.1,localhost${ctx.env.vars.NO_PROXY || ctx.env.vars.no_proxy ? `,${ctx.env.vars.NO_PROXY || ctx.env.vars.no_proxy}` : ''}`)
  }
  return ok('proxy', `Requests to ${proxy.host} go through ${proxy.variable}=${proxy.shown}.`)
}

/** The variables a certificate error's hint names (lib/tls-errors.ts): a CA file to add, or a whole bundle. */
const CA_VARIABLES = ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE'] as const

export function checkCustomCa(ctx: Context, probes: SystemProbes): CheckResult {
  const results = CA_VARIABLES.flatMap((name) => {
    const path = ctx.env.vars[name]?.trim()
    return path ? [checkCaFile(name, path, probes)] : []
  })
  if (results.length === 0) return ok('ca', 'NODE_EXTRA_CA_CERTS and SSL_CERT_FILE are not set: the default CA certificates are trusted.')
  const worst = results.find((r) => r.status === 'fail') ?? results.find((r) => r.status === 'warn') ?? results[0]!
  return { ...worst, message: results.map((r) => r.message).join(' ') }
}

function checkCaFile(name: (typeof CA_VARIABLES)[number], path: string, probes: SystemProbes): CheckResult {
  let text: string | null
  try {
    text = probes.readText(path)
  } catch (error) {
    return fail('ca', `${name}=${path} cannot be read (${errorCode(error) ?? String(error)}).`, `Fix the path or its mode, or unset ${name}.`)
  }
  if (text === null) return fail('ca', `${name}=${path} does not exist.`, "Point it at the PEM file of your organisation's CA, or unset it.")
  const count = text.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0
  if (count === 0) return warn('ca', `${name}=${path} holds no PEM certificate, so it adds nothing.`, 'It must contain "-----BEGIN CERTIFICATE-----" blocks (convert a .der/.cer with `openssl x509 -inform der`).')
  return ok('ca', `${name}=${path} ${name === 'SSL_CERT_FILE' ? 'holds' : 'adds'} ${count} certificate${count === 1 ? '' : 's'}.`)
}
