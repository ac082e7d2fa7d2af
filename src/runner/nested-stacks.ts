/**
 * Nested stacks: an `AWS::CloudFormation::Stack` whose template is a file
 * asset of the assembly is read as a stack of its own, in the environment of
 * its parent.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJson, StackInfo } from './assembly-manifest';

/** `stack` followed by its nested stacks, depth first, in template order. */
export function withNestedStacks(stack: StackInfo): StackInfo[] {
  return [stack, ...nestedStacksOf(stack).flatMap(withNestedStacks)];
}

function nestedStacksOf(parent: StackInfo): StackInfo[] {
  const nested: StackInfo[] = [];
  for (const [logicalId, resource] of Object.entries(parent.template.Resources ?? {})) {
    const assetPath = resource.Metadata?.['aws:asset:path'];
    if (resource.Type !== 'AWS::CloudFormation::Stack' || typeof assetPath !== 'string') {
      continue;
    }
    const file = path.resolve(parent.directory, assetPath);
    if (!fs.existsSync(file)) {
      continue;
    }
    const cdkPath = resource.Metadata?.['aws:cdk:path'];
    const nestedPath = (typeof cdkPath === 'string' ? cdkPath : parent.constructPaths.get(logicalId) ?? `${parent.displayName}/${logicalId}`)
      .replace(/\.NestedStack\/\.NestedStackResource$/, '');
    nested.push({
      artifactId: `${parent.artifactId}/${logicalId}`,
      displayName: nestedPath,
      stackName: `${parent.stackName}-${logicalId}`,
      directory: path.dirname(file),
      template: readJson(file),
      region: parent.region,
      account: parent.account,
      constructPaths: new Map(),
    });
  }
  return nested;
}
