/**
 * A first-in first-out limit on jobs running at once, with queue positions
 * for the progress message.
 */
export class FifoLimiter {
  readonly #capacity: number;
  readonly #running = new Set<string>();
  readonly #waiting: { id: string; start: () => void }[] = [];

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
  }

  /** Jobs waiting for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** True when a job asking now would have to wait. */
  get full(): boolean {
    return this.#running.size >= this.#capacity || this.#waiting.length > 0;
  }

  /** 1-based place of a waiting job, or 0 when it is not waiting. */
  position(id: string): number {
    return this.#waiting.findIndex((w) => w.id === id) + 1;
  }

  /** The jobs running and those waiting before `id`. */
  ahead(id: string): string[] {
    const before = this.#waiting.slice(0, Math.max(0, this.position(id) - 1));
    return [...this.#running, ...before.map((w) => w.id)];
  }

  /** Resolves when `id` may run; rejects if `signal` aborts first. */
  acquire(id: string, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#running.size < this.#capacity && this.#waiting.length === 0) {
      this.#running.add(id);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry = {
        id,
        start: () => {
          signal?.removeEventListener("abort", onAbort);
          this.#running.add(id);
          resolve();
        },
      };
      const onAbort = () => {
        const index = this.#waiting.indexOf(entry);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiting.push(entry);
    });
  }

  /** Frees the slot of `id` and starts the next waiting job. */
  release(id: string): void {
    this.#running.delete(id);
    while (this.#running.size < this.#capacity) {
      const next = this.#waiting.shift();
      if (next === undefined) return;
      next.start();
    }
  }
}
