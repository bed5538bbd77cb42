// The local Console for tests: see console/local-process.ts for how to use it.
export {
  consoleControl,
  startLocalConsole as startTestConsole,
  type ConsoleControl,
  type ConsoleStats,
  type FaultKind,
  type LocalConsole as TestConsole,
  type PendingCode,
  type StartOptions,
  type WorkspaceInfo,
  type WorkspaceSpec,
} from '../../console/local-process'
