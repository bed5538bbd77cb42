// Reads the Console's Usage page (console/pages/usage-page.ts) the way a person reads it: the
// total, and each table's rows as [label, requests, spend], so tests can compare it with
// `pensar usage` and `GET /api/cli/usage`.
export interface UsagePageData {
  total: string
  requests: number
  byUser: [string, number, string][]
  byKey: [string, number, string][]
  apexInference: 'on' | 'off'
}

export function readUsagePage(html: string): UsagePageData {
  const text = (id: string) => new RegExp(`id="${id}">([^<]*)<`).exec(html)?.[1] ?? ''
  return {
    total: text('usage-total'),
    requests: Number(text('usage-requests')),
    byUser: rowsOf(html, 'usage-by-user'),
    byKey: rowsOf(html, 'usage-by-key'),
    apexInference: text('apex-inference') as 'on' | 'off',
  }
}

function rowsOf(html: string, tableId: string): [string, number, string][] {
  const table = new RegExp(`<table id="${tableId}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? ''
  return [...table.matchAll(/<tr><td>([^<]*)<\/td><td>(\d+)<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => [unescape(m[1]!), Number(m[2]), m[3]!])
}

function unescape(text: string): string {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&amp;', '&')
}
