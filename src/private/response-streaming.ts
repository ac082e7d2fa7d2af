import { Annotations, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { InvalidPropertyError } from './errors';

/** The shell runtime's response mode variable (runtime/shell/README.md, "Response streaming"). */
export const RESPONSE_MODE_VARIABLE = 'LAMBDA_RESPONSE_MODE';

/**
 * Whether the handler streams, from `responseStreaming` or a `LAMBDA_RESPONSE_MODE` the user set, and the
 * function's environment with the variable set accordingly. Refuses the two when they disagree.
 */
export function responseStreamingEnvironment(
  scope: Construct,
  responseStreaming: boolean | undefined,
  environment: Record<string, string> | undefined,
): { streaming: boolean; environment?: Record<string, string> } {
  const set = environment?.[RESPONSE_MODE_VARIABLE];
  if (set !== undefined && !Token.isUnresolved(set)) {
    if (set !== 'buffered' && set !== 'streaming') {
      throw new InvalidPropertyError(scope, `environment.${RESPONSE_MODE_VARIABLE} must be 'buffered' or 'streaming', got '${set}'`);
    }
    if (responseStreaming !== undefined && responseStreaming !== (set === 'streaming')) {
      throw new InvalidPropertyError(scope, `responseStreaming is ${responseStreaming} but environment.${RESPONSE_MODE_VARIABLE} is '${set}': `
        + 'set responseStreaming only (it sets the variable)');
    }
  }
  const streaming = responseStreaming ?? set === 'streaming';
  if (!streaming) {
    return { streaming, environment };
  }
  return { streaming, environment: { ...environment, [RESPONSE_MODE_VARIABLE]: 'streaming' } };
}

/**
 * Warns when a function URL's invoke mode does not match the handler: a buffered handler behind a RESPONSE_STREAM
 * URL gains nothing (its response leaves in one piece when it is complete), and a streaming handler behind a
 * BUFFERED URL is buffered, within 6 MB.
 */
export function checkFunctionUrlInvokeMode(scope: Construct, streaming: boolean, invokeMode: lambda.InvokeMode | undefined): void {
  const urlStreams = invokeMode === lambda.InvokeMode.RESPONSE_STREAM;
  if (urlStreams && !streaming) {
    Annotations.of(scope).addWarningV2('cdk-custom-runtime:bufferedHandlerStreamingUrl',
      'The function URL has invoke mode RESPONSE_STREAM but the handler is buffered: its response reaches the caller in one piece '
      + `once it is complete. Set responseStreaming: true (${RESPONSE_MODE_VARIABLE}=streaming) to stream the handler's stdout as it writes.`);
  } else if (!urlStreams && streaming) {
    Annotations.of(scope).addWarningV2('cdk-custom-runtime:streamingHandlerBufferedUrl',
      'The handler streams (responseStreaming) but the function URL has invoke mode BUFFERED: Lambda buffers the stream, up to 6 MB. '
      + 'Pass invokeMode: lambda.InvokeMode.RESPONSE_STREAM to stream it to the caller.');
  }
}
