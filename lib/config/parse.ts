/**
 * The primitives every configuration reader shares: the error that names
 * the variable, and parsers for whole numbers, durations and URLs. Their
 * messages are part of the operator's contract (tests pin them).
 *
 * @module
 */

/** Thrown when an environment variable holds a value the bot cannot use. */
export class ConfigError extends Error {
  /** The offending variable, e.g. `TOKENS_PER_VIDEO`. */
  readonly variable: string;

  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = "ConfigError";
    this.variable = variable;
  }
}

/** The environment as a plain record (main passes `Deno.env.toObject()`). */
export type Env = Readonly<Record<string, string | undefined>>;

/** The trimmed value, or undefined when unset or blank. */
export function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}

/**
 * A reader of the variables named in `defaults`: the trimmed value, or the
 * default when the variable is unset or blank.
 */
export function withDefaults<K extends string>(
  env: Env,
  defaults: Readonly<Record<K, string>>,
): (name: K) => string {
  return (name) => nonEmpty(env[name]) ?? defaults[name];
}

/** A whole number in `min..max`. */
export function int(
  name: string,
  raw: string,
  min: number,
  max: number,
): number {
  if (!/^-?\d+$/.test(raw)) {
    throw new ConfigError(name, `"${raw}" is not a whole number`);
  }
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(name, `${value} is outside ${min}..${max}`);
  }
  return value;
}

/** A positive number of seconds (at most a day), in milliseconds. */
export function seconds(name: string, raw: string): number {
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !(value > 0) || value > 86_400) {
    throw new ConfigError(
      name,
      `"${raw}" is not a number of seconds between 0 and 86400`,
    );
  }
  return Math.round(value * 1000);
}

/** An http(s) URL without query or fragment, trailing slashes removed. */
export function httpUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `"${raw}" is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(name, `"${raw}" must start with http:// or https://`);
  }
  if (url.search !== "" || url.hash !== "") {
    throw new ConfigError(name, `"${raw}" must not have a query or fragment`);
  }
  return url.href.replace(/\/+$/, "");
}

/** {@link httpUrl} of an optional variable. */
export function optionalUrl(name: string, env: Env): string | undefined {
  const raw = nonEmpty(env[name]);
  return raw === undefined ? undefined : httpUrl(name, raw);
}
