/**
 * Small steps for end-to-end stories: press a button by its label, send a
 * message and wait until the bot has handled it, read the latest screen.
 */

import assert from "node:assert/strict";
import type {
  ChatEntry,
  FakeUser,
  RecordedCall,
} from "../fakes/telegram/mod.ts";
import type { Harness } from "./harness.ts";

/**
 * Waits until the bot has handled update `updateId`: Telegram learns it was
 * received (the offset is confirmed) once it is stored, before it is handled.
 */
export async function handled(h: Harness, updateId: number): Promise<void> {
  await h.telegram.waitForConfirmed(updateId);
  await h.app.handled(updateId);
}

/** The callback data of the button labelled `label` under `entry`. */
export function dataOf(entry: ChatEntry, label: string): string {
  const buttons = entry.message.reply_markup?.inline_keyboard.flat() ?? [];
  const button = buttons.find((b) => b.text === label);
  assert.ok(
    button !== undefined && "callback_data" in button,
    `no button "${label}" under message ${entry.message_id}: ` +
      JSON.stringify(entry.buttons),
  );
  return String(button.callback_data);
}

/** A bot message of the chat as it is now. */
export function message(
  h: Harness,
  userId: number,
  messageId: number,
): ChatEntry {
  const entry = h.telegram.chat(userId).find((e) => e.message_id === messageId);
  assert.ok(entry, `no message ${messageId} in chat ${userId}`);
  return entry;
}

/** The latest bot message of the chat. */
export function lastBot(h: Harness, userId: number): ChatEntry {
  const entry = h.telegram.chat(userId).filter((e) => e.from === "bot").at(-1);
  assert.ok(entry, `the bot said nothing to ${userId}`);
  return entry;
}

/**
 * Presses `dataOrLabel` (a label of a button under the message, or raw data
 * with `raw`) and waits until the bot handled it; returns its
 * answerCallbackQuery call.
 */
export async function press(
  h: Harness,
  user: FakeUser,
  messageId: number,
  dataOrLabel: string,
  opts: { raw?: boolean } = {},
): Promise<RecordedCall> {
  const data = opts.raw
    ? dataOrLabel
    : dataOf(message(h, user.id, messageId), dataOrLabel);
  const update = h.telegram.clickButton(user, messageId, data, {
    unchecked: opts.raw ?? false,
  });
  await handled(h, update.update_id);
  const id = update.callback_query?.id;
  return await h.telegram.waitForCall("answerCallbackQuery", {
    where: (c) => c.params.callback_query_id === id,
  });
}

/** Sends a text (or command) and waits until the bot handled it. */
export async function say(
  h: Harness,
  user: FakeUser,
  text: string,
): Promise<void> {
  const update = h.telegram.sendText(user, text);
  await handled(h, update.update_id);
}

/** Sends a photo and waits until the bot handled the message. */
export async function sendPhoto(
  h: Harness,
  user: FakeUser,
  image: Uint8Array,
): Promise<void> {
  const update = h.telegram.sendPhoto(user, image);
  await handled(h, update.update_id);
}

/** Bot API calls made after call id `after` (not counting getUpdates). */
export function callsAfter(h: Harness, after: number): string[] {
  return h.telegram.calls.filter((c) => c.id > after).map((c) => c.method);
}

/** The journal kinds of a user, oldest first. */
export function kinds(h: Harness, userId: number): string[] {
  return h.app.ledger.journal(userId, 100).map((e) => e.kind).reverse();
}
