import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CustomRuntimeFunction, CustomRuntimeFunctionProps } from '../src';
import { echoCode, newStack, snapshotOf } from './util';

function base(extra: Partial<CustomRuntimeFunctionProps> = {}): CustomRuntimeFunctionProps {
  return { code: echoCode(), handler: 'function.handler', ...extra };
}

describe('responseStreaming', () => {
  test('sets LAMBDA_RESPONSE_MODE=streaming beside the user\'s variables', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const fn = new CustomRuntimeFunction(stack, 'Fn', base({ responseStreaming: true, environment: { GREETING: 'hi' } }));
    // THEN
    expect(fn.responseStreaming).toBe(true);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { GREETING: 'hi', LAMBDA_RESPONSE_MODE: 'streaming' } },
    });
  });

  test('buffered by default: no variable', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base());
    expect(fn.responseStreaming).toBe(false);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Environment: Match.absent() });
  });

  test('LAMBDA_RESPONSE_MODE set in environment counts; a disagreeing or unknown value is refused', () => {
    const stack = newStack();
    expect(new CustomRuntimeFunction(stack, 'Env', base({ environment: { LAMBDA_RESPONSE_MODE: 'streaming' } })).responseStreaming).toBe(true);
    expect(() => new CustomRuntimeFunction(stack, 'Both', base({ responseStreaming: false, environment: { LAMBDA_RESPONSE_MODE: 'streaming' } })))
      .toThrow(/^TestStack\/Both: responseStreaming is false but environment.LAMBDA_RESPONSE_MODE is 'streaming'/);
    expect(() => new CustomRuntimeFunction(stack, 'Bad', base({ environment: { LAMBDA_RESPONSE_MODE: 'stream' } })))
      .toThrow(/^TestStack\/Bad: environment.LAMBDA_RESPONSE_MODE must be 'buffered' or 'streaming', got 'stream'/);
  });

  test('a streaming handler behind a RESPONSE_STREAM URL: the URL on the alias, no warning (snapshot)', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base({ responseStreaming: true }));
    fn.addFunctionUrl({ invokeMode: lambda.InvokeMode.RESPONSE_STREAM });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Url', { InvokeMode: 'RESPONSE_STREAM', AuthType: 'AWS_IAM', Qualifier: 'live' });
    Annotations.fromStack(stack).hasNoWarning('/TestStack/Fn', Match.anyValue());
    expect(snapshotOf(stack)).toMatchSnapshot();
  });

  test('a buffered handler behind a RESPONSE_STREAM URL, and a streaming one behind a BUFFERED URL, are warned about', () => {
    const stack = newStack();
    new CustomRuntimeFunction(stack, 'Buffered', base()).addFunctionUrl({ invokeMode: lambda.InvokeMode.RESPONSE_STREAM });
    new CustomRuntimeFunction(stack, 'Streaming', base({ responseStreaming: true })).addFunctionUrl();
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/TestStack/Buffered', Match.stringLikeRegexp('invoke mode RESPONSE_STREAM but the handler is buffered.*cdk-custom-runtime:bufferedHandlerStreamingUrl'));
    annotations.hasWarning('/TestStack/Streaming', Match.stringLikeRegexp('function URL has invoke mode BUFFERED.*cdk-custom-runtime:streamingHandlerBufferedUrl'));
  });
});

describe('grantInvokeWithResponseStream', () => {
  test('an IAM identity gets lambda:InvokeWithResponseStream on the alias ARN only', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base({ responseStreaming: true }));
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    const grant = fn.grantInvokeWithResponseStream(role);
    expect(grant.success).toBe(true);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Caller') }],
      PolicyDocument: {
        Statement: [{ Action: 'lambda:InvokeWithResponseStream', Effect: 'Allow', Resource: { Ref: Match.stringLikeRegexp('^FnAlias') } }],
      },
    });
  });

  test('an account or a service gets a resource-policy permission on the alias, a service scoped to this account, once per principal', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base({ responseStreaming: true }));
    fn.grantInvokeWithResponseStream(new iam.AccountPrincipal('210987654321'));
    fn.grantInvokeWithResponseStream(new iam.AccountPrincipal('210987654321'));
    fn.grantInvokeWithResponseStream(new iam.ServicePrincipal('apigateway.amazonaws.com'));
    const template = Template.fromStack(stack);
    const streamPermissions = Object.values(template.findResources('AWS::Lambda::Permission', {
      Properties: { Action: 'lambda:InvokeWithResponseStream' },
    }));
    expect(streamPermissions.map((p) => [p.Properties.Principal, p.Properties.SourceAccount])).toEqual([
      ['210987654321', undefined],
      ['apigateway.amazonaws.com', '123456789012'],
    ]);
    for (const permission of streamPermissions) {
      expect(permission.Properties.FunctionName).toEqual({ Ref: expect.stringMatching(/^FnAlias/) });
    }
  });
});
