/**
 * What the program takes from its host: private file modes (0600/0700
 * whatever the umask) and the release version built into the binary.
 *
 * @module
 */

export { makePrivateDir, PRIVATE_FILE, touchPrivate } from "./private_files.ts";
export { VERSION } from "./version.ts";
