// The compiled binary against real local HTTPS servers whose certificates it cannot verify, as
// behind a TLS-inspecting proxy or with a private CA: a throwaway CA made with openssl, a
// certificate it signed, a self-signed one and an expired one (made under libfaketime). The
// error says what is wrong and what to do (NODE_EXTRA_CA_CERTS / SSL_CERT_FILE, `pensar doctor`),
// not "check your network connection"; with the CA trusted, the same server answers.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pensarBinary } from '../helpers/pensar-binary'
import { killAllPensar, runPensar } from '../helpers/run-pensar'

const TIMEOUT = 60_000
const dir = mkdtempSync(join(tmpdir(), 'pensar-tls-'))
const servers: ReturnType<typeof Bun.serve>[] = []
let signedByCa: string
let selfSigned: string
let expired: string

type Check = { id: string; status: string; message: string; hint?: string }

function openssl(args: string[], opts: { faketime?: string } = {}) {
  const command = opts.faketime ? ['faketime', opts.faketime, 'openssl', ...args] : ['openssl', ...args]
  const run = Bun.spawnSync(command, { cwd: dir, stderr: 'pipe' })
  if (run.exitCode !== 0) throw new Error(`${command.join(' ')} failed: ${run.stderr.toString()}`)
}

/** An HTTPS server on 127.0.0.1 with this certificate, answering like a Console's config route. */
function serveTls(cert: string, key: string): string {
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    tls: { cert: readFileSync(join(dir, cert), 'utf8'), key: readFileSync(join(dir, key), 'utf8') },
    fetch: (req) => (new URL(req.url).pathname === '/api/cli/config' ? Response.json({ clientId: 'client_tls' }) : Response.json({ error: 'not_found' }, { status: 404 })),
  })
  servers.push(server)
  return `https://127.0.0.1:${server.port}`
}

beforeAll(async () => {
  writeFileSync(join(dir, 'leaf.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n')
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Throwaway Proxy CA'])
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=127.0.0.1'])
  openssl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '2', '-extfile', 'leaf.ext'])
  openssl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'expired.pem', '-days', '1', '-extfile', 'leaf.ext'], { faketime: '2020-01-01 00:00:00' })
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'self.key', '-out', 'self.pem', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'])
  signedByCa = serveTls('leaf.pem', 'leaf.key')
  selfSigned = serveTls('self.pem', 'self.key')
  expired = serveTls('expired.pem', 'leaf.key')
  await pensarBinary()
}, 300_000)

afterAll(() => {
  killAllPensar()
  for (const server of servers) server.stop(true)
  rmSync(dir, { recursive: true, force: true })
})

const home = () => mkdtempSync(join(dir, 'home-'))

async function doctor(apiUrl: string, env: Record<string, string> = {}) {
  const result = await (await runPensar(['doctor', '--json', '--api-url', apiUrl], { home: home(), env })).done(30_000)
  const checks = (JSON.parse(result.stdout.trim()) as { checks: Check[] }).checks
  return { code: result.code, api: checks.find((c) => c.id === 'api')!, ca: checks.find((c) => c.id === 'ca')! }
}

describe('a certificate pensar cannot verify', () => {
  test('a private CA (as a TLS-inspecting proxy): login says so and names NODE_EXTRA_CA_CERTS and pensar doctor', async () => {
    const result = await (await runPensar(['login', '--api-url', signedByCa], { home: home() })).done(30_000)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`Could not verify the certificate of ${signedByCa}: it is not signed by a certificate authority this computer trusts (UNABLE_TO_VERIFY_LEAF_SIGNATURE).`)
    expect(result.stderr).toContain('A TLS-inspecting proxy or a private CA does this: point NODE_EXTRA_CA_CERTS at its CA certificate (a PEM file)')
    expect(result.stderr).toContain('SSL_CERT_FILE')
    expect(result.stderr).toContain('`pensar doctor`')
    expect(result.stderr).not.toContain('Check your network connection')
  }, TIMEOUT)

  test('--json: the error event has the code "certificate"', async () => {
    const result = await (await runPensar(['login', '--json', '--api-url', signedByCa], { home: home() })).done(30_000)
    expect(result.code).toBe(1)
    expect(result.events).toEqual([expect.objectContaining({ event: 'error', code: 'certificate', hint: expect.stringContaining('NODE_EXTRA_CA_CERTS') })])
  }, TIMEOUT)

  test('pensar doctor fails the API check with the same message and advice', async () => {
    const { code, api } = await doctor(signedByCa)
    expect(code).toBe(1)
    expect(api.status).toBe('fail')
    expect(api.message).toContain('(UNABLE_TO_VERIFY_LEAF_SIGNATURE)')
    expect(api.hint).toContain('NODE_EXTRA_CA_CERTS')
  }, TIMEOUT)

  test('a self-signed certificate: DEPTH_ZERO_SELF_SIGNED_CERT, the same advice', async () => {
    const login = await (await runPensar(['login', '--api-url', selfSigned], { home: home() })).done(30_000)
    expect(login.code).toBe(1)
    expect(login.stderr).toContain('trusts (DEPTH_ZERO_SELF_SIGNED_CERT)')
    expect(login.stderr).toContain('NODE_EXTRA_CA_CERTS')
  }, TIMEOUT)

  test('an expired certificate, its CA trusted: CERT_HAS_EXPIRED, check the clock', async () => {
    const result = await (await runPensar(['login', '--api-url', expired], { home: home(), env: { NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') } })).done(30_000)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`Could not verify the certificate of ${expired}: it has expired or is not valid yet (CERT_HAS_EXPIRED).`)
    expect(result.stderr).toContain("Check this computer's date and time.")
  }, TIMEOUT)

  test.each(['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE'])('with the CA in %s the same server answers, and doctor shows the file', async (variable) => {
    const { code, api, ca } = await doctor(signedByCa, { [variable]: join(dir, 'ca.pem') })
    expect(api).toMatchObject({ status: 'ok' })
    expect(api.message).toContain(`${signedByCa} answered in`)
    expect(ca).toMatchObject({ status: 'ok', message: expect.stringContaining(`${variable}=${join(dir, 'ca.pem')}`) })
    expect(code).toBe(0)
  }, TIMEOUT)
})
