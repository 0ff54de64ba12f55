/**
 * The create-video wizard: pure step logic ({@link advance}) and each user's
 * open wizard in SQLite ({@link WizardStore}), so a restart mid-way loses
 * nothing and outdated buttons are recognised by their nonce.
 *
 * @module
 */

export {
  advance,
  beginWizard,
  draftOf,
  MAX_ALBUM_EXTRA,
  WIZARD_STEPS,
  type WizardAlbum,
  type WizardButton,
  type WizardDraft,
  type WizardEvent,
  type WizardOutcome,
  type WizardState,
  type WizardStep,
} from "./steps.ts";
export {
  randomNonce,
  WIZARD_TTL_MS,
  WizardStore,
  type WizardStoreOptions,
} from "./store.ts";
