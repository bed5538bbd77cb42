// What `pensar login` was asked to do (its flags), separate from the flow so the command can
// be tested without loading the flow.
export interface LoginOptions {
  /** `--workspace <id|slug>`: always wins over a prompt. */
  workspace?: string
  /** False with `--no-browser`. */
  openBrowser: boolean
}
