/**
 * Schema migrations, applied in order and recorded in `PRAGMA user_version`.
 *
 * Version 0 is either an empty file or the old Python bot's `balances.db`;
 * its `balances` table keeps its name, columns and meaning (`tokens` = what
 * the user can spend) so the old README's `sqlite3` queries still work.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";

/** The schema version this build writes. */
export const SCHEMA_VERSION = 4;

// The old bot's table, as its README documents it; older copies lacked some
// columns, which step one adds before the table is rebuilt with checks.
const OLD_BALANCES = `CREATE TABLE IF NOT EXISTS balances (
  user_id INTEGER PRIMARY KEY,
  tokens INTEGER NOT NULL,
  username TEXT,
  first_name TEXT,
  last_name TEXT,
  videos_created INTEGER DEFAULT 0,
  created_at TIMESTAMP,
  updated_at TIMESTAMP
)`;

const OLD_COLUMNS: readonly [string, string][] = [
  ["username", "TEXT"],
  ["first_name", "TEXT"],
  ["last_name", "TEXT"],
  ["videos_created", "INTEGER DEFAULT 0"],
  ["created_at", "TIMESTAMP"],
  ["updated_at", "TIMESTAMP"],
];

// SQLite cannot add a CHECK to an existing table, so version 1 rebuilds it.
const V1 = `
CREATE TABLE balances_v1 (
  user_id INTEGER PRIMARY KEY,
  tokens INTEGER NOT NULL CHECK (tokens >= 0),
  username TEXT,
  first_name TEXT,
  last_name TEXT,
  videos_created INTEGER NOT NULL DEFAULT 0 CHECK (videos_created >= 0),
  created_at TIMESTAMP,
  updated_at TIMESTAMP,
  held INTEGER NOT NULL DEFAULT 0 CHECK (held >= 0),
  spent INTEGER NOT NULL DEFAULT 0 CHECK (spent >= 0),
  language TEXT,
  welcomed_at TEXT
);
-- Users of the old bot have seen its welcome already.
INSERT INTO balances_v1 (user_id, tokens, username, first_name, last_name,
    videos_created, created_at, updated_at, welcomed_at)
  SELECT user_id, MAX(COALESCE(tokens, 0), 0), username, first_name, last_name,
    MAX(COALESCE(videos_created, 0), 0), created_at, updated_at,
    COALESCE(created_at, strftime('%Y-%m-%d %H:%M:%S', 'now'))
  FROM balances;
DROP TABLE balances;
ALTER TABLE balances_v1 RENAME TO balances;

CREATE TABLE journal (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES balances(user_id),
  kind TEXT NOT NULL CHECK (kind IN ('import', 'grant', 'hold', 'capture',
    'release', 'adjust', 'purchase', 'refund')),
  amount INTEGER NOT NULL,
  held_delta INTEGER NOT NULL DEFAULT 0,
  tokens_after INTEGER NOT NULL CHECK (tokens_after >= 0),
  held_after INTEGER NOT NULL CHECK (held_after >= 0),
  job_id TEXT,
  idem_key TEXT NOT NULL UNIQUE,
  note TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX journal_user ON journal (user_id, id);
CREATE INDEX journal_job ON journal (job_id);

-- Balances carried over from the old bot open the journal, so replaying it
-- gives every balance.
INSERT INTO journal (user_id, kind, amount, tokens_after, held_after,
    idem_key, note, created_at)
  SELECT user_id, 'import', tokens, tokens, 0, 'import:' || user_id,
    'balance carried over from the previous bot',
    strftime('%Y-%m-%d %H:%M:%S', 'now')
  FROM balances WHERE tokens > 0;

CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES balances(user_id),
  chat_id INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'submitted', 'running',
    'delivering', 'done', 'failed', 'cancelled', 'refunded')),
  mode TEXT NOT NULL,
  duration INTEGER NOT NULL,
  quality TEXT NOT NULL,
  cost INTEGER NOT NULL CHECK (cost >= 0),
  file_id TEXT NOT NULL,
  update_id INTEGER UNIQUE,
  locale TEXT NOT NULL,
  progress_message_id INTEGER,
  prompt_id TEXT,
  server TEXT,
  error TEXT,
  video_file_id TEXT,
  render_seconds REAL,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX jobs_user_state ON jobs (user_id, state);
CREATE INDEX jobs_state ON jobs (state);

-- The create-video wizard of each user, so a restart does not lose it.
CREATE TABLE wizard (
  user_id INTEGER PRIMARY KEY REFERENCES balances(user_id),
  step TEXT NOT NULL,
  file_id TEXT,
  duration INTEGER,
  quality TEXT,
  message_id INTEGER,
  nonce TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Telegram update ids already handled: a re-delivered update is skipped.
CREATE TABLE updates (
  update_id INTEGER PRIMARY KEY,
  user_id INTEGER,
  received_at TEXT NOT NULL
);

-- Telegram Stars purchases, one row per telegram_payment_charge_id; the
-- tokens are credited by a 'purchase' journal row in the same transaction.
CREATE TABLE payments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  charge_id TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES balances(user_id),
  tokens INTEGER NOT NULL CHECK (tokens > 0),
  stars INTEGER NOT NULL CHECK (stars > 0),
  payload TEXT NOT NULL,
  created_at TEXT NOT NULL,
  refunded_tokens INTEGER CHECK (refunded_tokens >= 0),
  refunded_at TEXT
);
CREATE INDEX payments_user ON payments (user_id);

-- Who invited whom; the bonus is fixed when the invited user arrives and
-- paid once ('referral:<invited>') with their first delivered video.
CREATE TABLE referrals (
  invited_id INTEGER PRIMARY KEY REFERENCES balances(user_id),
  inviter_id INTEGER NOT NULL REFERENCES balances(user_id),
  bonus INTEGER NOT NULL CHECK (bonus > 0),
  created_at TEXT NOT NULL,
  paid_at TEXT
);
CREATE INDEX referrals_inviter ON referrals (inviter_id);

-- Users whose chat answered 403 (they blocked the bot); broadcasts skip them.
CREATE TABLE blocked_users (
  user_id INTEGER PRIMARY KEY,
  blocked_at TEXT NOT NULL
);

-- Admin broadcasts with one delivery row per recipient, so a restart
-- resumes where it stopped and nobody gets the message twice.
CREATE TABLE broadcasts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  admin_id INTEGER NOT NULL,
  from_chat_id INTEGER NOT NULL,
  message_id INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'done')),
  progress_message_id INTEGER,
  created_at TEXT NOT NULL,
  finished_at TEXT,
  UNIQUE (from_chat_id, message_id)
);
CREATE TABLE broadcast_deliveries (
  broadcast_id INTEGER NOT NULL REFERENCES broadcasts(id),
  user_id INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent',
    'blocked', 'failed')),
  PRIMARY KEY (broadcast_id, user_id)
);
CREATE INDEX broadcast_deliveries_state ON broadcast_deliveries
  (broadcast_id, state);

-- The motion prompt of a job and of an open wizard (undefined: the
-- workflow's own), and whether the job is a user's free video of the day.
ALTER TABLE jobs ADD COLUMN prompt TEXT;
ALTER TABLE jobs ADD COLUMN free INTEGER NOT NULL DEFAULT 0;
ALTER TABLE wizard ADD COLUMN prompt TEXT;
CREATE INDEX jobs_user_created ON jobs (user_id, created_at);

-- When each job reached each state (the dashboard's timeline).
CREATE TABLE job_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL REFERENCES jobs(id),
  state TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX job_events_job ON job_events (job_id, id);
`;

