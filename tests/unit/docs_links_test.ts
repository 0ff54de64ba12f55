/**
 * The README fits a screen and the docs hold together: README.md is at
 * most 300 lines with its first section within 40, and every relative link
 * in README.md and docs/*.md (and every `Documentation=` path of the
 * systemd units) reaches a file, and a heading for its `#anchor`.
 */

import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);
const UNITS = [
  "lora-bot.service",
  "lora-bot-backup.service",
  "lora-bot-backup.timer",
];
// Where the install recipe copies README.md and docs/.
const DOC_PREFIX = "file:///usr/local/share/doc/lora-bot/";

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/`/g, "")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** The text outside fenced code blocks, where links and headings live. */
function prose(markdown: string): string[] {
  let fenced = false;
  return markdown.split("\n").filter((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return false;
    }
    return !fenced;
  });
}

/** The anchors of a file's headings, with GitHub's -1, -2 for repeats. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const line of prose(markdown)) {
    const match = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (match?.[1] === undefined) continue;
    const base = slug(match[1]);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

/** Targets of `[text](target)`, `![alt](src)` and `<img src>`, code left out. */
function links(markdown: string): string[] {
  const targets: string[] = [];
  for (const line of prose(markdown)) {
    const text = line.replace(/`[^`]*`/g, "");
    for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      if (m[1] !== undefined) targets.push(m[1]);
    }
    for (const m of text.matchAll(/<img[^>]*\ssrc="([^"]+)"/g)) {
      if (m[1] !== undefined) targets.push(m[1]);
    }
  }
  return targets;
}

async function docFiles(): Promise<string[]> {
  const files = ["README.md"];
  for await (const entry of Deno.readDir(new URL("docs/", ROOT))) {
    if (entry.isFile && entry.name.endsWith(".md")) {
      files.push(`docs/${entry.name}`);
    }
  }
  return files.sort();
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(new URL(path, ROOT));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** What is wrong with one relative link of `from` (undefined: nothing). */
async function brokenLink(
  from: string,
  target: string,
): Promise<string | undefined> {
  const [path = "", anchor] = target.split("#", 2);
  const file = path === ""
    ? from
    : new URL(path, new URL(from, ROOT)).pathname.slice(ROOT.pathname.length);
  const text = await readIfExists(file);
  if (text === undefined) {
    // A folder or an image is fine as long as it exists.
    const exists = await Deno.stat(new URL(file, ROOT)).then(
      () => true,
      () => false,
    );
    return exists && anchor === undefined ? undefined : `${file} is missing`;
  }
  if (anchor === undefined || !file.endsWith(".md")) return undefined;
  return anchors(text).has(anchor)
    ? undefined
    : `${file} has no heading #${anchor}`;
}

Deno.test("slug() matches GitHub's anchors", () => {
  assert.equal(slug("Deployment (systemd)"), "deployment-systemd");
  assert.equal(
    slug("Backups: `lora-bot backup`"),
    "backups-lora-bot-backup",
  );
  assert.equal(
    slug("Several servers, failover and `/backends`"),
    "several-servers-failover-and-backends",
  );
  assert.equal(slug("What a user sees"), "what-a-user-sees");
});

Deno.test("README.md fits a screen: at most 300 lines, its first section within 40", async () => {
  const lines = (await Deno.readTextFile(new URL("README.md", ROOT)))
    .trimEnd().split("\n");
  assert.ok(lines.length <= 300, `README.md has ${lines.length} lines`);
  const first = lines.findIndex((line) => line.startsWith("## "));
  assert.ok(first > 0 && first <= 40, `first section: ${first} lines`);
  // The first screen's two commands, exactly as they run on a fresh machine.
  const top = lines.slice(0, first).join("\n");
  const commands = top.match(/^npx .*$/gm)?.map((c) => c.split("#")[0]?.trim());
  assert.deepEqual(commands, [
    "npx -y deno@2.9.6 task demo",
    "npx -y deno@2.9.6 task test",
  ]);
});

Deno.test("every relative link in README.md and docs/ resolves", async () => {
  const broken: string[] = [];
  let checked = 0;
  for (const from of await docFiles()) {
    const text = await Deno.readTextFile(new URL(from, ROOT));
    for (const target of links(text)) {
      if (/^[a-z][a-z+.-]*:/i.test(target)) continue; // https:, mailto:
      checked++;
      const problem = await brokenLink(from, target);
      if (problem !== undefined) broken.push(`${from}: ${target}: ${problem}`);
    }
  }
  assert.deepEqual(broken, []);
  assert.ok(checked > 20, `only ${checked} links found`);
});

Deno.test("the units' Documentation= name files the install recipe copies", async () => {
  for (const unit of UNITS) {
    const text = await Deno.readTextFile(new URL(unit, ROOT));
    const docs = [...text.matchAll(/^Documentation=(\S+)$/gm)]
      .map((m) => m[1] ?? "").filter((url) => url.startsWith("file:"));
    assert.ok(docs.length > 0, `${unit} has no local Documentation=`);
    for (const url of docs) {
      assert.ok(url.startsWith(DOC_PREFIX), `${unit}: ${url}`);
      const path = url.slice(DOC_PREFIX.length);
      assert.ok(
        path === "README.md" || /^docs\/[a-z-]+\.md$/.test(path),
        `${unit}: ${path} is not copied by the recipe`,
      );
      assert.notEqual(await readIfExists(path), undefined, `${unit}: ${path}`);
    }
  }
});
