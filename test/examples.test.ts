import { Template } from 'aws-cdk-lib/assertions';
import { nagFindings } from './nag';
import { snapshotOf } from './util';
import { createExampleApp } from '../examples/app';

describe('examples/ app', () => {
  test('synthesizes the greeter: one function on the shell runtime layer, invoked by a rule, a role and a function URL, all through the alias', () => {
    const { stack } = createExampleApp();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::Lambda::LayerVersion', 1);
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'greeter.greet', Runtime: 'provided.al2023' });
    template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'events.amazonaws.com' });
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM', Qualifier: 'live' });
    expect(snapshotOf(stack)).toMatchSnapshot();
  });

  test('passes cdk-nag\'s AwsSolutions and Serverless packs', () => {
    const { app, stack } = createExampleApp();
    expect(nagFindings(app, stack)).toEqual([]);
  });
});
