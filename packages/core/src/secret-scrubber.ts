const REDACTED = '[REDACTED]';

/** How many secret values a scrubber remembers; a warm Lambda container sees a handful per rotation. */
const MAX_REMEMBERED = 256;

/** `scheme://user:password@` and `password=...` shapes, in case a driver echoes a connection string. */
const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi;
const KEY_VALUE_PASSWORD = /\b(password|passwd|pwd)=([^\s;&'"]+)/gi;

/** Keys of secret JSON whose values are secret on their own. */
const SECRET_FIELD = /pass|secret|token|api_?key|private/i;

/** How MySQL's string-literal escaping spells control characters after the backslash. */
const MYSQL_ESCAPES: Record<string, string> = { '\0': '0', '\b': 'b', '\t': 't', '\n': 'n', '\r': 'r', '\x1a': 'Z' };

/** Forms in which a secret may be echoed: raw, JSON-escaped, SQL-quoted the standard and the backslash way. */
function echoedForms(secret: string): string[] {
  const forms = new Set([
    secret,
    JSON.stringify(secret).slice(1, -1),
    secret.replaceAll("'", "''"),
    // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters MySQL escapes.
    secret.replace(/[\0\b\t\n\r\x1a'"\\]/g, (c) => `\\${MYSQL_ESCAPES[c] ?? c}`),
  ]);
  return [...forms].filter((form) => form.length > 0);
}

/**
 * Remembers every secret value the function has seen and removes them from any text. The logger and the
 * error boundary run everything through it, so a value cannot leak by a forgotten call site.
 */
class SecretScrubber {
  readonly #forms = new Map<string, string[]>();
  #ordered: string[] = [];

  /** Remembers a secret value (a password, a whole SecretString); empty and non-string values are ignored. */
  add(value: unknown): void {
    if (typeof value !== 'string' || value.length === 0 || this.#forms.has(value)) return;
    this.#forms.set(value, echoedForms(value));
    if (this.#forms.size > MAX_REMEMBERED) {
      const oldest = this.#forms.keys().next().value;
      if (oldest !== undefined) this.#forms.delete(oldest);
    }
    // Longest first, so a password inside a remembered SecretString is replaced as part of the whole.
    this.#ordered = [...new Set([...this.#forms.values()].flat())].sort((a, b) => b.length - a.length);
  }

  /**
   * Remembers a SecretString and, when it is a JSON object, every value under a secret-like key
   * (password, api keys, tokens), since those can be echoed on their own.
   */
  addSecretString(secretString: string | undefined): void {
    this.add(secretString);
    if (secretString === undefined) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(secretString);
    } catch {
      return;
    }
    if (typeof parsed !== 'object' || parsed === null) return;
    for (const [key, value] of Object.entries(parsed)) {
      if (SECRET_FIELD.test(key)) this.add(value);
    }
  }

  /** Replaces every remembered secret, and any URL or key=value password, in `text`. */
  scrub(text: string): string {
    let result = text;
    for (const form of this.#ordered) {
      if (result.includes(form)) result = result.split(form).join(REDACTED);
    }
    return result.replace(URL_USERINFO, `$1${REDACTED}@`).replace(KEY_VALUE_PASSWORD, `$1=${REDACTED}`);
  }
}

export { REDACTED, SecretScrubber };
