/**
 * The event sources wired to a function in its stack's template: SQS event source
 * mappings, SNS subscriptions, EventBridge rules (patterns and schedules), function
 * URLs, API Gateway REST methods and HTTP API routes with a Lambda proxy integration.
 *
 * A source is wired to the function when it refers to the function, one of its
 * versions or one of its aliases (by `Ref`, `Fn::GetAtt` or inside `Fn::Join`).
 * Names that CloudFormation would generate get the local stand-in
 * `<stack name>-<logical ID>`, as the function's own name does.
 */
import { createHash } from 'node:crypto';
import { StackInfo } from './assembly-manifest';
import { describe, FunctionInfo } from './function-discovery';
import { evaluate, evaluateString, referencedLogicalId } from './intrinsics';
import { parameterContext } from './stack-context';

/** The kinds of source, as `cdk-custom-runtime event <kind>` names them. */
export const EVENT_SOURCE_KINDS = ['sqs', 'sns', 'eventbridge', 'schedule', 'function-url', 'api-rest', 'api-http'] as const;
export type EventSourceKind = typeof EVENT_SOURCE_KINDS[number];

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly Metadata?: Record<string, unknown>;
}

/** One source wired to the function. */
export interface EventSource {
  readonly kind: EventSourceKind;
  /** Logical ID of the resource that wires it (the mapping, subscription, rule, URL, method or route). */
  readonly logicalId: string;
  /** Its construct path, for messages and `--source`. */
  readonly path: string;
  /** What the event needs: names, ARNs and settings of the source. */
  readonly details: Record<string, unknown>;
}

/** Every source wired to `fn` in its stack, in template order. */
export function eventSourcesOf(fn: FunctionInfo): EventSource[] {
  const stack = fn.stack;
  const resources: Record<string, Resource> = (stack.template.Resources ?? {}) as Record<string, Resource>;
  const ids = new Set([fn.logicalId, ...fn.versions.map((v) => v.logicalId), ...fn.aliases.map((a) => a.logicalId)]);
  const wired = (value: unknown): boolean => mentions(value, ids);
  const out: EventSource[] = [];
  const add = (kind: EventSourceKind, logicalId: string, details: Record<string, unknown>): void => {
    out.push({ kind, logicalId, path: pathOf(stack, logicalId, resources[logicalId]), details });
  };
  for (const [id, resource] of Object.entries(resources)) {
    const p = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::Lambda::EventSourceMapping': {
        const queueId = referencedLogicalId(p.EventSourceArn);
        const queue = queueId === undefined ? undefined : resources[queueId];
        if (wired(p.FunctionName) && queue?.Type === 'AWS::SQS::Queue') {
          const name = queueName(stack, queueId!, queue);
          add('sqs', id, {
            queueName: name,
            queueArn: `arn:aws:sqs:${stack.region}:${stack.account}:${name}`,
            fifo: name.endsWith('.fifo'),
            batchSize: Number(str(stack, p.BatchSize) ?? 10),
            reportBatchItemFailures: (evaluate(p.FunctionResponseTypes, parameterContext(stack)) ?? []).includes('ReportBatchItemFailures'),
          });
        }
        break;
      }
      case 'AWS::SNS::Subscription':
        if (str(stack, p.Protocol) === 'lambda' && wired(p.Endpoint)) {
          add('sns', id, { topicArn: topicArn(stack, resources, p.TopicArn) });
        }
        break;
      case 'AWS::Events::Rule':
        for (const target of (p.Targets ?? []) as Array<Record<string, unknown>>) {
          if (wired(target.Arn)) {
            const ruleName = str(stack, p.Name) ?? standIn(stack, id);
            const input = str(stack, target.Input);
            add(p.ScheduleExpression === undefined ? 'eventbridge' : 'schedule', id, {
              ruleName,
              ruleArn: `arn:aws:events:${stack.region}:${stack.account}:rule/${ruleName}`,
              eventPattern: p.EventPattern,
              schedule: str(stack, p.ScheduleExpression),
              input: input === undefined ? undefined : JSON.parse(input),
            });
          }
        }
        break;
      case 'AWS::Lambda::Url':
        if (wired(p.TargetFunctionArn)) {
          add('function-url', id, { urlId: urlId(stack, id), authType: str(stack, p.AuthType) ?? 'NONE' });
        }
        break;
      case 'AWS::ApiGateway::Method':
        if (wired(p.Integration?.Uri) && str(stack, p.Integration?.Type) === 'AWS_PROXY') {
          const restApiId = referencedLogicalId(p.RestApiId) ?? id;
          add('api-rest', id, {
            apiId: urlId(stack, restApiId),
            resourcePath: restResourcePath(resources, p.ResourceId),
            httpMethod: str(stack, p.HttpMethod) ?? 'ANY',
            stage: restStage(stack, resources, restApiId),
          });
        }
        break;
      case 'AWS::ApiGatewayV2::Route':
        addHttpRoute(stack, resources, id, p, wired, add);
        break;
      default:
        break;
    }
  }
  return out;
}

