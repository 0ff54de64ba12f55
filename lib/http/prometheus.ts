/**
 * A tiny writer of the Prometheus text exposition format (version 0.0.4):
 * `# HELP`, `# TYPE`, samples with escaped labels, and histograms with
 * cumulative `le` buckets, `_sum` and `_count`.
 *
 * @module
 */

/** Label names and values of one sample. */
export type Labels = Readonly<Record<string, string>>;

/** One sample of a counter or gauge. */
export interface Sample {
  readonly labels?: Labels;
  readonly value: number;
}

/** One series of a histogram: observations already counted per bucket. */
export interface HistogramSeries {
  readonly labels?: Labels;
  /** Upper bounds, ascending, without +Inf. */
  readonly bounds: readonly number[];
  /** Observations ≤ each bound (cumulative), same length as `bounds`. */
  readonly cumulative: readonly number[];
  readonly count: number;
  readonly sum: number;
}

/** Escapes a label value: backslash, double quote and newline. */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')
    .replace(/\n/g, "\\n");
}

// HELP text escapes only backslash and newline.
function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/** Formats a number as Prometheus does (`+Inf`, `-Inf`, `NaN`). */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

function formatLabels(labels: Labels | undefined): string {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return "";
  const body = entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",");
  return `{${body}}`;
}

/** Collects metric families and renders them as one text body. */
export class PrometheusText {
  readonly #lines: string[] = [];

  /** A counter family (monotonic). */
  counter(name: string, help: string, samples: readonly Sample[]): this {
    return this.#family(name, help, "counter", samples);
  }

  /** A gauge family. */
  gauge(name: string, help: string, samples: readonly Sample[]): this {
    return this.#family(name, help, "gauge", samples);
  }

  /** A histogram family. */
  histogram(
    name: string,
    help: string,
    series: readonly HistogramSeries[],
  ): this {
    this.#header(name, help, "histogram");
    for (const s of series) {
      s.bounds.forEach((bound, i) => {
        const le = { ...s.labels, le: formatNumber(bound) };
        this.#sample(`${name}_bucket`, le, s.cumulative[i] ?? 0);
      });
      this.#sample(`${name}_bucket`, { ...s.labels, le: "+Inf" }, s.count);
      this.#sample(`${name}_sum`, s.labels, s.sum);
      this.#sample(`${name}_count`, s.labels, s.count);
    }
    return this;
  }

  /** The body, ending with a newline. */
  toString(): string {
    return this.#lines.join("\n") + "\n";
  }

  #family(
    name: string,
    help: string,
    type: string,
    samples: readonly Sample[],
  ): this {
    this.#header(name, help, type);
    for (const s of samples) this.#sample(name, s.labels, s.value);
    return this;
  }

  #header(name: string, help: string, type: string): void {
    this.#lines.push(`# HELP ${name} ${escapeHelp(help)}`);
    this.#lines.push(`# TYPE ${name} ${type}`);
  }

  #sample(name: string, labels: Labels | undefined, value: number): void {
    this.#lines.push(`${name}${formatLabels(labels)} ${formatNumber(value)}`);
  }
}

/** The Content-Type of the text format. */
export const PROMETHEUS_CONTENT_TYPE =
  "text/plain; version=0.0.4; charset=utf-8";
