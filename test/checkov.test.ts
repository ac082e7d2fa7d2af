import { CfnResource } from 'aws-cdk-lib';
import { assemblyDir, complianceTools, VENV_TIMEOUT, checkovReport, synthTemplates } from './compliance';
import { controlTowerFunction, defaultFunction, fullyConfiguredFunction, newApp } from './scenarios';
import { echoCode } from './util';
import { createExampleApp } from '../examples/app';
import { CustomRuntimeFunction } from '../src';

describe('Checkov', () => {
  beforeAll(() => { complianceTools(); }, VENV_TIMEOUT);

  test('the default function fails no check; each default it reports is skipped with its reason', () => {
    const { app, stack } = newApp(assemblyDir());
    defaultFunction(stack);
    const report = checkovReport(synthTemplates(app, stack));
    expect(report.failed).toEqual([]);
    expect(report.skipped).toEqual([
      expect.stringMatching(/^CKV_AWS_115 GateStack\/AWS::Lambda::Function\.FnFunction[0-9A-F]{8}: Reserved concurrency takes capacity .*reservedConcurrentExecutions\.$/),
      expect.stringMatching(/^CKV_AWS_117 GateStack\/AWS::Lambda::Function\.FnFunction[0-9A-F]{8}: Outside a VPC, .*: vpc\.$/),
      expect.stringMatching(/^CKV_AWS_158 GateStack\/AWS::Logs::LogGroup\.FnLogGroup[0-9A-F]{8}: CloudWatch Logs encrypts every log group .*: logEncryptionKey\.$/),
      expect.stringMatching(/^CKV_AWS_27 GateStack\/AWS::SQS::Queue\.FnDeadLetterQueue[0-9A-F]{8}: Encrypted at rest with SQS-managed keys .*deadLetterQueueEncryptionKey/),
    ]);
    // Checkov really read the stack: checks passed on the function, its role and its log group.
    for (const type of ['AWS::Lambda::Function', 'AWS::IAM::Role', 'AWS::Logs::LogGroup']) {
      expect(report.passed.some((line) => line.includes(` GateStack/${type}.`))).toBe(true);
    }
  });

  test('a function whose only setting is responseStreaming fails no check (the variable it adds is seen)', () => {
    const { app, stack } = newApp(assemblyDir());
    new CustomRuntimeFunction(stack, 'Fn', { code: echoCode(), handler: 'function.handler', responseStreaming: true });
    const report = checkovReport(synthTemplates(app, stack));
    expect(report.failed).toEqual([]);
    expect(report.skipped).toContainEqual(expect.stringMatching(/^CKV_AWS_173 GateStack\/AWS::Lambda::Function\.FnFunction[0-9A-F]{8}: /));
  });

  test('the documented Control Tower configuration fails no check and skips fewer', () => {
    const { app, stack } = newApp(assemblyDir());
    controlTowerFunction(stack);
    const report = checkovReport(synthTemplates(app, stack));
    expect(report.failed).toEqual([]);
    expect(report.skipped.map(s => s.split(' ')[0])).toEqual(['CKV_AWS_111', 'CKV_AWS_115', 'CKV_AWS_27']);
  });

  test('a fully configured function and the examples/ app fail no check', () => {
    const full = newApp(assemblyDir());
    fullyConfiguredFunction(full.stack);
    const example = createExampleApp(assemblyDir());
    expect(checkovReport([...synthTemplates(full.app, full.stack), ...synthTemplates(example.app, example.stack)]).failed).toEqual([]);
  });

  test('without the dead-letter queue\'s skip, Checkov reports CKV_AWS_27 (the test can fail)', () => {
    const { app, stack } = newApp(assemblyDir());
    const fn = defaultFunction(stack);
    (fn.deadLetterQueue!.node.defaultChild as CfnResource).addMetadata('checkov', { skip: [] });
    expect(checkovReport(synthTemplates(app, stack)).failed).toEqual([
      expect.stringMatching(/^CKV_AWS_27 GateStack\/AWS::SQS::Queue\.FnDeadLetterQueue[0-9A-F]{8}: Ensure all data stored in the SQS queue is encrypted$/),
    ]);
  });
});
