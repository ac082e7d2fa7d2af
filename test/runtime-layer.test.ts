import * as path from 'path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { RuntimeLayer } from '../src';
import { FIXTURES, newStack, resourcesOfType, snapshotOf } from './util';

const CUSTOM = path.join(FIXTURES, 'layers', 'custom');

describe('RuntimeLayer', () => {
  test('a directory with an executable bootstrap becomes a retained layer for both custom runtimes', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const layer = new RuntimeLayer(stack, 'Runtime', {
      directory: CUSTOM,
      compatibleArchitectures: [lambda.Architecture.ARM_64],
      description: 'my runtime',
      license: 'MIT',
    });
    layer.grantUsageToAccount('111122223333');
    layer.grantUsageToOrganization('o-abcdefghij');
    // THEN
    expect(snapshotOf(stack)).toMatchSnapshot();
    const template = Template.fromStack(stack);
    template.hasResource('AWS::Lambda::LayerVersion', {
      Properties: {
        CompatibleRuntimes: ['provided.al2023', 'provided.al2'],
        CompatibleArchitectures: ['arm64'],
        Description: 'my runtime',
        LicenseInfo: 'MIT',
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::Lambda::LayerVersionPermission', {
      Action: 'lambda:GetLayerVersion', Principal: '111122223333', LayerVersionArn: { Ref: Match.stringLikeRegexp('^Runtime') },
    });
    template.hasResourceProperties('AWS::Lambda::LayerVersionPermission', {
      Action: 'lambda:GetLayerVersion', Principal: '*', OrganizationId: 'o-abcdefghij',
    });
  });

  test('sharing permissions are retained with the layer, so a retained version stays shared after an update', () => {
    const stack = newStack();
    const layer = new RuntimeLayer(stack, 'Runtime', { directory: CUSTOM });
    layer.grantUsageToAccount('111122223333');
    const permissions = resourcesOfType(stack, 'AWS::Lambda::LayerVersionPermission');
    expect(permissions).toHaveLength(1);
    expect(permissions[0][1]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('with RemovalPolicy.DESTROY the layer and its permissions are deleted together', () => {
    const stack = newStack();
    const layer = new RuntimeLayer(stack, 'Runtime', { directory: CUSTOM, removalPolicy: RemovalPolicy.DESTROY });
    layer.grantUsageToAccount('111122223333');
    for (const [, resource] of [...resourcesOfType(stack, 'AWS::Lambda::LayerVersion'), ...resourcesOfType(stack, 'AWS::Lambda::LayerVersionPermission')]) {
      expect(resource.DeletionPolicy).toBe('Delete');
    }
  });

  test('public sharing is an explicit opt-in that records a warning', () => {
    const stack = newStack();
    const layer = new RuntimeLayer(stack, 'Runtime', { directory: CUSTOM });
    layer.grantPublicUsage();
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::LayerVersionPermission', {
      Principal: '*', OrganizationId: Match.absent(),
    });
    Annotations.fromStack(stack).hasWarning('/TestStack/Runtime', Match.stringLikeRegexp('shared with every AWS account'));
  });

  test('addPermission refuses "*" without an organization: public sharing goes through grantPublicUsage', () => {
    const stack = newStack();
    const layer = new RuntimeLayer(stack, 'Runtime', { directory: CUSTOM });
    expect(() => layer.addPermission('All', { accountId: '*' })).toThrow(/TestStack\/Runtime: addPermission: sharing with every account \("\*"\) must go through grantPublicUsage/);
    // not even under the ID grantPublicUsage() uses
    expect(() => layer.addPermission('Public', { accountId: '*' })).toThrow(/must go through grantPublicUsage/);
  });

  test('refuses a directory without a bootstrap, naming the path', () => {
    const stack = newStack();
    expect(() => new RuntimeLayer(stack, 'Runtime', { directory: path.join(FIXTURES, 'handlers', 'echo') }))
      .toThrow(/^TestStack\/Runtime: directory must hold an executable file named "bootstrap" at its root, got ".*handlers\/echo" without one$/);
  });

  test('refuses a bootstrap in a nested folder and says where it was found', () => {
    const stack = newStack();
    expect(() => new RuntimeLayer(stack, 'Runtime', { directory: path.join(FIXTURES, 'layers', 'nested') }))
      .toThrow(/found "runtime\/bootstrap", but Lambda only looks at the root/);
  });

  test('refuses a bootstrap that is not executable', () => {
    const stack = newStack();
    expect(() => new RuntimeLayer(stack, 'Runtime', { directory: path.join(FIXTURES, 'layers', 'not-executable') }))
      .toThrow(/TestStack\/Runtime: directory: ".*not-executable\/bootstrap" must be readable and executable by everyone \(mode 644; run chmod 755 on it\)/);
  });

  test('refuses a directory that does not exist', () => {
    const stack = newStack();
    expect(() => new RuntimeLayer(stack, 'Runtime', { directory: path.join(FIXTURES, 'nope') }))
      .toThrow(/TestStack\/Runtime: directory must be a directory, got ".*nope" \(not found or not a directory\)/);
  });

  test('refuses a malformed account or organization to share with', () => {
    const stack = newStack();
    const layer = new RuntimeLayer(stack, 'Runtime', { directory: CUSTOM });
    expect(() => layer.grantUsageToAccount('1234')).toThrow('TestStack/Runtime: accountId must be a 12-digit AWS account ID, got "1234"');
    expect(() => layer.grantUsageToOrganization('org-1')).toThrow(/TestStack\/Runtime: organizationId must be an AWS Organizations ID .*, got "org-1"/);
  });

  test('refuses an imported layer from another region than the stack\'s', () => {
    const stack = newStack();
    expect(() => RuntimeLayer.fromRuntimeLayerArn(stack, 'Elsewhere', 'arn:aws:lambda:eu-west-1:111122223333:layer:shell:7'))
      .toThrow('TestStack/Elsewhere: layerVersionArn must be in the stack\'s region (us-east-1), got eu-west-1 (arn:aws:lambda:eu-west-1:111122223333:layer:shell:7)');
  });

  test('warns when a region-agnostic stack imports a layer of one region', () => {
    const stack = new Stack(new App(), 'Agnostic');
    RuntimeLayer.fromRuntimeLayerArn(stack, 'Pinned', 'arn:aws:lambda:eu-west-1:111122223333:layer:shell:7');
    Annotations.fromStack(stack).hasWarning('/Agnostic/Pinned', Match.stringLikeRegexp('exists in eu-west-1 only, and this stack has no region'));
  });

  test('imports a layer by ARN, and refuses a malformed ARN', () => {
    const stack = newStack();
    const arn = 'arn:aws:lambda:us-east-1:111122223333:layer:shell:7';
    const layer = RuntimeLayer.fromRuntimeLayerArn(stack, 'Imported', arn);
    expect(layer.layerVersionArn).toBe(arn);
    expect(layer.compatibleRuntimes?.map(r => r.name)).toEqual(['provided.al2023', 'provided.al2']);
    expect(() => RuntimeLayer.fromRuntimeLayerArn(stack, 'Bad', 'arn:aws:lambda:us-east-1:111122223333:layer:shell'))
      .toThrow(/TestStack\/Bad: layerVersionArn must be a layer version ARN .*, got "arn:aws:lambda:us-east-1:111122223333:layer:shell"/);
  });
});
