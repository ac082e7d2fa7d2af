import { StackInfo } from '../../src/runner/assembly-manifest';
import { evaluateString } from '../../src/runner/intrinsics';
import { lambdaArn, parameterContext, StackContext } from '../../src/runner/stack-context';

/** A stack as the manifest reader gives it, with a hand-written template. */
function stackWith(template: StackInfo['template']): StackInfo {
  return {
    artifactId: 'Ctx',
    displayName: 'Ctx',
    stackName: 'ctx-stack',
    directory: '/nowhere',
    template,
    region: 'eu-west-3',
    account: '111122223333',
    constructPaths: new Map(),
  };
}

const TEMPLATE: StackInfo['template'] = {
  Parameters: { Stage: { Default: 'beta' }, Unset: {} },
  Resources: {
    Fn: { Type: 'AWS::Lambda::Function', Properties: {} },
    V1: { Type: 'AWS::Lambda::Version', Properties: { FunctionName: { Ref: 'Fn' } } },
    Live: { Type: 'AWS::Lambda::Alias', Properties: { FunctionName: { Ref: 'Fn' }, Name: { 'Fn::Sub': '${Stage}-live' } } },
    Queue: { Type: 'AWS::SQS::Queue' },
  },
};

test('pseudo parameters and parameter defaults resolve; resources and parameters without a default do not', () => {
  const ctx = parameterContext(stackWith(TEMPLATE));
  expect(evaluateString({ 'Fn::Sub': '${AWS::Partition}:${AWS::Region}:${AWS::AccountId}:${AWS::StackName}:${AWS::URLSuffix}' }, ctx))
    .toBe('aws:eu-west-3:111122223333:ctx-stack:amazonaws.com');
  expect(evaluateString({ Ref: 'Stage' }, ctx)).toBe('beta');
  expect(evaluateString({ Ref: 'Unset' }, ctx)).toBeUndefined();
  expect(evaluateString({ Ref: 'Fn' }, ctx)).toBeUndefined();
});

test('the stack context answers for the functions, versions and aliases it has been told about', () => {
  const stack = stackWith(TEMPLATE);
  const ctx = new StackContext(stack);
  expect(ctx.ref('Fn')).toBeUndefined();
  ctx.setFunctionName('Fn', 'my-fn');
  ctx.setVersion('V1', 'Fn', '1');
  expect(ctx.ref('Fn')).toBe('my-fn');
  expect(ctx.getAtt('Fn', 'Arn')).toBe('arn:aws:lambda:eu-west-3:111122223333:function:my-fn');
  expect(ctx.ref('V1')).toBe('arn:aws:lambda:eu-west-3:111122223333:function:my-fn:1');
  expect(ctx.getAtt('V1', 'Version')).toBe('1');
  expect(ctx.ref('Live')).toBe('arn:aws:lambda:eu-west-3:111122223333:function:my-fn:beta-live');
  expect(ctx.ref('Stage')).toBe('beta');
  expect(ctx.ref('Queue')).toBeUndefined();
  expect(ctx.getAtt('Queue', 'Arn')).toBeUndefined();
});

test('ARNs outside any stack use the default environment', () => {
  expect(lambdaArn(undefined, 'f')).toBe('arn:aws:lambda:us-east-1:123456789012:function:f');
});