// Dashboard links already opened, until they expire: a restart must not
// make a used one-time link usable again.
const V2 = `
CREATE TABLE dashboard_links (
  nonce TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
);
`;

// Telegram updates are stored before they are acknowledged (`payload`
// holds the update until it is handled, `attempts` counts the tries, so
// one that kills the process is given up), and a job remembers the
// message of its sent video, so a capture that could not be written is
// completed by the next start without sending the video again.
const V3 = `
ALTER TABLE updates ADD COLUMN payload TEXT;
ALTER TABLE updates ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
CREATE INDEX updates_pending ON updates (update_id) WHERE payload IS NOT NULL;
ALTER TABLE jobs ADD COLUMN video_message_id INTEGER;
`;

// Issue 17: bans (the current ones, and every ban and unban with who and
// when), per-group settings (/animate off), a job's aspect ratio and the
// group message its video answers, the wizard's chosen aspect ratio, and
// photo albums waiting for one confirmation.
const V4 = `
CREATE TABLE bans (
  user_id INTEGER PRIMARY KEY,
  banned_by INTEGER NOT NULL,
  reason TEXT,
  banned_at TEXT NOT NULL
);
CREATE TABLE ban_audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL,
  admin_id INTEGER NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('ban', 'unban')),
  reason TEXT,
  at TEXT NOT NULL
);
CREATE INDEX ban_audit_user ON ban_audit (user_id, id);
CREATE TABLE group_settings (
  chat_id INTEGER PRIMARY KEY,
  animate_off INTEGER NOT NULL DEFAULT 0,
  changed_by INTEGER,
  changed_at TEXT
);
ALTER TABLE jobs ADD COLUMN aspect TEXT;
ALTER TABLE jobs ADD COLUMN reply_to INTEGER;
ALTER TABLE jobs ADD COLUMN video_chat INTEGER;
ALTER TABLE wizard ADD COLUMN aspect TEXT;
ALTER TABLE wizard ADD COLUMN album TEXT;
`;

function columnsOf(db: DatabaseSync, table: string): Set<string> {
  const rows = db.prepare(`PRAGMA table_info(${table})`).all();
  return new Set(rows.map((row) => String(row.name)));
}

/** Adds the columns an older copy of the old bot's table lacks. */
function upgradeOldBalances(db: DatabaseSync): string[] {
  db.exec(OLD_BALANCES);
  const have = columnsOf(db, "balances");
  const added: string[] = [];
  for (const [name, type] of OLD_COLUMNS) {
    if (!have.has(name)) {
      db.exec(`ALTER TABLE balances ADD COLUMN ${name} ${type}`);
      added.push(name);
    }
  }
  return added;
}

/** What {@link migrate} did, for the start-up log. */
export interface MigrationReport {
  from: number;
  to: number;
  addedColumns: string[];
  importedUsers: number;
}

/**
 * Brings the database to {@link SCHEMA_VERSION} in one transaction.
 * The caller has made a backup copy first where the file held old data.
 */
export function migrate(db: DatabaseSync): MigrationReport {
  const from = Number(db.prepare("PRAGMA user_version").get()?.user_version);
  const report: MigrationReport = {
    from,
    to: from,
    addedColumns: [],
    importedUsers: 0,
  };
  if (from >= SCHEMA_VERSION) return report;
  db.exec("BEGIN IMMEDIATE");
  try {
    if (from < 1) {
      report.addedColumns = upgradeOldBalances(db);
      report.importedUsers = Number(
        db.prepare("SELECT COUNT(*) AS n FROM balances").get()?.n,
      );
      db.exec(V1);
    }
    if (from < 2) db.exec(V2);
    if (from < 3) db.exec(V3);
    db.exec(V4);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
  report.to = SCHEMA_VERSION;
  return report;
}
