/**
 * A child process's output, a line at a time as it arrives, with waiting
 * for a line that satisfies a test (tests/pg/children.ts, tests/pg/bots.ts).
 */

/** The lines of one or more streams, parsed, in arrival order. */
export class ChildLines<T> {
  readonly items: T[] = [];
  /** Resolves once every stream has ended. */
  readonly done: Promise<void>;
  readonly #waiters = new Set<() => void>();
  #ended = false;

  /** Reads `streams` to their end, `parse` turning each line into an item. */
  constructor(
    streams: readonly ReadableStream<Uint8Array>[],
    parse: (line: string) => T,
  ) {
    this.done = Promise.all(streams.map((s) => this.#read(s, parse))).then(
      () => {
        this.#ended = true;
        this.#wake();
      },
    );
  }

  /** Whether every stream has ended (the child exited). */
  get ended(): boolean {
    return this.#ended;
  }

  /**
   * Waits until an item satisfies `test`; throws when the streams end or
   * after `timeoutMs`, with `what` and the items so far in the message.
   */
  async waitFor(
    what: string,
    test: (item: T) => boolean,
    timeoutMs: number,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.items.find(test);
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (this.#ended || left <= 0) {
        throw new Error(
          `${what}: ${this.#ended ? "the child ended" : `${timeoutMs} ms`} ` +
            `before such a line; the last ones: ` +
            JSON.stringify(this.items.slice(-40)),
        );
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#waiters.add(resolve);
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
    }
  }

  async #read(
    stream: ReadableStream<Uint8Array>,
    parse: (line: string) => T,
  ): Promise<void> {
    let buffer = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        this.items.push(parse(buffer.slice(0, nl)));
        buffer = buffer.slice(nl + 1);
        this.#wake();
      }
    }
    if (buffer !== "") this.items.push(parse(buffer));
  }

  #wake(): void {
    for (const w of this.#waiters) w();
    this.#waiters.clear();
  }
}
