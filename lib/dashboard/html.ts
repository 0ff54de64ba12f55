/**
 * HTML built from tagged templates: every interpolated value is escaped
 * unless it is already {@link Html}, so a user's name can never inject
 * markup into the admin's page.
 *
 * @module
 */

/** A piece of markup that is safe to insert as is. */
export class Html {
  /** The markup. */
  readonly value: string;

  constructor(value: string) {
    this.value = value;
  }

  /** The markup. */
  toString(): string {
    return this.value;
  }
}

/** A value a template may hold. */
export type HtmlValue =
  | Html
  | string
  | number
  | undefined
  | null
  | boolean
  | readonly HtmlValue[];

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;")
    .replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

function render(value: HtmlValue): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === undefined || value === null || value === false) return "";
  return escapeHtml(String(value));
}

/** The tag: `html\`<p>${name}</p>\``. */
export function html(
  strings: TemplateStringsArray,
  ...values: HtmlValue[]
): Html {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? "");
  });
  return new Html(out);
}

/** Markup trusted as is (the embedded library, the page's own script). */
export function raw(text: string): Html {
  return new Html(text);
}
