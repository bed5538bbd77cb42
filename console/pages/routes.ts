import type { Route } from '../router.ts'
import { showHome, showLogin, showNewWorkspace, showSignup, submitLogin, submitLogout, submitNewWorkspace, submitSignup } from './account-pages.ts'
import { showConfirm, showDeviceForm, showDone, submitConfirm, submitDeviceForm } from './device-pages.ts'
import { addPaymentMethod, buyCredits, showApiKeys, showBilling, submitApiKey, submitRevokeApiKey, toggleAutoReload } from './workspace-pages.ts'
import { showUsage, toggleApexInference } from './usage-page.ts'

export function pageRoutes(): Route[] {
  return [
    { method: 'GET', pattern: '/', handler: showHome },
    { method: 'GET', pattern: '/device', handler: showDeviceForm },
    { method: 'POST', pattern: '/device', handler: submitDeviceForm },
    { method: 'GET', pattern: '/device/confirm', handler: showConfirm },
    { method: 'POST', pattern: '/device/confirm', handler: submitConfirm },
    { method: 'GET', pattern: '/device/done', handler: showDone },
    { method: 'GET', pattern: '/login', handler: showLogin },
    { method: 'POST', pattern: '/login', handler: submitLogin },
    { method: 'GET', pattern: '/signup', handler: showSignup },
    { method: 'POST', pattern: '/signup', handler: submitSignup },
    { method: 'POST', pattern: '/logout', handler: submitLogout },
    { method: 'GET', pattern: '/workspaces/new', handler: showNewWorkspace },
    { method: 'POST', pattern: '/workspaces/new', handler: submitNewWorkspace },
    { method: 'GET', pattern: '/:slug/settings/billing', handler: showBilling },
    { method: 'POST', pattern: '/:slug/settings/billing/payment-method', handler: addPaymentMethod },
    { method: 'POST', pattern: '/:slug/settings/billing/credits', handler: buyCredits },
    { method: 'POST', pattern: '/:slug/settings/billing/auto-reload', handler: toggleAutoReload },
    { method: 'GET', pattern: '/:slug/settings/usage', handler: showUsage },
    { method: 'POST', pattern: '/:slug/settings/usage/apex-inference', handler: toggleApexInference },
    { method: 'GET', pattern: '/:slug/settings/api-keys', handler: showApiKeys },
    { method: 'POST', pattern: '/:slug/settings/api-keys', handler: submitApiKey },
    { method: 'POST', pattern: '/:slug/settings/api-keys/:id/revoke', handler: submitRevokeApiKey },
  ]
}
