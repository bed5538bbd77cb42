// A filesystem error under PENSAR_HOME, told to a person: which path, what is wrong with it and
// what to do, never a bare `ENOTDIR` or "report it". Reads that fail leave nobody logged in
// (exit 4, as "not logged in"); writes that fail are errors (exit 1) that keep what is stored.
import { EXIT, errorCode, PensarError } from './errors'

export type FileAction = 'read' | 'write' | 'remove'

/** A file under PENSAR_HOME that cannot be read, written or removed; `fsCode` is the system's. */
export class StoreError extends PensarError {
  readonly path: string
  readonly fsCode: string | undefined

  constructor(path: string, home: string, action: FileAction, cause: unknown) {
    const { message, hint } = describeFileError(path, home, action, cause)
    super(message, { code: action === 'read' ? 'store_unreadable' : 'store_failed', hint, exitCode: action === 'read' ? EXIT.auth : EXIT.error, cause })
    this.path = path
    this.fsCode = errorCode(cause)
  }
}

export function describeFileError(path: string, home: string, action: FileAction, error: unknown): { message: string; hint: string } {
  const code = errorCode(error)
  const verb = action === 'read' ? 'read' : action === 'write' ? 'write' : 'remove'
  const elsewhere = 'or point PENSAR_HOME at another folder'
  switch (code) {
    case 'ENOTDIR':
    case 'EEXIST':
      return { message: `PENSAR_HOME (${home}) is not a folder: a file is in its place.`, hint: `Move that file away, ${elsewhere}.` }
    case 'EISDIR':
      return { message: `${path} is a folder, not a file.`, hint: `Move it away (mv ${path} ${path}.old); pensar then writes a new file.` }
    case 'ENOTFILE':
      return { message: `${path} is not a regular file.`, hint: `Remove it (rm ${path}); pensar then writes a new file.` }
    case 'ELOOP':
      return { message: `${path} is a symbolic link, and pensar never writes through one.`, hint: `Remove the link (rm ${path}); pensar then writes a regular file in its place.` }
    case 'EACCES':
    case 'EPERM':
      return {
        message: `Cannot ${verb} ${path}: permission denied.`,
        hint: `It belongs to another user or its mode forbids it: make ${home} and its files yours (chown -R "$USER" ${home}), ${elsewhere}.`,
      }
    case 'EROFS':
      return { message: `Cannot ${verb} ${path}: ${home} is on a read-only filesystem.`, hint: `Point PENSAR_HOME at a writable folder.` }
    case 'ENOSPC':
    case 'EDQUOT':
      return { message: `Cannot ${verb} ${path}: no space left on the disk${code === 'EDQUOT' ? ' (quota)' : ''}.`, hint: 'Free some disk space and try again.' }
    case 'EFBIG':
      return { message: `${path} is too large to be a pensar file.`, hint: `Move it away (mv ${path} ${path}.old); pensar then writes a new file.` }
    default: {
      const reason = code ?? (error instanceof Error ? error.message : String(error))
      return { message: `Cannot ${verb} ${path} (${reason}).`, hint: `Check that ${home} is a folder you can write to, ${elsewhere}.` }
    }
  }
}
