import type { Clock } from "../clock.ts";
import { asLocale, type Locale, type Messages, messages } from "../i18n/mod.ts";
import type { Logger } from "../log.ts";

/** An alert's text in the admin's language. */
export type AlertText = (t: Messages) => string;

/** Options of {@link Alerter}. */
export interface AlerterOptions {
  readonly adminIds: readonly number[];
  /** Sends one message to one admin. */
  readonly send: (adminId: number, text: string) => Promise<unknown>;
  /** The admin's language (their stored one; Russian by default). */
  readonly localeOf: (adminId: number) => Promise<Locale>;
  readonly clock: Clock;
  readonly log: Logger;
  /** At most one alert of a kind in this time; repeats are counted. */
  readonly intervalMs: number;
  /** Alerts raised within this time go out as one message. */
  readonly groupMs: number;
}

/**
 * Sends alerts to the admins, rate-limited per kind and grouped: alerts
 * raised close together become one message, and an alert of a kind sent
 * less than `intervalMs` ago is only counted ("…and 3 more like it" on the
 * next one of that kind), so a flapping server cannot flood the admins.
 */
export class Alerter {
  readonly #o: AlerterOptions;
  readonly #lastSent = new Map<string, number>();
  readonly #suppressed = new Map<string, number>();
  #pending: { key: string; text: AlertText; more: number }[] = [];
  #flushing: Promise<void> | undefined;

  constructor(options: AlerterOptions) {
    this.#o = options;
  }

  /** Raises an alert of kind `key` (e.g. `server:gpu1:down`). */
  notify(key: string, text: AlertText): void {
    const now = this.#o.clock.now();
    const last = this.#lastSent.get(key);
    if (last !== undefined && now - last < this.#o.intervalMs) {
      this.#suppressed.set(key, (this.#suppressed.get(key) ?? 0) + 1);
      this.#o.log.info("alert held back (rate limit)", { key });
      return;
    }
    this.#lastSent.set(key, now);
    const more = this.#suppressed.get(key) ?? 0;
    this.#suppressed.delete(key);
    this.#pending.push({ key, text, more });
    this.#flushing ??= this.#flushLater();
  }

  /** Resolves when every raised alert has been sent (tests, shutdown). */
  async settled(): Promise<void> {
    await this.#flushing;
  }

  async #flushLater(): Promise<void> {
    try {
      await this.#o.clock.sleep(this.#o.groupMs);
    } catch {
      // A stopped clock still sends what was raised.
    }
    const batch = this.#pending;
    this.#pending = [];
    this.#flushing = undefined;
    for (const admin of this.#o.adminIds) {
      const t = messages(
        await this.#o.localeOf(admin).catch(() => asLocale(undefined)),
      );
      const lines = batch.map((a) =>
        a.more > 0
          ? `${a.text(t)}\n${t.alerts.more({ count: a.more })}`
          : a.text(t)
      );
      const text = [t.alerts.header, ...lines].join("\n\n");
      await this.#o.send(admin, text).catch((error) =>
        this.#o.log.warn("cannot alert the admin", { admin, error })
      );
    }
    this.#o.log.info("alerts sent", { keys: batch.map((a) => a.key) });
  }
}
