type Write = typeof process.stdout.write;

/** Everything written to stdout and stderr while `work` ran, and what `work` returned or threw. */
interface Captured<T> {
  readonly output: string;
  readonly result: T | undefined;
  readonly error: unknown;
}

/** Captures in progress; each collects everything written while it is active. */
const active = new Set<string[]>();
let originals: { out: Write; err: Write } | undefined;

function install(): void {
  if (originals !== undefined) return;
  originals = { out: process.stdout.write, err: process.stderr.write };
  const collect = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    for (const chunks of active) chunks.push(text);
    const callback = rest.find((item) => typeof item === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as Write;
  process.stdout.write = collect;
  process.stderr.write = collect;
}

function uninstall(): void {
  if (originals === undefined || active.size > 0) return;
  process.stdout.write = originals.out;
  process.stderr.write = originals.err;
  originals = undefined;
}

/**
 * Runs `work` with process.stdout and process.stderr captured (and not printed): the handler writes its
 * JSON log lines there, so tests can parse them and search them for secrets. Concurrent captures (two
 * invocations racing) share one interception, and each sees everything written while it ran.
 */
async function captureOutput<T>(work: () => Promise<T>): Promise<Captured<T>> {
  const chunks: string[] = [];
  active.add(chunks);
  install();
  try {
    const result = await work();
    return { output: chunks.join(''), result, error: undefined };
  } catch (error) {
    return { output: chunks.join(''), result: undefined, error };
  } finally {
    active.delete(chunks);
    uninstall();
  }
}

/** The JSON log lines in captured output (lines that are not JSON are skipped). */
function jsonLines(output: string): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // Not a log line of ours.
    }
  }
  return lines;
}

export { captureOutput, jsonLines };
export type { Captured };
