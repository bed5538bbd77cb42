// What the person does in the browser, on the Console's pages, in the words of the contract
// (docs/console-api.md §4: field names and button texts). Each step waits for the page it leads
// to, so a test reads as the person's story and fails at the step that went wrong.
import { expect } from 'bun:test'
import type { Page } from 'playwright-core'

const PAGE_MS = 30_000

export interface NewAccount {
  email: string
  password: string
  workspaceName: string
}

/** Opens the verification URL from the terminal and presses Continue (the code is pre-filled). */
export async function openVerificationUrl(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await clickButton(page, 'Continue')
}

/** Types a code by hand on `/device`, as someone reading it off the terminal would. */
export async function enterCodeByHand(page: Page, consoleUrl: string, typed: string): Promise<void> {
  await page.goto(`${consoleUrl}/device`)
  await page.fill('input[name="user_code"]', typed)
  await clickButton(page, 'Continue')
}

/** From the sign-in page (where an unknown browser lands): create an account and a first workspace. */
export async function signUp(page: Page, account: NewAccount): Promise<void> {
  await page.getByRole('link', { name: 'Create an account' }).click()
  await page.waitForURL(/\/signup/, { timeout: PAGE_MS })
  await page.fill('input[name="email"]', account.email)
  await page.fill('input[name="password"]', account.password)
  await page.fill('input[name="workspace_name"]', account.workspaceName)
  await clickButton(page, 'Create account')
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.waitForURL(/\/login/, { timeout: PAGE_MS })
  await page.fill('input[name="email"]', email)
  await page.fill('input[name="password"]', password)
  await clickButton(page, 'Sign in')
}

/** Signs in before any code exists (so a later approval is quick). */
export async function signInFirst(page: Page, consoleUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${consoleUrl}/login`)
  await signIn(page, email, password)
  await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: PAGE_MS })
}

/** On the confirmation page: checks the code matches the terminal's, then presses Approve. */
export async function approve(page: Page, expectedCode?: string): Promise<void> {
  await onConfirmPage(page, expectedCode)
  await clickButton(page, 'Approve')
  await page.waitForURL(/\/device\/done/, { timeout: PAGE_MS })
  await page.getByRole('heading', { name: 'Device connected.' }).waitFor({ timeout: PAGE_MS })
}

export async function deny(page: Page, expectedCode?: string): Promise<void> {
  await onConfirmPage(page, expectedCode)
  await clickButton(page, 'Deny')
  await page.waitForURL(/\/device\/done/, { timeout: PAGE_MS })
  await page.getByRole('heading', { name: 'Request denied.' }).waitFor({ timeout: PAGE_MS })
}

/** On the billing page: adds the test card, then buys credits; returns the balance shown. */
export async function addPaymentMethodAndCredits(page: Page, dollars: number): Promise<string> {
  await clickButton(page, 'Add test payment method')
  await page.waitForURL(/done=card/, { timeout: PAGE_MS })
  await page.fill('input[name="amount"]', String(dollars))
  await clickButton(page, 'Buy credits')
  await page.waitForURL(/done=credits/, { timeout: PAGE_MS })
  return (await page.textContent('#balance'))?.trim() ?? ''
}

/** Creates an API key on the workspace's API-keys page and reads it off the page (shown once). */
export async function createApiKey(page: Page, consoleUrl: string, slug: string, name: string): Promise<string> {
  await page.goto(`${consoleUrl}/${slug}/settings/api-keys`)
  await page.fill('input[name="name"]', name)
  await clickButton(page, 'Create API key')
  const key = (await page.locator('#new-api-key').textContent({ timeout: PAGE_MS }))?.trim() ?? ''
  expect(key).toStartWith('psk_')
  return key
}

async function onConfirmPage(page: Page, expectedCode?: string) {
  await page.waitForURL(/\/device\/confirm/, { timeout: PAGE_MS })
  if (expectedCode) expect((await page.textContent('.code'))?.trim()).toBe(expectedCode)
}

async function clickButton(page: Page, name: string) {
  await page.getByRole('button', { name, exact: true }).click({ timeout: PAGE_MS })
}
