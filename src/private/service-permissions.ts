import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { InvalidPropertyError } from './errors';
import { checkAccountId, checkPattern } from './validation';
import type { ServiceInvokeOptions } from '../invoke-permissions';

/**
 * The AWS service a principal stands for (`events.amazonaws.com`), or undefined for any other principal.
 * Read from the resolved policy fragment, so a `ServicePrincipal` wrapped with conditions is recognized too.
 */
export function serviceOf(scope: IConstruct, principal: iam.IPrincipal): string | undefined {
  const service = Stack.of(scope).resolve(principal.policyFragment.principalJson.Service);
  return Array.isArray(service) ? service[0] : service;
}

/**
 * The confused-deputy rule for a resource-policy permission given to an AWS service: Lambda checks nothing by
 * itself, so without `SourceArn` or `SourceAccount` any account's resource of that service could make the
 * service invoke the function. S3 needs `SourceAccount`: bucket ARNs name no account. Principals other than
 * services pass unchanged. The source may come from the permission or from the principal's conditions,
 * both of which aws-cdk-lib's `addPermission` reads.
 *
 * @param method the public method the user called, for the message
 */
export function checkServicePermission(scope: IConstruct, method: string, permission: lambda.Permission): void {
  const service = serviceOf(scope, permission.principal);
  if (service === undefined) { return; }
  const conditions = sourceConditionsOf(permission.principal);
  const sourceArn = permission.sourceArn ?? conditions.sourceArn;
  const sourceAccount = permission.sourceAccount ?? conditions.sourceAccount;
  if (service === 's3.amazonaws.com' && sourceAccount === undefined) {
    throw new InvalidPropertyError(scope, `${method}: s3.amazonaws.com needs sourceAccount, got none `
      + '(bucket ARNs name no account, so sourceArn alone does not pin the bucket owner); pass the bucket owner\'s account as sourceAccount, '
      + 'or call grantInvoke(), which scopes the service to this stack\'s account');
  }
  if (sourceArn === undefined && sourceAccount === undefined && permission.eventSourceToken === undefined) {
    throw new InvalidPropertyError(scope, `${method}: ${service} needs sourceArn or sourceAccount, got neither `
      + '(without them any account\'s resources could make the service invoke this function); pass the resource that invokes it as sourceArn '
      + 'or its owner as sourceAccount, or call grantInvoke(), which scopes the service to this stack\'s account');
  }
  checkAccountId(scope, 'sourceAccount', sourceAccount);
}

/**
 * The service principal of `allowInvokeByService`: exactly one of `principal` and the deprecated `servicePrincipal`
 * string, and a service, not an account or a role.
 */
export function serviceInvokePrincipal(scope: IConstruct, options: ServiceInvokeOptions): iam.IPrincipal {
  const { principal, servicePrincipal } = options;
  if ((principal === undefined) === (servicePrincipal === undefined)) {
    throw new InvalidPropertyError(scope, 'allowInvokeByService: give exactly one of principal and servicePrincipal (deprecated), got '
      + (principal === undefined ? 'neither' : 'both'));
  }
  if (principal === undefined) {
    checkPattern(scope, 'servicePrincipal', servicePrincipal, /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/, 'must be an AWS service principal such as "events.amazonaws.com"');
    return new iam.ServicePrincipal(servicePrincipal!);
  }
  if (serviceOf(scope, principal) === undefined) {
    throw new InvalidPropertyError(scope, `allowInvokeByService: principal must be an AWS service principal such as new iam.ServicePrincipal('events.amazonaws.com'), got ${principal}; `
      + 'use allowInvokeByAccount(), allowInvokeByOrganization() or grantInvoke() for other principals');
  }
  return principal;
}

/**
 * What `grantInvoke` gives a service: aws-cdk-lib's `grantInvoke` turns a service principal into a resource-policy
 * permission with no source at all; ours adds `aws:SourceAccount` = the scope's stack's account, which aws-cdk-lib carries
 * into the permission, unless the principal already names its source. Any other grantee passes unchanged.
 */
export function scopeServiceToAccount(scope: IConstruct, grantee: iam.IGrantable): iam.IGrantable {
  const principal = grantee.grantPrincipal;
  const { sourceArn, sourceAccount } = sourceConditionsOf(principal);
  if (serviceOf(scope, principal) === undefined || sourceArn !== undefined || sourceAccount !== undefined) { return grantee; }
  return new iam.PrincipalWithConditions(principal, { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } });
}

/** The principal's own source conditions, in the two forms aws-cdk-lib's `addPermission` turns into `SourceArn` and `SourceAccount`. */
function sourceConditionsOf(principal: iam.IPrincipal): { sourceArn?: string; sourceAccount?: string } {
  const conditions = principal.policyFragment.conditions as Record<string, Record<string, string> | undefined>;
  return { sourceArn: conditions.ArnLike?.['aws:SourceArn'], sourceAccount: conditions.StringEquals?.['aws:SourceAccount'] };
}
