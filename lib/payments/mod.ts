/**
 * Telegram Stars payments: token packs, invoice payloads and the purchases
 * credited (and refunded) through the ledger's journal.
 *
 * @module
 */

export {
  encodePayload,
  findPack,
  type InvoicePayload,
  parsePayload,
  parseTokenPacks,
  type TokenPack,
  TokenPacksError,
} from "./packs.ts";
export {
  type CreditResult,
  type Payment,
  type PaymentStore,
  SqlitePaymentStore,
} from "./store.ts";
export { PgPaymentStore } from "./pg.ts";
