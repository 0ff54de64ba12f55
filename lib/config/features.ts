/**
 * Settings of the motion prompt, the daily free video and the admin
 * alerts, parsed like the rest of {@link loadConfig} (a bad value names
 * its variable). Kept apart so mod.ts stays one screenful per concern.
 *
 * @module
 */

import { ConfigError, type Env } from "./parse.ts";

/** What the features of issue #8 read from the environment. */
export interface FeatureConfig {
  /**
   * Negative text sent with every user prompt (empty: none). Without a user
   * prompt the workflow keeps its own texts.
   */
  readonly negativePrompt: string | undefined;
  /** 5 s videos a day each user gets for free (0: off). */
  readonly freeVideosPerDay: number;
  /** Admin alerts on (ALERTS=off turns them off). */
  readonly alerts: boolean;
  /** At most one alert message per kind in this time. */
  readonly alertIntervalMs: number;
  /** Alert when the disk under DATA_DIR is fuller than this, in percent. */
  readonly alertDiskPercent: number;
  /** Alert after this many failed jobs in a row. */
  readonly alertFailures: number;
}

/** Defaults, as an operator would write them. */
export const FEATURE_DEFAULTS = {
  NEGATIVE_PROMPT:
    "blurry, distorted face, deformed hands, extra limbs, static frame, flicker, watermark, text, low quality",
  FREE_VIDEOS_PER_DAY: "0",
  ALERTS: "on",
  ALERT_INTERVAL: "300",
  ALERT_DISK_PERCENT: "90",
  ALERT_FAILURES: "3",
} as const;

function get(env: Env, name: keyof typeof FEATURE_DEFAULTS): string {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? FEATURE_DEFAULTS[name] : value;
}

function whole(env: Env, name: keyof typeof FEATURE_DEFAULTS, max: number) {
  const raw = get(env, name);
  if (!/^\d+$/.test(raw) || Number(raw) > max) {
    throw new ConfigError(name, `"${raw}" is not a whole number 0..${max}`);
  }
  return Number(raw);
}

/** Reads the feature settings; throws {@link ConfigError} on a bad value. */
export function loadFeatureConfig(env: Env): FeatureConfig {
  const alerts = get(env, "ALERTS").toLowerCase();
  if (!/^(on|off|true|false|1|0|yes|no)$/.test(alerts)) {
    throw new ConfigError("ALERTS", `"${alerts}" is not "on" or "off"`);
  }
  const negative = get(env, "NEGATIVE_PROMPT");
  const interval = whole(env, "ALERT_INTERVAL", 86_400);
  const disk = whole(env, "ALERT_DISK_PERCENT", 100);
  return {
    negativePrompt: /^(off|none)$/i.test(negative) ? undefined : negative,
    freeVideosPerDay: whole(env, "FREE_VIDEOS_PER_DAY", 100),
    alerts: /^(on|true|1|yes)$/.test(alerts),
    alertIntervalMs: interval * 1000,
    alertDiskPercent: disk,
    alertFailures: Math.max(1, whole(env, "ALERT_FAILURES", 1000)),
  };
}
