// Server-rendered HTML: escaping, the page layout and its stylesheet. No JavaScript needed.

export function escapeHtml(value: unknown): string {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

/** A tagged template that escapes every interpolated value unless it is already `Html`. */
export class Html {
  constructor(readonly value: string) {}
  toString() {
    return this.value
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!
  })
  return new Html(out)
}

function render(value: unknown): string {
  if (value instanceof Html) return value.value
  if (Array.isArray(value)) return value.map(render).join('')
  if (value === null || value === undefined || value === false) return ''
  return escapeHtml(value)
}

const STYLE = `
*{box-sizing:border-box}body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1b1f24}
header{background:#111827;color:#fff;padding:.75rem 1.5rem;display:flex;gap:1rem;align-items:center;justify-content:space-between}
header a{color:#fff;text-decoration:none;font-weight:600}header form{margin:0}
main{max-width:44rem;margin:2rem auto;padding:0 1rem}
.card{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:1.5rem;margin-bottom:1rem}
label{display:block;margin:.75rem 0 .25rem;font-weight:600}
input,select{font:inherit;padding:.5rem;width:100%;border:1px solid #b8bec6;border-radius:6px}
button{font:inherit;padding:.5rem 1rem;border-radius:6px;border:1px solid #1f2937;background:#1f2937;color:#fff;cursor:pointer;margin-top:.75rem}
button.secondary{background:#fff;color:#1f2937}button.link{background:none;border:none;color:inherit;padding:0;margin:0;text-decoration:underline}
.error{background:#fde8e8;border:1px solid #f5b5b5;padding:.75rem;border-radius:6px}
.notice{background:#e6f4ea;border:1px solid #a8d5b5;padding:.75rem;border-radius:6px}
.code{font:600 2rem ui-monospace,monospace;letter-spacing:.15em}
code{font-family:ui-monospace,monospace;word-break:break-all}
table{width:100%;border-collapse:collapse}th,td{text-align:left;padding:.4rem;border-bottom:1px solid #e5e7eb}
nav a{margin-right:1rem}.actions{display:flex;gap:.75rem}
`

export interface LayoutOptions {
  title: string
  body: Html
  signedInAs?: string
  csrf?: string
  status?: number
  headers?: Record<string, string>
}

export function page({ title, body, signedInAs, csrf, status = 200, headers = {} }: LayoutOptions): Response {
  const account = signedInAs
    ? html`<form method="post" action="/logout"><input type="hidden" name="csrf" value="${csrf}">
        <span>${signedInAs}</span> <button class="link" type="submit">Sign out</button></form>`
    : ''
  const document = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Pensar Console</title><style>${new Html(STYLE)}</style></head>
<body><header><a href="/">Pensar Console</a>${account}</header><main>${body}</main></body></html>`
  return new Response(document.value, { status, headers: { ...PAGE_HEADERS, ...headers } })
}

// Pages show secrets (new API keys) and forms: never cache them, never frame them.
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
}

export function redirect(location: string, headers: Record<string, string | string[]> = {}): Response {
  const response = new Response(null, { status: 303, headers: { location, 'cache-control': 'no-store' } })
  for (const [name, value] of Object.entries(headers)) {
    for (const v of Array.isArray(value) ? value : [value]) response.headers.append(name, v)
  }
  return response
}

export function csrfField(csrf: string): Html {
  return html`<input type="hidden" name="csrf" value="${csrf}">`
}

export function errorBox(message?: string): Html | string {
  return message ? html`<p class="error" role="alert">${message}</p>` : ''
}

export function noticeBox(message?: string): Html | string {
  return message ? html`<p class="notice" role="status">${message}</p>` : ''
}
