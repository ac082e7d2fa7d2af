import { CfnElement } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { nagFindings } from './nag';
import { snapshotOf } from './util';
import { createExampleApp } from '../examples/app';

describe('examples/ app', () => {
  test('synthesizes the greeter: a function on the shell runtime layer, invoked by a rule, a role and a function URL, all through the alias', () => {
    const { stack } = createExampleApp();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.resourceCountIs('AWS::Lambda::LayerVersion', 1);
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'greeter.greet', Runtime: 'provided.al2023' });
    template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'events.amazonaws.com' });
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM', Qualifier: 'live', InvokeMode: Match.absent() });
    expect(snapshotOf(stack)).toMatchSnapshot();
  });

  test('and the report, which streams: its handler asks for it, its URL streams, the caller role may read it, with no warning', () => {
    const { stack } = createExampleApp();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'report.report',
      Environment: { Variables: { LAMBDA_RESPONSE_MODE: 'streaming', REPORT_STEPS: '3' } },
    });
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'AWS_IAM',
      InvokeMode: 'RESPONSE_STREAM',
      Qualifier: 'live',
      TargetFunctionArn: { 'Fn::GetAtt': [stack.getLogicalId(stack.report.function.node.defaultChild as CfnElement), 'Arn'] },
    });
    // the caller role may read the stream (lambda:InvokeFunction on the report's alias)
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Action: 'lambda:InvokeFunction',
          Effect: 'Allow',
          Resource: { Ref: stack.getLogicalId(stack.report.alias.node.defaultChild as CfnElement) },
        }]),
      },
    });
    // no warning: the URL's invoke mode matches the handler
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('passes cdk-nag\'s AwsSolutions and Serverless packs', () => {
    const { app, stack } = createExampleApp();
    expect(nagFindings(app, stack)).toEqual([]);
  });
});
