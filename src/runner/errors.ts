/**
 * Errors of the local runner.
 *
 * `InvokeError` is an error of the Invoke API itself (the request never ran the
 * function): it carries the error name and HTTP status Lambda uses, so the CLI
 * can print it the way the AWS CLI does and `serve` can answer with it.
 * A function error is not an `InvokeError`: it is a 200 response with
 * `X-Amz-Function-Error`.
 */

/** HTTP status of every Invoke API error the local runner can return (from the Invoke API reference). */
const STATUS: Record<string, number> = {
  InvalidParameterValueException: 400,
  InvalidRequestContentException: 400,
  RequestTooLargeException: 413,
  ResourceNotFoundException: 404,
  ServiceException: 500,
  TooManyRequestsException: 429,
  UnsupportedMediaTypeException: 415,
  UnknownOperationException: 404,
};

/** An error of the Invoke API: `ResourceNotFoundException`, `RequestTooLargeException`, ... */
export class InvokeError extends Error {
  /** The error name, e.g. `ResourceNotFoundException`: the `x-amzn-ErrorType` header. */
  public readonly errorType: string;
  /** The HTTP status Lambda answers with. */
  public readonly statusCode: number;
  /** Members of the error body besides `Type` and `message`, e.g. a throttle's `Reason`. */
  public readonly details: Readonly<Record<string, string>>;

  constructor(errorType: string, message: string, details: Record<string, string> = {}) {
    super(message);
    this.name = errorType;
    this.errorType = errorType;
    this.statusCode = STATUS[errorType] ?? 500;
    this.details = details;
  }

  /** `User` for 4xx errors, `Service` for 5xx, as in Lambda's error bodies. */
  public get faultType(): 'User' | 'Service' {
    return this.statusCode < 500 ? 'User' : 'Service';
  }
}

/**
 * The function cannot be run on this machine although the cloud assembly is valid,
 * e.g. its code or a layer is not part of the assembly (an ARN, an S3 object).
 * `serve` answers it as a `ServiceException` (500); the CLI prints it and exits 255.
 */
export class LocalRunnerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalRunnerError';
  }
}

export function resourceNotFound(message: string): InvokeError {
  return new InvokeError('ResourceNotFoundException', message);
}
