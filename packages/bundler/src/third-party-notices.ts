import { createHash } from 'node:crypto';
import spdxLicenses from 'spdx-license-list/full.js';
import { packageName, type Sbom, type SbomComponent, type SbomLicense } from './sbom.js';

/** The project's own packages: bundled too, but under the project's licence (MIT-0), so not third-party. */
const FIRST_PARTY_SCOPE = '@rotation-lambdas';

const RULE = '='.repeat(78);

/** The licence a component's package.json declares, as one SPDX expression or name. */
function declaredLicense(component: SbomComponent): string | undefined {
  // A package.json may declare one licence twice ("license" and the older "licenses").
  const declared = new Set((component.licenses ?? []).map((entry) => entry.expression ?? entry.license?.id ?? entry.license?.name).filter(Boolean));
  return declared.size === 0 ? undefined : [...declared].join(' AND ');
}

function decode(entry: SbomLicense): string {
  const text = entry.license?.text;
  if (text === undefined) return '';
  return text.encoding === 'base64' ? Buffer.from(text.content, 'base64').toString('utf8') : text.content;
}

/**
 * The licence texts that go with one component: the files found in its package (`LICENSE*`, `NOTICE`), or,
 * when it ships none, the SPDX standard text of the licence it declares. Throws when neither exists, so a
 * package without a licence cannot be bundled unnoticed.
 */
function licenseTexts(component: SbomComponent): string {
  const files = (component.evidence?.licenses ?? [])
    .map((entry) => ({ file: (entry.license?.name ?? 'license file').replace(/^file: /, ''), text: decode(entry).replace(/^\s*\n/, '').trimEnd() }))
    .filter((file) => file.text.length > 0)
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  if (files.length > 0) return files.map((file) => `--- ${file.file} ---\n${file.text}`).join('\n\n');
  const declared = declaredLicense(component);
  const standard = declared === undefined ? undefined : spdxLicenses[declared];
  if (standard === undefined) {
    throw new Error(`${packageName(component)} ${component.version ?? ''} ships no licence file and declares no SPDX licence (${declared ?? 'none'}): cannot write its notice`);
  }
  return `--- ${declared} (the package ships no licence file; this is the SPDX standard text of the licence its package.json declares) ---\n${standard.licenseText.trim()}`;
}

/** Components whose licence texts are the same (whitespace aside), grouped so each text is printed once. */
function groupByText(components: readonly SbomComponent[]): { text: string; components: SbomComponent[] }[] {
  const groups = new Map<string, { text: string; components: SbomComponent[] }>();
  for (const component of components) {
    const text = licenseTexts(component);
    // Copies of one licence often differ only in indentation or line wrapping.
    const key = createHash('sha256').update(text.replace(/\s+/g, ' ')).digest('hex');
    const group = groups.get(key) ?? { text, components: [] };
    group.components.push(component);
    groups.set(key, group);
  }
  return [...groups.values()];
}

const label = (component: SbomComponent): string => `${packageName(component)} ${component.version ?? ''}`.trim();

/**
 * THIRD-PARTY-NOTICES.txt for one bundle, generated from its SBOM: every package esbuild put in the bundle
 * except the project's own, with the licence it declares and its licence texts (each distinct text once).
 * The same SBOM gives the same text.
 */
function renderNotices(sbom: Sbom, title: string): string {
  const components = sbom.components
    .filter((component) => component.group !== FIRST_PARTY_SCOPE)
    .sort((a, b) => (label(a) < label(b) ? -1 : label(a) > label(b) ? 1 : 0));
  const firstParty = sbom.components.filter((component) => component.group === FIRST_PARTY_SCOPE).map(label).sort();
  const lines = [
    `${title}: third-party notices`,
    '',
    `This bundle contains the ${components.length} packages listed below, as esbuild included them (listed in`,
    "the bundle's CycloneDX SBOM). Each is distributed under its own licence, reproduced after the list.",
    `The project's own code${firstParty.length > 0 ? ` (${firstParty.join(', ')})` : ''} is MIT-0.`,
    '',
    ...components.map((component) => `  ${label(component).padEnd(52)} ${declaredLicense(component) ?? ''}`.trimEnd()),
    '',
  ];
  for (const group of groupByText(components)) {
    lines.push(RULE, ...group.components.map(label), RULE, '', group.text, '');
  }
  return `${lines.join('\n')}\n`;
}

export { renderNotices };
