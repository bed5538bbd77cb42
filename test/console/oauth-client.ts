// Small HTTP helpers for the Console's own tests: form posts to the OAuth endpoints.
export const CLIENT_ID = 'client_pensar_cli'
export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'

export interface DeviceAuthorization {
  device_code: string
  user_code: string
  verification_uri: string
  verification_uri_complete: string
  expires_in: number
  interval: number
}

export async function postForm(url: string, fields: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  })
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> }
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> }
}

export async function getJson(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers })
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> }
}

export async function authorizeDevice(base: string, clientId = CLIENT_ID): Promise<DeviceAuthorization> {
  const { status, body } = await postForm(`${base}/user_management/authorize/device`, { client_id: clientId, scope: 'openid profile email offline_access' })
  if (status !== 200) throw new Error(`authorize/device answered ${status}: ${JSON.stringify(body)}`)
  return body as DeviceAuthorization
}

export function pollToken(base: string, deviceCode: string, clientId = CLIENT_ID) {
  return postForm(`${base}/user_management/authenticate`, { grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: clientId })
}

export function refresh(base: string, refreshToken: string) {
  return postForm(`${base}/user_management/authenticate`, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT_ID })
}

export function revoke(base: string, token: string, clientId = CLIENT_ID) {
  return postForm(`${base}/oauth/revoke`, { token, client_id: clientId })
}

export function bearer(token: string) {
  return { authorization: `Bearer ${token}` }
}

/** Logs in through the device flow, approving with the control API; returns the token response. */
export async function loginAs(base: string, approve: (userCode: string) => Promise<unknown>, clientId = CLIENT_ID) {
  const auth = await authorizeDevice(base, clientId)
  await approve(auth.user_code)
  const { status, body } = await pollToken(base, auth.device_code, clientId)
  if (status !== 200) throw new Error(`token exchange answered ${status}: ${JSON.stringify(body)}`)
  return body as { access_token: string; refresh_token: string; expires_in: number; token_type: string; user: { id: string; email: string } }
}
