// PENSAR_API_KEY: when set, it wins over any stored session (docs/cli-reference.md). One reading of
// it for every command, so "set" means the same everywhere: blank or spaces is not set.
export function envApiKey(vars: Record<string, string | undefined>): string | undefined {
  return vars.PENSAR_API_KEY?.trim() || undefined
}
