import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { CustomRuntimeFunction } from '../src';
import { echoCode } from './util';

/** `count` default functions in one stack of a fresh app. */
function stackWith(count: number, context: Record<string, unknown> = {}): Stack {
  const app = new App({ context });
  const stack = new Stack(app, 'Many');
  const code = echoCode();
  for (let i = 0; i < count; i++) {
    new CustomRuntimeFunction(stack, `Fn${i}`, { code, handler: 'function.handler' });
  }
  return stack;
}

const NEAR_LIMIT = 'cdk-custom-runtime:stackResourcesNearLimit';

describe('CloudFormation\'s 500 resources per stack', () => {
  test('49 default functions fit in one stack (10 resources each, plus the runtime layer)', () => {
    // GIVEN / WHEN
    const stack = stackWith(49);
    // THEN: synthesizes, with a warning past 80% of the limit on the stack
    expect(Object.keys(Template.fromStack(stack).toJSON().Resources)).toHaveLength(49 * 10 + 1);
    Annotations.fromStack(stack).hasWarning('/Many/CustomRuntimeResourceLimitCheck',
      Match.stringLikeRegexp(`Many has 491 resources \\(49 CustomRuntimeFunction\\(s\\)\\), more than 80% of CloudFormation's limit of 500 per stack.*\\[ack: ${NEAR_LIMIT}\\]`));
  });

  test('no warning at or under 80% of the limit, whatever the number of functions', () => {
    const stack = stackWith(39);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('resources'))).toEqual([]);
  });

  test('over the limit: a synth-time error naming the stack, the count and the remedy, before CloudFormation\'s', () => {
    const stack = stackWith(49);
    for (let i = 0; i < 10; i++) {
      new sqs.Queue(stack, `Queue${i}`);
    }
    expect(() => (stack.node.root as App).synth())
      .toThrow(/Many has 501 resources \(49 CustomRuntimeFunction\(s\)\), more than CloudFormation's limit of 500 per stack, so it cannot deploy\. Split the functions over more stacks .*alarms: \{ enabled: false \} saves 3 resources per function/);
  });

  test('the check is added once per stack, and aws-cdk-lib\'s context setting applies to it', () => {
    const stack = stackWith(3, { '@aws-cdk/core:stackResourceLimit': 25 });
    expect(stack.node.children.filter(c => c.node.id === 'CustomRuntimeResourceLimitCheck')).toHaveLength(1);
    expect(() => (stack.node.root as App).synth()).toThrow(/Many has 31 resources \(3 CustomRuntimeFunction\(s\)\), more than CloudFormation's limit of 25/);
    const off = stackWith(3, { '@aws-cdk/core:stackResourceLimit': 0 });
    expect(() => (off.node.root as App).synth()).not.toThrow();
  });
});
