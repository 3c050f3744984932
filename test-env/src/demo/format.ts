/** Short form of a version id (a UUID) for one-line output. */
function shortId(versionId: string): string {
  return versionId.slice(0, 8);
}

const LABEL_ORDER = ['AWSCURRENT', 'AWSPENDING', 'AWSPREVIOUS'];

function labelRank(labels: string[]): number {
  return Math.min(...labels.map((label) => LABEL_ORDER.indexOf(label)).filter((rank) => rank >= 0), LABEL_ORDER.length);
}

/** `id[LABELS]` for every labelled version: AWSCURRENT first, then AWSPENDING, then AWSPREVIOUS. */
function formatStages(stages: Record<string, string[]>): string {
  return Object.entries(stages)
    .sort(([, a], [, b]) => labelRank(a) - labelRank(b))
    .map(([id, labels]) => `${shortId(id)}[${[...labels].sort((a, b) => labelRank([a]) - labelRank([b])).join(',')}]`)
    .join(' ');
}

function mark(ok: boolean): string {
  return ok ? '✓' : '✗';
}

function milliseconds(value: number): string {
  return `${Math.round(value)} ms`;
}

export { formatStages, mark, milliseconds, shortId };
