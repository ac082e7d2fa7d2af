import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { RuntimeLayer } from './runtime-layer';

/**
 * The built-in shell runtime: a Lambda Runtime API client in bash and curl, shipped with this library.
 *
 * Handlers are bash functions: `_HANDLER=file.function` sources `file.sh` once at init and calls
 * `function` per invocation with the event on stdin (and as `$1` when it is small); its stdout is the
 * response. See the README's "Shell handler contract".
 */
export class ShellRuntime {
  /**
   * The directory that holds the runtime's `bootstrap`, inside the installed package.
   */
  public static readonly DIRECTORY = path.join(__dirname, '..', 'runtime', 'shell');

  /**
   * The shell runtime layer for `scope`'s stack and the given architecture, created on first use.
   *
   * However many functions use it, a stack holds one layer per architecture.
   *
   * @param scope any construct of the stack that gets the layer
   * @param architecture the architecture the layer is marked compatible with
   * @default Architecture.X86_64
   */
  public static layer(scope: IConstruct, architecture: lambda.Architecture = lambda.Architecture.X86_64): RuntimeLayer {
    const stack = Stack.of(scope);
    const id = `CdkCustomRuntimeShellRuntime${architecture.name.replace(/[^A-Za-z0-9]/g, '')}`;
    const existing = stack.node.tryFindChild(id);
    if (existing) {
      return existing as RuntimeLayer;
    }
    return new RuntimeLayer(stack, id, {
      directory: ShellRuntime.DIRECTORY,
      // The runtime's own documentation stays out of the layer, so editing it publishes no new version.
      exclude: ['*.md'],
      compatibleArchitectures: [architecture],
      description: `cdk-custom-runtime shell runtime (bash + curl) for provided.al2023 and provided.al2, ${architecture.name}`,
      license: 'Apache-2.0',
    });
  }

  private constructor() {}
}
