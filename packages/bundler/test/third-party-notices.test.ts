import { describe, expect, it } from 'vitest';
import type { Sbom, SbomComponent } from '../src/sbom.js';
import { renderNotices } from '../src/third-party-notices.js';

const base64 = (text: string): string => Buffer.from(text).toString('base64');

/** A component as the CycloneDX plugin writes it, with the given licence files as evidence. */
function component(name: string, license: string, files: Record<string, string> = {}): SbomComponent {
  const [group, bare] = name.startsWith('@') ? (name.split('/') as [string, string]) : [undefined, name];
  return {
    ...(group ? { group } : {}),
    name: bare,
    version: '1.0.0',
    licenses: [{ license: { id: license } }],
    evidence: { licenses: Object.entries(files).map(([file, text]) => ({ license: { name: `file: ${file}`, text: { content: base64(text), encoding: 'base64' } } })) },
  };
}

const sbom = (components: SbomComponent[]): Sbom => ({ bomFormat: 'CycloneDX', specVersion: '1.6', metadata: {}, components });

describe('renderNotices', () => {
  it('prints each distinct licence text once, under every package that ships it', () => {
    const apache = 'Apache License\nVersion 2.0, January 2004';
    const notices = renderNotices(
      sbom([component('@aws-sdk/a', 'Apache-2.0', { LICENSE: apache }), component('@aws-sdk/b', 'Apache-2.0', { LICENSE: apache }), component('left-pad', 'WTFPL', { LICENSE: 'DO WHAT THE FUCK YOU WANT' })]),
      'bundle 1.0.0',
    );

    expect(notices.split(apache)).toHaveLength(2);
    expect(notices).toMatch(/={78}\n@aws-sdk\/a 1\.0\.0\n@aws-sdk\/b 1\.0\.0\n={78}\n\n--- LICENSE ---\nApache License/);
    expect(notices).toContain('--- LICENSE ---\nDO WHAT THE FUCK YOU WANT');
  });

  it('takes copies of a licence that differ only in whitespace for one text', () => {
    const notices = renderNotices(
      sbom([component('a', 'Apache-2.0', { LICENSE: '   Apache License\n   Version 2.0' }), component('b', 'Apache-2.0', { LICENSE: 'Apache License\nVersion 2.0\n' })]),
      'bundle',
    );

    expect(notices.match(/Apache License/g)).toHaveLength(1);
    expect(notices).toMatch(/={78}\na 1\.0\.0\nb 1\.0\.0\n={78}/);
  });

  it('adds a NOTICE file next to the licence, as Apache-2.0 section 4(d) requires', () => {
    const notices = renderNotices(sbom([component('x', 'Apache-2.0', { NOTICE: 'x, Copyright Example Corp', LICENSE: 'Apache License' })]), 'bundle');

    expect(notices).toContain('--- LICENSE ---\nApache License\n\n--- NOTICE ---\nx, Copyright Example Corp');
  });

  it("falls back to the SPDX standard text of the declared licence when a package ships no file", () => {
    const notices = renderNotices(sbom([component('pgpass', 'MIT')]), 'bundle');

    expect(notices).toContain('--- MIT (the package ships no licence file; this is the SPDX standard text of the licence its package.json declares) ---\nMIT License');
    expect(notices).toContain('Permission is hereby granted, free of charge');
  });

  it('refuses a package with neither a licence file nor a known SPDX licence', () => {
    expect(() => renderNotices(sbom([component('mystery', 'SEE LICENSE IN EULA')]), 'bundle')).toThrow(/mystery 1\.0\.0 ships no licence file/);
  });

  it("leaves the project's own packages out of the third-party list and names them as MIT-0", () => {
    const notices = renderNotices(sbom([component('@rotation-lambdas/core', 'MIT-0'), component('pg', 'MIT', { LICENSE: 'MIT License (pg)' })]), 'bundle');

    expect(notices).toContain('1 packages listed below');
    expect(notices).toContain("The project's own code (@rotation-lambdas/core 1.0.0) is MIT-0.");
    expect(notices).not.toMatch(/^ {2}@rotation-lambdas/m);
  });
});
