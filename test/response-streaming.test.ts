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

describe('streaming callers', () => {
  // InvokeWithResponseStream is authorized by lambda:InvokeFunction (Lambda API reference); IAM has no
  // lambda:InvokeWithResponseStream action. A function URL in RESPONSE_STREAM mode takes lambda:InvokeFunctionUrl.
  test('grantInvoke and grantInvokeUrl are what a caller of the stream needs, on the alias', () => {
    const stack = newStack();
    const fn = new CustomRuntimeFunction(stack, 'Fn', base({ responseStreaming: true }));
    fn.addFunctionUrl({ invokeMode: lambda.InvokeMode.RESPONSE_STREAM });
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    expect(fn.grantInvoke(role).success).toBe(true);
    expect(fn.grantInvokeUrl(role).success).toBe(true);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Caller') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { Ref: Match.stringLikeRegexp('^FnAlias') } },
          Match.objectLike({ Action: 'lambda:InvokeFunctionUrl', Effect: 'Allow', Resource: { Ref: Match.stringLikeRegexp('^FnAlias') } }),
        ]),
      },
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('lambda:InvokeWithResponseStream');
  });
});
