// Every route the Console serves, in one table.
import type { App } from './app.ts'
import { authenticate, authorizeDevice } from './api/device-flow.ts'
import { revoke } from './api/revoke.ts'
import { cliConfig, jwks, listWorkspaces, openidConfiguration, selectWorkspace, validateApiKey } from './api/cli-api.ts'
import { messages, validateGateway } from './api/gateway.ts'
import { listModels } from './api/models.ts'
import { cliUsage } from './api/usage.ts'
import { legacyDeviceCode, legacyDeviceToken } from './api/legacy.ts'
import { controlRoutes } from './api/control.ts'
import { pageRoutes } from './pages/routes.ts'
import type { Route } from './router.ts'

export function buildRoutes(app: App): Route[] {
  const routes: Route[] = [
    { method: 'GET', pattern: '/api/cli/config', handler: cliConfig },
    { method: 'GET', pattern: '/.well-known/openid-configuration', handler: openidConfiguration },
    { method: 'GET', pattern: '/.well-known/jwks.json', handler: jwks },
    { method: 'GET', pattern: '/sso/jwks/:clientId', handler: jwks },
    { method: 'POST', pattern: '/user_management/authorize/device', handler: authorizeDevice },
    { method: 'POST', pattern: '/user_management/authenticate', handler: authenticate },
    { method: 'POST', pattern: '/oauth/revoke', handler: revoke },
    { method: 'GET', pattern: '/api/cli/workspaces', handler: listWorkspaces },
    { method: 'POST', pattern: '/api/cli/select-workspace', handler: selectWorkspace },
    { method: 'GET', pattern: '/gateway/validate', handler: validateGateway },
    { method: 'POST', pattern: '/gateway/v1/messages', handler: messages },
    { method: 'GET', pattern: '/gateway/v1/models', handler: listModels },
    { method: 'GET', pattern: '/api/cli/usage', handler: cliUsage },
    { method: 'GET', pattern: '/auth/validate', handler: validateApiKey },
    { method: 'POST', pattern: '/auth/device/code', handler: legacyDeviceCode },
    { method: 'POST', pattern: '/auth/device/token', handler: legacyDeviceToken },
  ]
  if (app.options.dev) {
    routes.push(...controlRoutes(), {
      method: 'GET',
      pattern: '/_console/crash',
      handler: () => {
        throw new Error('Deliberate crash from /_console/crash')
      },
    })
  }
  return [...routes, ...pageRoutes()]
}
