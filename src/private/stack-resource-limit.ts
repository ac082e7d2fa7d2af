import { Annotations, CfnResource, Stack } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';

/** CloudFormation's limit of resources per stack. */
export const STACK_RESOURCE_LIMIT = 500;
/** The share of the limit past which a stack gets a warning. */
const WARNING_SHARE = 0.8;
/** aws-cdk-lib's own context key for the limit (0 turns its check, and ours, off). */
const LIMIT_CONTEXT = '@aws-cdk/core:stackResourceLimit';
const MARKER_ID = 'CustomRuntimeResourceLimitCheck';

/**
 * Checks the stack of `scope` once, at synth (validation runs after aspects, when every resource exists):
 * an error naming the stack, its count and the remedy above CloudFormation's 500 resources, an acknowledgeable
 * warning past 80% of them. `isOurs` tells the constructs whose resources the message counts apart.
 */
export function checkStackResourceLimit(scope: Construct, isOurs: (c: IConstruct) => boolean): void {
  const stack = Stack.of(scope);
  if (stack.node.tryFindChild(MARKER_ID)) { return; }
  const marker = new Construct(stack, MARKER_ID);
  stack.node.addValidation({
    validate: () => {
      const context = stack.node.tryGetContext(LIMIT_CONTEXT);
      const limit = typeof context === 'number' ? context : STACK_RESOURCE_LIMIT;
      if (limit === 0) { return []; }
      const constructs = stack.node.findAll();
      const resources = constructs.filter(c => CfnResource.isCfnResource(c) && c.stack === stack);
      const functions = constructs.filter(isOurs);
      const ours = functions.length === 0 ? '' : ` (${functions.length} CustomRuntimeFunction(s))`;
      const remedy = 'Split the functions over more stacks (or NestedStacks), or turn off what a function does not need '
        + '(alarms: { enabled: false } saves 3 resources per function).';
      if (resources.length > limit) {
        return [`${stack.stackName} has ${resources.length} resources${ours}, more than CloudFormation's limit of ${limit} per stack, so it cannot deploy. ${remedy}`];
      }
      if (resources.length > limit * WARNING_SHARE) {
        Annotations.of(marker).addWarningV2('cdk-custom-runtime:stackResourcesNearLimit',
          `${stack.stackName} has ${resources.length} resources${ours}, more than ${WARNING_SHARE * 100}% of CloudFormation's limit of ${limit} per stack. ${remedy}`);
      }
      return [];
    },
  });
}
