import { readFile } from 'node:fs/promises';
import { cyclonedxEsbuildPlugin } from '@cyclonedx/cyclonedx-esbuild';
import type { Plugin } from 'esbuild';

/** The CycloneDX version the SBOMs are written in. */
const SBOM_SPEC_VERSION = '1.6';

/** A license as CycloneDX records it: an SPDX id, a name, or an SPDX expression. */
interface SbomLicense {
  readonly license?: {
    readonly id?: string;
    readonly name?: string;
    readonly text?: { readonly content: string; readonly encoding?: string };
  };
  readonly expression?: string;
}

/** One package of the bundle, as the SBOM lists it. */
interface SbomComponent {
  readonly group?: string;
  readonly name: string;
  readonly version?: string;
  readonly purl?: string;
  readonly author?: string;
  /** What the package's package.json declares. */
  readonly licenses?: readonly SbomLicense[];
  /** The license files found in the package directory (`LICENSE*`, `NOTICE`), base64. */
  readonly evidence?: { readonly licenses?: readonly SbomLicense[] };
}

/** The parts of a CycloneDX JSON document the release reads. */
interface Sbom {
  readonly bomFormat: 'CycloneDX';
  readonly specVersion: string;
  readonly metadata: { readonly component?: SbomComponent };
  readonly components: readonly SbomComponent[];
}

/**
 * The esbuild plugin that writes the bundle's SBOM (CycloneDX JSON, validated against the schema) beside
 * the output file: the packages esbuild actually put in the bundle, after tree-shaking, with the license
 * files found in each. Reproducible: no serial number, no timestamp, lists sorted.
 */
function sbomPlugin(outputFile: string): Plugin {
  return cyclonedxEsbuildPlugin({
    specVersion: SBOM_SPEC_VERSION,
    outputFile,
    gatherLicenseTexts: true,
    outputReproducible: true,
    validate: true,
    logLevel: 'silent',
  }) as Plugin;
}

/** Reads an SBOM the plugin wrote. */
async function readSbom(file: string): Promise<Sbom> {
  return JSON.parse(await readFile(file, 'utf8')) as Sbom;
}

/** `@group/name` or `name`: the npm package name of a component. */
function packageName(component: SbomComponent): string {
  return component.group ? `${component.group}/${component.name}` : component.name;
}

export { packageName, readSbom, SBOM_SPEC_VERSION, sbomPlugin };
export type { Sbom, SbomComponent, SbomLicense };
