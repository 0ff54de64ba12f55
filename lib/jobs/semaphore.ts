/**
 * A first-in first-out limit on jobs running at once, with queue positions
 * for the progress message.
 */
export class FifoLimiter {
  readonly #capacity: number;
  #running = 0;
  readonly #waiting: { id: string; start: () => void }[] = [];

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
  }

  /** Jobs waiting for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** 1-based place of a waiting job, or 0 when it is not waiting. */
  position(id: string): number {
    return this.#waiting.findIndex((w) => w.id === id) + 1;
  }

  /** Resolves when `id` may run; rejects if `signal` aborts first. */
  acquire(id: string, signal?: AbortSignal): Promise<void> {
    if (this.#running < this.#capacity && this.#waiting.length === 0) {
      this.#running++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry = {
        id,
        start: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const index = this.#waiting.indexOf(entry);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(signal?.reason);
      };
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiting.push(entry);
    });
  }

  /** Frees a slot and starts the next waiting job. */
  release(): void {
    const next = this.#waiting.shift();
    if (next !== undefined) {
      next.start();
    } else {
      this.#running = Math.max(0, this.#running - 1);
    }
  }
}
