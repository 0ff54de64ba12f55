import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import { settled } from "../db/mod.ts";
import type { SyncLedger } from "../ledger/mod.ts";
import {
  DuplicateJobError,
  type Job,
  type JobState,
  type JobStore,
  type NewJob,
} from "./job.ts";
import { SyncJobStore } from "./store.ts";

type Advance = Parameters<JobStore["advance"]>;

/**
 * The {@link JobStore} on SQLite: each method does its whole transaction
 * synchronously before its promise is returned.
 */
export class SqliteJobStore implements JobStore {
  readonly sync: SyncJobStore;

  constructor(db: DatabaseSync, ledger: SyncLedger, clock: Clock) {
    this.sync = new SyncJobStore(db, ledger, clock);
  }

  create(job: NewJob): Promise<Job> {
    return settled(() => {
      try {
        return this.sync.create(job);
      } catch (error) {
        if (/UNIQUE constraint failed: jobs\.update_id/.test(String(error))) {
          throw new DuplicateJobError(job.updateId, { cause: error });
        }
        throw error;
      }
    });
  }

  get(id: string): Promise<Job | undefined> {
    return settled(() => this.sync.get(id));
  }

  byUpdate(updateId: number): Promise<Job | undefined> {
    return settled(() => this.sync.byUpdate(updateId));
  }

  events(id: string): Promise<{ state: JobState; at: string }[]> {
    return settled(() => this.sync.events(id));
  }

  advance(...[id, state, fields]: Advance): Promise<void> {
    return settled(() => this.sync.advance(id, state, fields));
  }

  remember(id: string, fields: { progressMessageId: number }): Promise<void> {
    return settled(() => this.sync.remember(id, fields));
  }

  assignServer(id: string, server: string): Promise<void> {
    return settled(() => this.sync.assignServer(id, server));
  }

  serverOf(id: string): Promise<string | undefined> {
    return settled(() => this.sync.serverOf(id));
  }

  countAttempt(id: string): Promise<void> {
    return settled(() => this.sync.countAttempt(id));
  }

  markSent(
    id: string,
    sent: { messageId: number; videoFileId: string | undefined },
  ): Promise<void> {
    return settled(() => this.sync.markSent(id, sent));
  }

  complete(
    id: string,
    result: { videoFileId?: string; renderSeconds: number },
  ): Promise<Job> {
    return settled(() => this.sync.complete(id, result));
  }

  fail(
    id: string,
    error: string,
    state?: "failed" | "cancelled",
  ): Promise<Job> {
    return settled(() => this.sync.fail(id, error, state));
  }

  freeLeft(userId: number, perDay: number): Promise<number> {
    return settled(() => this.sync.freeLeft(userId, perDay));
  }

  delivered(userId: number, limit: number): Promise<Job[]> {
    return settled(() => this.sync.delivered(userId, limit));
  }

  unfinished(): Promise<Job[]> {
    return settled(() => this.sync.unfinished());
  }

  activeCount(userId: number): Promise<number> {
    return settled(() => this.sync.activeCount(userId));
  }
}
