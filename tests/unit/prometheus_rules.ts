/**
 * The rules of the Prometheus text exposition format (0.0.4) and of its
 * naming conventions, as a checker that lists every violation in a body:
 * https://prometheus.io/docs/instrumenting/exposition_formats/ and
 * https://prometheus.io/docs/practices/naming/.
 *
 * - `# TYPE` at most once per family, before its first sample, and every
 *   sample belongs to a typed family (stricter than the format, which
 *   allows untyped samples); a family's lines are contiguous;
 * - metric and label names match the format's grammar; label values are
 *   quoted with only `\\`, `\"` and `\n` escaped; no series twice;
 * - `_total` only on counters, and every counter ends in `_total`;
 *   counters are never negative;
 * - histograms: per series, `le` buckets ascending and cumulative (never
 *   decreasing), the last one `+Inf` and equal to `_count`, plus `_sum`.
 */

const METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

/** One parsed sample line. */
export interface ParsedSample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** Parses `name{a="x",b="y"} value`; throws on a malformed line. */
export function parseSample(line: string): ParsedSample {
  const name = /^[^{\s]+/.exec(line)?.[0] ?? "";
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === "{") {
    i++;
    while (line[i] !== "}") {
      const key = /^[^=]+/.exec(line.slice(i))?.[0] ?? "";
      if (!LABEL.test(key) || key.startsWith("__")) {
        throw new Error(`bad label name "${key}"`);
      }
      i += key.length;
      if (line.slice(i, i + 2) !== '="') throw new Error('label without ="');
      i += 2;
      let value = "";
      for (; i < line.length && line[i] !== '"'; i++) {
        if (line[i] !== "\\") {
          value += line[i];
          continue;
        }
        const next = line[++i];
        if (next === "n") value += "\n";
        else if (next === "\\" || next === '"') value += next;
        else throw new Error(`bad escape \\${next}`);
      }
      if (line[i] !== '"') throw new Error("unterminated label value");
      i++;
      if (key in labels) throw new Error(`label "${key}" twice`);
      labels[key] = value;
      if (line[i] === ",") i++;
      else if (line[i] !== "}") throw new Error("expected , or }");
    }
    i++;
  }
  const rest = line.slice(i).split(" ").filter((p) => p !== "");
  if (line[i] !== " " || rest.length < 1 || rest.length > 2) {
    throw new Error("expected one space, a value and an optional timestamp");
  }
  const raw = rest[0] ?? "";
  const value = raw === "+Inf"
    ? Infinity
    : raw === "-Inf"
    ? -Infinity
    : raw === "NaN"
    ? NaN
    : /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)
    ? Number(raw)
    : undefined;
  if (value === undefined) throw new Error(`bad value "${raw}"`);
  return { name, labels, value };
}

// The family a sample name belongs to, given the declared types.
function familyOf(name: string, types: Map<string, string>): string {
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    const base = name.slice(0, -suffix.length);
    if (name.endsWith(suffix) && types.get(base) === "histogram") return base;
  }
  return name;
}

/** Every violation of the rules above in `text` (empty: conforming). */
export function exposition(text: string): {
  readonly problems: string[];
  readonly samples: ParsedSample[];
} {
  const problems: string[] = [];
  const types = new Map<string, string>();
  const seen = new Set<string>();
  const closed = new Set<string>();
  const samples: ParsedSample[] = [];
  let current = "";
  if (!text.endsWith("\n")) problems.push("the body must end with a newline");
  for (const [n, line] of text.split("\n").entries()) {
    if (line === "") continue;
    const where = `line ${n + 1}`;
    const meta = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
    if (meta) {
      const [, kind, name = "", rest = ""] = meta;
      if (!METRIC.test(name)) problems.push(`${where}: bad name "${name}"`);
      if (name !== current) {
        if (closed.has(name)) problems.push(`${where}: ${name} split up`);
        if (current) closed.add(current);
        current = name;
      }
      if (kind === "TYPE") {
        if (types.has(name)) problems.push(`${where}: second TYPE ${name}`);
        if (seen.has(name)) problems.push(`${where}: TYPE after samples`);
        if (!TYPES.has(rest)) problems.push(`${where}: bad type "${rest}"`);
        types.set(name, rest);
        if (rest === "counter" && !name.endsWith("_total")) {
          problems.push(`${where}: counter ${name} must end in _total`);
        }
        if (rest !== "counter" && name.endsWith("_total")) {
          problems.push(`${where}: _total on the ${rest} ${name}`);
        }
      }
      continue;
    }
    if (line.startsWith("#")) continue;
    let sample: ParsedSample;
    try {
      sample = parseSample(line);
    } catch (error) {
      problems.push(`${where}: ${(error as Error).message}: ${line}`);
      continue;
    }
    samples.push(sample);
    const family = familyOf(sample.name, types);
    if (!METRIC.test(sample.name)) problems.push(`${where}: bad name`);
    if (!types.has(family)) problems.push(`${where}: ${family} has no TYPE`);
    if (family !== current) {
      if (closed.has(family)) problems.push(`${where}: ${family} split up`);
      if (current) closed.add(current);
      current = family;
    }
    seen.add(family);
    const key = `${sample.name}${JSON.stringify(sample.labels)}`;
    if (seen.has(key)) problems.push(`${where}: series twice: ${line}`);
    seen.add(key);
    if (types.get(family) === "counter" && !(sample.value >= 0)) {
      problems.push(`${where}: negative counter`);
    }
  }
  for (const [name, type] of types) {
    if (type === "histogram") {
      problems.push(...histogramProblems(name, samples));
    }
  }
  return { problems, samples };
}

function histogramProblems(name: string, samples: ParsedSample[]): string[] {
  const problems: string[] = [];
  const series = new Map<string, { le: number; value: number }[]>();
  const of = (labels: Record<string, string>) => {
    const { le: _, ...rest } = labels;
    return JSON.stringify(rest);
  };
  for (const s of samples.filter((s) => s.name === `${name}_bucket`)) {
    if (s.labels.le === undefined) problems.push(`${name}: bucket without le`);
    const le = s.labels.le === "+Inf" ? Infinity : Number(s.labels.le);
    const list = series.get(of(s.labels)) ?? [];
    list.push({ le, value: s.value });
    series.set(of(s.labels), list);
  }
  for (const [labels, buckets] of series) {
    for (let i = 1; i < buckets.length; i++) {
      const [a, b] = [buckets[i - 1], buckets[i]];
      if (a && b && !(b.le > a.le)) problems.push(`${name}${labels}: le order`);
      if (a && b && b.value < a.value) {
        problems.push(`${name}${labels}: buckets not cumulative`);
      }
    }
    const last = buckets.at(-1);
    if (last?.le !== Infinity) problems.push(`${name}${labels}: no +Inf`);
    const find = (suffix: string) =>
      samples.find((s) =>
        s.name === `${name}${suffix}` && of(s.labels) === labels
      );
    const count = find("_count");
    if (count === undefined) problems.push(`${name}${labels}: no _count`);
    else if (count.value !== last?.value) {
      problems.push(`${name}${labels}: +Inf bucket is not _count`);
    }
    if (find("_sum") === undefined) problems.push(`${name}${labels}: no _sum`);
  }
  return problems;
}
