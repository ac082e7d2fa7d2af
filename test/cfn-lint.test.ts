import * as lambda from 'aws-cdk-lib/aws-lambda';
import { assemblyDir, complianceTools, VENV_TIMEOUT, cfnLintFindings, integSnapshotTemplates, jestSnapshotTemplates, synthTemplates } from './compliance';
import { controlTowerFunction, defaultFunction, fullyConfiguredFunction, newApp } from './scenarios';
import { createExampleApp } from '../examples/app';

/**
 * The integ tests' assertion stacks (`*DeployAssert*`) are @aws-cdk/integ-tests-alpha's, deployed by integ-runner only.
 * Their two findings are that library's: its invokeFunction policy names the SDK call `lambda:Invoke`, which is no IAM
 * action (W3037), and its waiter function DependsOn the role it already references (W3005). Any other finding fails.
 */
const INTEG_TESTS_ALPHA = [
  /^W3037 \(Warning\) \w+DeployAssert\w+\/Resources\/SingletonFunction\w+Role\w+\/Properties\/Policies\/0\/PolicyDocument\/Statement\/\d\/Action: 'invoke' is not one of /,
  /^W3005 \(Warning\) \w+DeployAssert\w+\/Resources\/AwsApiCall\w+WaitFor\w+\/DependsOn\/0: 'AwsApiCall\w+WaitForRole\w+' dependency already enforced by a 'GetAtt'/,
];

describe('cfn-lint', () => {
  beforeAll(() => { complianceTools(); }, VENV_TIMEOUT);

  test('no error, warning or informational finding on the default, documented, fully configured and example templates', () => {
    const templates = [defaultFunction, controlTowerFunction, fullyConfiguredFunction].flatMap(build => {
      const { app, stack } = newApp(assemblyDir(), build.name.replace(/^./, c => c.toUpperCase()));
      build(stack);
      return synthTemplates(app, stack);
    });
    const example = createExampleApp(assemblyDir());
    expect(cfnLintFindings([...templates, ...synthTemplates(example.app, example.stack)])).toEqual([]);
  });

  test('none on the templates the unit tests keep as snapshots', () => {
    const templates = jestSnapshotTemplates(assemblyDir());
    expect(templates.length).toBeGreaterThanOrEqual(9);
    expect(cfnLintFindings(templates)).toEqual([]);
  });

  test('none on the committed integ-test snapshots but integ-tests-alpha\'s own', () => {
    const findings = cfnLintFindings(integSnapshotTemplates());
    expect(findings.filter(f => !INTEG_TESTS_ALPHA.some(known => known.test(f)))).toEqual([]);
  });

  test('with the dependency on its role back, the function gets W3005 (the test can fail)', () => {
    const { app, stack } = newApp(assemblyDir());
    const fn = defaultFunction(stack);
    (fn.function.node.defaultChild as lambda.CfnFunction).addOverride('DependsOn', [
      stack.getLogicalId(fn.role!.node.defaultChild as lambda.CfnFunction),
    ]);
    expect(cfnLintFindings(synthTemplates(app, stack))).toEqual([
      expect.stringMatching(/^W3005 \(Warning\) GateStack\/Resources\/FnFunction[0-9A-F]{8}\/DependsOn\/0: 'FnServiceRole[0-9A-F]{8}' dependency already enforced by a 'GetAtt'/),
    ]);
  });
});
