// A Console that fills every text field it answers with terminal attacks (hostile-text.ts): the
// user's email, workspace names and slugs, error descriptions, the issuer. It speaks enough of
// docs/console-api.md for a whole login (OpenID discovery, RFC 8628 device flow approved at the
// first poll, workspaces, selection, gateway validation, revocation). `mode` picks what is
// poisoned beyond the text fields:
//   text          addresses are clean, so every flow runs to its end with hostile names
//   addresses     the verification address and the issuer carry the poison too
//   code          the user code itself is hostile (pensar must refuse it)
//   errors        the token and gateway endpoints fail with hostile error descriptions
//   tokens        the token endpoint's access and refresh tokens carry the poison (pensar must
//                 refuse them: `pensar login token` prints a token exactly)
import { hostile } from './hostile-text'

export type HostileMode = 'text' | 'addresses' | 'code' | 'errors' | 'tokens'

export interface HostileConsole {
  url: string
  mode: HostileMode
  readonly email: string
  readonly workspaces: { id: string; name: string; slug: string }[]
  stop(): void
}

/** A name with no poison in it that must reach the screen exactly as sent. */
export const NON_LATIN_NAME = '東京 Ωμέγα Cafe\u0301 می\u200cخواهم'

export function startHostileConsole(mode: HostileMode = 'text'): HostileConsole {
  const email = `${hostile('mallory')}@evil.example`
  const workspaces = [
    { id: 'ws_hostile', name: hostile('Acme'), slug: hostile('acme') },
    { id: 'ws_intact', name: NON_LATIN_NAME, slug: 'tokyo' },
  ]
  const state = { mode }
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(req) {
      const url = new URL(req.url)
      const origin = url.origin
      const poisonedOrigin = state.mode === 'addresses' ? `${origin}/${hostile('x')}` : origin
      const describe = (status: number, error: string) => Response.json({ error, error_description: hostile('The server says') }, { status })
      // Under the poisoned issuer too, whatever fetch made of its control characters.
      if (url.pathname.endsWith('/.well-known/openid-configuration')) {
        return Response.json({ issuer: poisonedOrigin, device_authorization_endpoint: `${origin}/device/authorize`, token_endpoint: `${origin}/token`, revocation_endpoint: `${origin}/oauth/revoke` })
      }
      switch (url.pathname) {
        case '/api/cli/config':
          return Response.json({ clientId: 'client_hostile', issuer: poisonedOrigin, consoleUrl: origin })
        case '/device/authorize': {
          const verification = state.mode === 'addresses' ? `${origin}/device?${hostile('q')}` : `${origin}/device`
          return Response.json({
            device_code: 'dc_hostile0123456789',
            user_code: state.mode === 'code' ? hostile('BCDF') : 'BCDF-GHJK',
            verification_uri: verification,
            verification_uri_complete: verification,
            expires_in: 600,
            interval: 0.2,
          })
        }
        case '/token':
          if (state.mode === 'errors') return describe(400, 'server_error')
          if (state.mode === 'tokens') return Response.json({ access_token: hostile('at'), refresh_token: hostile('rt'), token_type: 'Bearer', expires_in: 3600, user: { id: 'user_hostile', email } })
          return Response.json({ access_token: 'at_hostile_access', refresh_token: 'rt_hostile_refresh0123', token_type: 'Bearer', expires_in: 3600, user: { id: 'user_hostile', email } })
        case '/api/cli/workspaces':
          return Response.json({ workspaces: workspaces.map((w) => ({ ...w, balance: 0.5, hasPaymentMethod: false })), consoleUrl: origin })
        case '/api/cli/select-workspace': {
          const { workspaceId } = (await req.json()) as { workspaceId: string }
          const workspace = workspaces.find((w) => w.id === workspaceId) ?? workspaces[0]!
          return Response.json({
            confirmed: true,
            workspace,
            billing: { balance: 0.5, hasPaymentMethod: false, ready: false },
            billingUrl: `${origin}/billing`,
            signingKey: 'sk_hostile_signing0123',
            gatewayUrl: origin,
          })
        }
        case '/gateway/validate':
          if (state.mode === 'errors') return describe(503, 'unavailable')
          return Response.json({ workspace: workspaces[0], credits: { balance: 0.5 }, billing: { ready: false, hasPaymentMethod: false } })
        case '/oauth/revoke':
          return new Response(null, { status: 200 })
        default:
          return describe(404, 'not_found')
      }
    },
  })
  return {
    url: `http://127.0.0.1:${server.port}`,
    get mode() {
      return state.mode
    },
    set mode(next) {
      state.mode = next
    },
    email,
    workspaces,
    stop: () => server.stop(true),
  }
}
