import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { removeTempDirs, shellFunction, synth } from './assembly';
import { CloudAssembly } from '../../src/runner/cloud-assembly';

// Finding a function by the name and qualifier an invocation gives, as the Invoke API does.

afterAll(() => removeTempDirs());

/** A construct holding a function, as a library construct would (`<id>/Function/Resource`). */
class Wrapper extends Construct {
  public readonly fn: lambda.Function;
  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.fn = shellFunction(this, 'Function', { handler: 'echo_event' });
  }
}

describe('finding functions', () => {
  let assembly: CloudAssembly;
  beforeAll(() => {
    assembly = CloudAssembly.load(synth((app) => {
      const stack = new Stack(app, 'Names');
      shellFunction(stack, 'Plain', { handler: 'echo_event' });
      shellFunction(stack, 'Named', { handler: 'echo_event', functionName: 'my-named-function' });
      new Wrapper(stack, 'Wrapped');
      const group = new Construct(stack, 'Group');
      shellFunction(group, 'One', { handler: 'echo_event' });
      shellFunction(group, 'Two', { handler: 'echo_event' });
    }));
  });

  test.each([
    ['its logical ID', (logicalId: string) => logicalId],
    ['its construct path', () => 'Names/Plain/Resource'],
    ['its construct path without /Resource', () => 'Names/Plain'],
    ['its construct path with a leading slash', () => '/Names/Plain'],
    ['its path inside the stack', () => 'Plain'],
    ['its generated name', () => assembly.findFunction('Names/Plain').fn.functionName],
    ['its ARN', () => `arn:aws:lambda:us-east-1:123456789012:function:${assembly.findFunction('Names/Plain').fn.functionName}`],
  ])('by %s', (_, name) => {
    const plain = assembly.functions.find((f) => f.constructPath === 'Names/Plain/Resource')!;
    expect(assembly.findFunction(name(plain.logicalId)).fn).toBe(plain);
  });

  test('by a literal FunctionName, also as a partial ARN with a qualifier', () => {
    expect(assembly.findFunction('my-named-function').fn.constructPath).toBe('Names/Named/Resource');
    expect(assembly.findFunction('123456789012:function:my-named-function:live')).toMatchObject({
      fn: { constructPath: 'Names/Named/Resource' },
      qualifierInName: 'live',
    });
  });

  test('by the path of the construct that encloses it', () => {
    expect(assembly.findFunction('Names/Wrapped').fn.constructPath).toBe('Names/Wrapped/Function/Resource');
  });

  test('an enclosing path with two functions under it is ambiguous, and the message lists them', () => {
    expect(() => assembly.findFunction('Names/Group')).toThrow(
      /Function name 'Names\/Group' is ambiguous: 2 functions are under that construct path\. Candidates: GroupOne[0-9A-F]{8} \(Names\/Group\/One\/Resource\), GroupTwo[0-9A-F]{8} \(Names\/Group\/Two\/Resource\)/);
  });

  test('no name with several functions is an error listing them', () => {
    expect(() => assembly.findFunction()).toThrow(/holds 5 functions: give a function name\. Candidates: /);
  });

  test('an unknown name is ResourceNotFoundException', () => {
    expect(() => assembly.findFunction('Names/Nope')).toThrow(expect.objectContaining({ errorType: 'ResourceNotFoundException' }));
  });

  test('a qualifier in the name that contradicts Qualifier is InvalidParameterValueException', () => {
    expect(() => assembly.resolve('my-named-function:live', '$LATEST')).toThrow(expect.objectContaining({ errorType: 'InvalidParameterValueException' }));
  });
});
