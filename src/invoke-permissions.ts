import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * An AWS service that may invoke the function's alias, scoped to one source.
 *
 * Give the service as `principal` (or, deprecated, as the `servicePrincipal` string): exactly one of the two.
 *
 * Lambda refuses nothing here by itself: without `sourceArn` or `sourceAccount`, any account's
 * resource of that service could make the service invoke the function (the confused-deputy problem),
 * so at least one of them is required, and S3 needs `sourceAccount`.
 */
export interface ServiceInvokeOptions {
  /**
   * The service principal, for example `new iam.ServicePrincipal('events.amazonaws.com')`.
   *
   * @default - none; `servicePrincipal` must then be given
   */
  readonly principal?: iam.IPrincipal;

  /**
   * The service principal's name, for example `events.amazonaws.com` or `s3.amazonaws.com`.
   *
   * @default - none; `principal` must then be given
   * @deprecated use `principal`, for example `new iam.ServicePrincipal('events.amazonaws.com')`
   */
  readonly servicePrincipal?: string;

  /**
   * The ARN of the resource allowed to invoke the function, for example an EventBridge rule.
   *
   * @default - no source ARN condition; `sourceAccount` must then be given
   */
  readonly sourceArn?: string;

  /**
   * The account that owns the resource allowed to invoke the function.
   *
   * @default - no source account condition; `sourceArn` must then be given
   */
  readonly sourceAccount?: string;
}
