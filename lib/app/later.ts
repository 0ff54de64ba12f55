/**
 * A part of the app that another part needs before it can exist: the
 * composition root builds in dependency order, and only a real cycle (the
 * bot and the job runner need each other) goes through one of these. Set
 * once, read through `get()`; typed, so nothing is cast.
 *
 * @module
 */

/** One value set after the parts that read it were built. */
export class Later<T> {
  #value: T | undefined;
  readonly #what: string;

  constructor(what: string) {
    this.#what = what;
  }

  /** Sets the value once it exists. */
  set(value: T): void {
    this.#value = value;
  }

  /** The value, or undefined before it was set. */
  get(): T | undefined {
    return this.#value;
  }

  /** The value; throws when it is read before it was set (a wiring bug). */
  must(): T {
    if (this.#value === undefined) {
      throw new Error(`${this.#what} is not built yet`);
    }
    return this.#value;
  }
}
