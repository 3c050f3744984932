/** Text from an error: message, stack, every own string property and the whole cause chain. */
function errorText(error: unknown, depth = 0): string {
  if (error === undefined || error === null || depth > 8) return '';
  if (!(error instanceof Error)) return typeof error === 'object' ? JSON.stringify(error) : String(error);
  const own = Object.entries(error)
    .filter(([, value]) => typeof value === 'string' || typeof value === 'number')
    .map(([key, value]) => `${key}=${String(value)}`);
  return [error.name, error.message, error.stack ?? '', ...own, errorText(error.cause, depth + 1)].join('\n');
}

/**
 * Collects every secret value a test created or a handler generated, and everything handlers wrote or
 * threw; `findLeaks()` names each secret (by position, never the value) that appears in any of it.
 */
class LeakDetector {
  readonly #secrets = new Set<string>();
  readonly #texts: string[] = [];

  /** Remembers a secret value (password or SecretString); short values are too common to search for. */
  addSecret(value: string | undefined): void {
    if (value !== undefined && value.length >= 6) this.#secrets.add(value);
  }

  /** Remembers the password field and the whole string of a secret value. */
  addSecretString(secretString: string | undefined): void {
    this.addSecret(secretString);
    try {
      const parsed = JSON.parse(secretString ?? '') as { password?: unknown };
      if (typeof parsed.password === 'string') this.addSecret(parsed.password);
    } catch {
      // Not JSON (a malformed test value): the whole string is already remembered.
    }
  }

  /** Remembers handler output (log lines) to search. */
  addOutput(text: string): void {
    if (text.length > 0) this.#texts.push(text);
  }

  /** Remembers a thrown error, its message, stack, properties and cause chain. */
  addError(error: unknown): void {
    this.addOutput(errorText(error));
  }

  /** Descriptions of leaks found: which output (by index) holds which secret (by length), never the value. */
  findLeaks(): string[] {
    const leaks: string[] = [];
    const secrets = [...this.#secrets];
    this.#texts.forEach((text, index) => {
      secrets.forEach((secret, secretIndex) => {
        if (text.includes(secret)) leaks.push(`output #${index} contains secret #${secretIndex} (${secret.length} chars)`);
      });
    });
    return leaks;
  }

  /** How many secrets and outputs were searched, to show the check was not vacuous. */
  stats(): { secrets: number; outputs: number } {
    return { secrets: this.#secrets.size, outputs: this.#texts.length };
  }
}

export { errorText, LeakDetector };
