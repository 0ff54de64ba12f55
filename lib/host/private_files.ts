/**
 * The bot's files hold balances, payments, users' videos and keys: they
 * are created readable by the bot's user only (files 0600, folders 0700)
 * whatever the umask, so running outside systemd (umask 022, no
 * `UMask=0077`) exposes nothing to other local users.
 *
 * @module
 */

/** Mode of every data file the bot creates. */
export const PRIVATE_FILE = 0o600;
/** Mode of every folder the bot creates. */
export const PRIVATE_DIR = 0o700;

/** Creates `path` (and missing parents) as private folders. */
export async function makePrivateDir(path: string): Promise<void> {
  await Deno.mkdir(path, { recursive: true, mode: PRIVATE_DIR });
}

/**
 * Creates an empty private file at `path` unless one exists, so that a
 * library creating it later (SQLite: the database, then its -wal and -shm
 * with the database's mode) keeps the mode.
 */
export async function touchPrivate(path: string): Promise<void> {
  const file = await Deno.open(path, {
    write: true,
    create: true,
    mode: PRIVATE_FILE,
  });
  file.close();
}
