/**
 * Exports between the stacks of one app: what `Fn::ImportValue` of a name
 * refers to, found in the `Outputs` of the assembly's stacks.
 */
import { StackInfo } from './assembly-manifest';
import { evaluateString } from './intrinsics';
import { StackContext } from './stack-context';

/** The stack that exports `name` and the exported value (unevaluated), or `undefined`. */
export function findExport(stacks: StackInfo[], name: string): { stack: StackInfo; value: unknown } | undefined {
  for (const stack of stacks) {
    const ctx = new StackContext(stack);
    for (const output of Object.values(stack.template.Outputs ?? {})) {
      if (output.Export && evaluateString(output.Export.Name, ctx) === name) {
        return { stack, value: output.Value };
      }
    }
  }
  return undefined;
}
