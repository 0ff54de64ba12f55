/**
 * The configuration's documentation cannot drift from the code: the table
 * in docs/configuration.md and .env.example are compared with the
 * variables loadConfig() really reads and with the defaults lib/config/mod.ts
 * exports.
 */

import assert from "node:assert/strict";
import {
  DEFAULT_WEBHOOK_PORT,
  DEFAULTS,
  type Env,
  loadConfig,
} from "../../lib/config/mod.ts";

const ROOT = new URL("../../", import.meta.url);
const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

// Each env makes loadConfig() take a branch that reads more variables.
const ENVS: Env[] = [
  { BOT_TOKEN: TOKEN },
  {
    BOT_TOKEN: TOKEN,
    WEBHOOK_URL: "https://bot.example.com/telegram",
    WEBHOOK_SECRET: "0123456789abcdef0123",
    ADMIN_USER_IDS: "1",
  },
  { BOT_TOKEN: TOKEN, COMFYUI_URLS: "http://10.0.0.5:8188;kind=core" },
  { BOT_TOKEN: TOKEN, TOKEN_PACKS: "50:25,200:90" },
];

// Read by the code but documented in another row's meaning column rather
// than as a row of their own: the old bot's names.
const ALIASES: Record<string, string> = {
  ADMIN_USER_ID: "ADMIN_USER_IDS",
  DEBUG: "LOG_LEVEL",
};

// Uncommented in .env.example with a value while the code has no default
// for them: DEBUG is off unless it says 1, true or yes.
const EXAMPLE_VALUES: Record<string, string> = { DEBUG: "false" };

/** Every variable loadConfig() reads, seen through a recording Proxy. */
function variablesRead(): Set<string> {
  const names = new Set<string>();
  for (const env of ENVS) {
    const recorder = new Proxy(env, {
      get(target, key) {
        if (typeof key === "string") names.add(key);
        return Reflect.get(target, key);
      },
      has(target, key) {
        if (typeof key === "string") names.add(key);
        return Reflect.has(target, key);
      },
    });
    loadConfig(recorder);
  }
  return names;
}

interface Row {
  readonly name: string;
  readonly defaultCell: string;
  readonly meaning: string;
}

/** The rows of the variables table of docs/configuration.md. */
async function documentedRows(): Promise<Map<string, Row>> {
  const text = await Deno.readTextFile(new URL("docs/configuration.md", ROOT));
  const rows = new Map<string, Row>();
  for (const line of text.split("\n")) {
    const match = /^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|([^|]*)\|(.*)\|\s*$/.exec(
      line,
    );
    if (match?.[1] === undefined) continue;
    assert.ok(!rows.has(match[1]), `${match[1]} has two rows`);
    rows.set(match[1], {
      name: match[1],
      defaultCell: (match[2] ?? "").trim(),
      meaning: (match[3] ?? "").trim(),
    });
  }
  return rows;
}

/** `NAME=value` lines of .env.example, split by whether they are commented. */
async function exampleLines(): Promise<{
  set: Map<string, string>;
  commented: Set<string>;
}> {
  const text = await Deno.readTextFile(new URL(".env.example", ROOT));
  const set = new Map<string, string>();
  const commented = new Set<string>();
  for (const line of text.split("\n")) {
    const plain = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (plain?.[1] !== undefined) {
      assert.ok(!set.has(plain[1]), `.env.example sets ${plain[1]} twice`);
      set.set(plain[1], plain[2] ?? "");
      continue;
    }
    const hidden = /^#\s?([A-Z][A-Z0-9_]*)=/.exec(line);
    if (hidden?.[1] !== undefined) commented.add(hidden[1]);
  }
  return { set, commented };
}

Deno.test("docs/configuration.md documents every variable loadConfig() reads, and no other", async () => {
  const read = variablesRead();
  const rows = await documentedRows();
  // The recorder works: these are read only on some branches.
  for (const name of ["WEBHOOK_SECRET", "COMFYUI_URLS", "ADMIN_USER_ID"]) {
    assert.ok(read.has(name), `the recorder missed ${name}`);
  }
  const undocumented = [...read].filter((name) =>
    !rows.has(name) && !(name in ALIASES)
  );
  assert.deepEqual(undocumented, [], "read by the code, not in the table");
  const unknown = [...rows.keys()].filter((name) => !read.has(name));
  assert.deepEqual(unknown, [], "in the table, never read by the code");
  for (const [alias, row] of Object.entries(ALIASES)) {
    assert.ok(read.has(alias), `${alias} is no longer read`);
    assert.match(
      rows.get(row)?.meaning ?? "",
      new RegExp(`\`${alias}[\`=]`),
      `the ${row} row should mention ${alias}`,
    );
  }
});

Deno.test("docs/configuration.md states the defaults lib/config/mod.ts has", async () => {
  const rows = await documentedRows();
  for (const [name, value] of Object.entries(DEFAULTS)) {
    const row = rows.get(name);
    assert.ok(row !== undefined, `${name} has a default but no row`);
    // A long default (NEGATIVE_PROMPT's text) is quoted in the meaning.
    const cell = value.length > 40 ? row.meaning : row.defaultCell;
    assert.ok(
      cell.includes(`\`${value}\``),
      `${name}: the table should state the default \`${value}\`, not "${cell}"`,
    );
    if (value.length <= 40) {
      assert.ok(cell.startsWith(`\`${value}\``), `${name}: "${cell}"`);
    }
  }
  // A documented default the code does not have: only "(none…)" or
  // "(required)" may stand where DEFAULTS has no value.
  for (const row of rows.values()) {
    if (row.name in DEFAULTS) continue;
    assert.match(row.defaultCell, /^\(/, `${row.name}: "${row.defaultCell}"`);
  }
  assert.ok(
    rows.get("HTTP_PORT")?.defaultCell.includes(`\`${DEFAULT_WEBHOOK_PORT}\``),
    "HTTP_PORT's webhook-mode port",
  );
});

Deno.test(".env.example sets only real variables, to their defaults", async () => {
  const read = variablesRead();
  const rows = await documentedRows();
  const { set, commented } = await exampleLines();
  const defaults: Record<string, string> = DEFAULTS;
  for (const [name, value] of set) {
    assert.ok(read.has(name), `.env.example sets ${name}, which nothing reads`);
    const expected = defaults[name] ?? EXAMPLE_VALUES[name] ?? "";
    assert.equal(value, expected, `.env.example: ${name}`);
  }
  for (const name of commented) {
    assert.ok(read.has(name), `.env.example mentions unknown ${name}`);
  }
  // The unit's DATA_DIR=/var/lib/lora-bot would be overridden by the file.
  assert.ok(!set.has("DATA_DIR") && commented.has("DATA_DIR"));
  const missing = [...rows.keys()].filter((name) =>
    !set.has(name) && !commented.has(name)
  );
  assert.deepEqual(missing, [], "documented, missing from .env.example");
});
