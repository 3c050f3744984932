import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { HANDLER_PROFILES } from '@rotation-lambdas/cdk/handler-profiles';
import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../src/cfn-yaml.js';
import { templatePath } from '../src/generate-templates.js';
import { repositoryRoot } from '../src/repository.js';

const root = repositoryRoot();
const mapping = readFileSync(join(root, 'deploy', 'hosted-rotation-mapping.md'), 'utf8');

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** The fenced ```yaml blocks of a Markdown text, parsed as CloudFormation. */
function yamlBlocks(markdown: string): { Resources: Resources }[] {
  return [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => parseTemplate(match[1] ?? '') as { Resources: Resources });
}

describe('hosted-rotation-mapping.md', () => {
  it('names, for each RotationType, the template of the handler whose profile replaces it', () => {
    const rows = [...mapping.matchAll(/^\| `(\w+)` \| \[([\w-]+)\.yaml\]/gm)].map((match) => [match[1], match[2]]);
    const profiles = HANDLER_PROFILES.flatMap((profile) => profile.replacesRotationTypes.map((type) => [type, profile.name]));

    expect(rows).toHaveLength(8);
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(profiles));
  });

  it('shows an "after" snippet whose parameters and output are those of the template it nests', () => {
    const [before, after] = yamlBlocks(mapping);
    const application = Object.values(after?.Resources ?? {}).find((resource) => resource.Type === 'AWS::Serverless::Application');
    const schedule = Object.entries(after?.Resources ?? {}).find(([, resource]) => resource.Type === 'AWS::SecretsManager::RotationSchedule');

    expect(Object.values(before?.Resources ?? {})[0]?.Properties).toHaveProperty('HostedRotationLambda.RotationType', 'PostgreSQLMultiUser');
    const name = basename(String(application?.Properties.Location), '.yaml');
    const template = parseTemplate(readFileSync(templatePath(name, root), 'utf8')) as {
      Parameters: Record<string, { Default?: unknown }>;
      Outputs: Record<string, unknown>;
    };
    const given = Object.keys(application?.Properties.Parameters as object);
    for (const parameter of given) expect(template.Parameters, parameter).toHaveProperty(parameter);
    const required = Object.entries(template.Parameters).filter(([, parameter]) => parameter.Default === undefined);
    for (const [parameter] of required) expect(given, parameter).toContain(parameter);
    const applicationId = Object.entries(after?.Resources ?? {}).find(([, resource]) => resource === application)?.[0];
    expect(schedule?.[1].Properties.RotationLambdaARN).toEqual({ 'Fn::GetAtt': [applicationId, 'Outputs.RotationLambdaARN'] });
    expect(template.Outputs).toHaveProperty('RotationLambdaARN');
  });
});