/** Picks the source of `kind` (and `id`, a logical ID or construct path, when several are wired). */
export function findEventSource(fn: FunctionInfo, kind: string, id?: string): EventSource {
  const all = eventSourcesOf(fn);
  if (!(EVENT_SOURCE_KINDS as readonly string[]).includes(kind)) {
    throw new Error(`Unknown event source '${kind}': one of ${EVENT_SOURCE_KINDS.join(', ')}`);
  }
  const ofKind = all.filter((s) => s.kind === kind && (id === undefined || s.logicalId === id || s.path === id || s.path.startsWith(`${id}/`)));
  if (ofKind.length === 1) {
    return ofKind[0];
  }
  const wired = all.length === 0 ? 'none' : all.map((s) => `${s.kind} ${s.path}`).join(', ');
  throw new Error(ofKind.length === 0
    ? `No ${kind} source${id === undefined ? '' : ` '${id}'`} is wired to ${describe(fn)} in the template. Wired sources: ${wired}`
    : `${ofKind.length} ${kind} sources are wired to ${describe(fn)}: give one with --source (${ofKind.map((s) => s.path).join(', ')})`);
}

function addHttpRoute(stack: StackInfo, resources: Record<string, Resource>, id: string, p: Record<string, any>,
  wired: (v: unknown) => boolean, add: (kind: EventSourceKind, id: string, details: Record<string, unknown>) => void): void {
  const integrationId = Object.keys(resources).find((other) => resources[other].Type === 'AWS::ApiGatewayV2::Integration'
    && mentions(p.Target, new Set([other])));
  const integration = integrationId === undefined ? undefined : resources[integrationId].Properties ?? {};
  if (!integration || !wired(integration.IntegrationUri)) {
    return;
  }
  const apiId = referencedLogicalId(p.ApiId) ?? id;
  add('api-http', id, {
    apiId: urlId(stack, apiId),
    routeKey: str(stack, p.RouteKey) ?? '$default',
    payloadFormatVersion: str(stack, integration.PayloadFormatVersion) ?? '2.0',
  });
}

/** Whether `value` refers to one of `ids`, anywhere inside it. */
function mentions(value: unknown, ids: ReadonlySet<string>): boolean {
  if (Array.isArray(value)) {
    return value.some((v) => mentions(v, ids));
  }
  if (value === null || typeof value !== 'object') {
    return false;
  }
  const id = referencedLogicalId(value);
  if (id !== undefined && ids.has(id)) {
    return true;
  }
  return Object.values(value).some((v) => mentions(v, ids));
}

function str(stack: StackInfo, value: unknown): string | undefined {
  return evaluateString(value, parameterContext(stack));
}

/** The name CloudFormation would generate, locally: `<stack name>-<logical ID>`. */
function standIn(stack: StackInfo, logicalId: string): string {
  return `${stack.stackName}-${logicalId}`.slice(0, 64);
}

function queueName(stack: StackInfo, id: string, queue: Resource): string {
  const explicit = str(stack, queue.Properties?.QueueName);
  if (explicit !== undefined) {
    return explicit;
  }
  return str(stack, queue.Properties?.FifoQueue) === 'true' ? `${standIn(stack, id).slice(0, 75)}.fifo` : standIn(stack, id);
}

function topicArn(stack: StackInfo, resources: Record<string, Resource>, value: unknown): string {
  const literal = str(stack, value);
  if (literal !== undefined) {
    return literal;
  }
  const id = referencedLogicalId(value);
  const topic = id === undefined ? undefined : resources[id];
  const name = str(stack, topic?.Properties?.TopicName) ?? standIn(stack, id ?? 'Topic');
  return `arn:aws:sns:${stack.region}:${stack.account}:${name}`;
}

/** A stable 10-character lower-case ID, standing in for an API or URL ID. */
function urlId(stack: StackInfo, logicalId: string): string {
  return createHash('sha256').update(`${stack.artifactId}/${logicalId}`).digest('hex').replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)]).slice(0, 10);
}

/** `/items/{id}`, following `AWS::ApiGateway::Resource` parents up to the API's root. */
function restResourcePath(resources: Record<string, Resource>, resourceId: unknown): string {
  const parts: string[] = [];
  let id = referencedLogicalId(resourceId);
  let value: unknown = resourceId;
  while (id !== undefined && resources[id]?.Type === 'AWS::ApiGateway::Resource' && (value as Record<string, unknown>)?.Ref !== undefined) {
    const props = resources[id].Properties ?? {};
    parts.unshift(String(props.PathPart));
    value = props.ParentId;
    id = referencedLogicalId(value);
  }
  return `/${parts.join('/')}`;
}

function restStage(stack: StackInfo, resources: Record<string, Resource>, restApiId: string): string {
  for (const resource of Object.values(resources)) {
    if (resource.Type === 'AWS::ApiGateway::Stage' && referencedLogicalId(resource.Properties?.RestApiId) === restApiId) {
      return str(stack, resource.Properties?.StageName) ?? 'prod';
    }
  }
  return 'prod';
}

function pathOf(stack: StackInfo, logicalId: string, resource: Resource | undefined): string {
  const cdkPath = resource?.Metadata?.['aws:cdk:path'];
  return (typeof cdkPath === 'string' ? cdkPath.replace(/^\//, '') : stack.constructPaths.get(logicalId)) ?? `${stack.displayName}/${logicalId}`;
}
