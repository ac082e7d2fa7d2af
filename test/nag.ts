import { App, Aspects, Stack } from 'aws-cdk-lib';
import { SynthesisMessage } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';

/**
 * Runs cdk-nag's AwsSolutions and Serverless packs over the app and returns every unacknowledged
 * finding (errors and warnings) as "path: message" lines.
 *
 * cdk-nag 2.x runs as an Aspect and honours the acknowledgements our constructs record in
 * `Metadata.cdk_nag`; see the README's "Security" section for why we test with 2.x.
 */
export function nagFindings(app: App, ...stacks: Stack[]): string[] {
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  Aspects.of(app).add(new ServerlessChecks({ verbose: true }));
  const assembly = app.synth();
  return stacks.flatMap(stack => assembly.getStackArtifact(stack.artifactId).messages)
    .filter((m: SynthesisMessage) => m.level === 'error' || m.level === 'warning')
    .map(m => `${m.id}: ${String(m.entry.data)}`)
    .filter(line => /(AwsSolutions|Serverless)-/.test(line));
}
