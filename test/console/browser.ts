// A tiny cookie-keeping browser over fetch, for page tests without Chromium.
export class FetchBrowser {
  cookies = new Map<string, string>()
  constructor(readonly base: string) {}

  async get(path: string) {
    return this.request('GET', path)
  }

  /** `headers`: what a browser adds, e.g. the `Origin` of the page the form was on. */
  async post(path: string, fields: Record<string, string>, extraHeaders: Record<string, string> = {}) {
    return this.request('POST', path, new URLSearchParams(fields), extraHeaders)
  }

  private async request(method: string, path: string, body?: URLSearchParams, extraHeaders: Record<string, string> = {}) {
    const headers: Record<string, string> = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...extraHeaders }
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded'
    const response = await fetch(this.base + path, { method, headers, body, redirect: 'manual' })
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq)
      const value = pair!.slice(eq + 1)
      if (/max-age=0/i.test(line)) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    const text = await response.text()
    return { status: response.status, location: response.headers.get('location'), headers: response.headers, text }
  }
}

/** The value of the hidden csrf field on a page. */
export function csrfOf(pageHtml: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(pageHtml)
  if (!match) throw new Error('no csrf field on the page')
  return match[1]!
}

/** A browser signed in to the Console with a password. */
export async function signedInBrowser(base: string, email: string, password: string): Promise<FetchBrowser> {
  const browser = new FetchBrowser(base)
  const login = await browser.get('/login')
  const signedIn = await browser.post('/login', { csrf: csrfOf(login.text), email, password })
  if (signedIn.status !== 303) throw new Error(`sign-in as ${email} answered ${signedIn.status}`)
  return browser
}
