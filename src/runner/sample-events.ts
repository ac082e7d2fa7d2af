/**
 * Realistic events of the sources wired to a function (see event-sources.ts), in the
 * shapes the services send, filled with the names and ARNs read from the assembly:
 * what `cdk-custom-runtime event <source>` prints and `invoke` takes as its payload.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { EventSource } from './event-sources';
import { FunctionInfo } from './function-discovery';

export interface SampleEventOptions {
  /** The message body, SNS message, EventBridge detail (JSON) or HTTP body. @default - a small JSON example */
  readonly body?: string;
  /** SQS: how many records; at most the mapping's batch size. @default 1 */
  readonly count?: number;
  /** HTTP sources: the request path, for routes with path parameters. @default - the route with `example` for each parameter */
  readonly path?: string;
  /** The event time. @default - now */
  readonly now?: Date;
}

const DEFAULT_BODY = '{"hello":"world"}';
const USER_AGENT = 'cdk-custom-runtime';

/** The event `source` sends to `fn`. */
export function sampleEvent(fn: FunctionInfo, source: EventSource, options: SampleEventOptions = {}): object {
  const now = options.now ?? new Date();
  const d = source.details as Record<string, any>;
  const { region, account } = fn.stack;
  switch (source.kind) {
    case 'sqs':
      return sqsEvent(d, region, options, now);
    case 'sns':
      return snsEvent(d, region, options, now);
    case 'eventbridge':
    case 'schedule':
      return d.input ?? eventBridgeEvent(source, d, region, account, options, now);
    case 'function-url':
      return httpV2Event({ ...d, domain: `${d.urlId}.lambda-url.${region}.on.aws`, routeKey: '$default', stage: '$default' }, account, options, now);
    case 'api-http':
      return d.payloadFormatVersion === '1.0'
        ? restEvent({ ...d, ...splitRouteKey(d.routeKey), stage: '$default', version: '1.0' }, region, account, options, now)
        : httpV2Event({ ...d, domain: `${d.apiId}.execute-api.${region}.amazonaws.com`, stage: '$default' }, account, options, now);
    case 'api-rest':
      return restEvent(d, region, account, options, now);
  }
}

function sqsEvent(d: Record<string, any>, region: string, options: SampleEventOptions, now: Date): object {
  const count = options.count ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > d.batchSize) {
    throw new Error(`--count must be between 1 and the batch size of the mapping (${d.batchSize}), got ${count}`);
  }
  const body = options.body ?? DEFAULT_BODY;
  const sent = String(now.getTime());
  return {
    Records: Array.from({ length: count }, (_, i) => ({
      messageId: randomUUID(),
      receiptHandle: randomBytes(48).toString('base64'),
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: sent,
        SenderId: 'AIDAIENQZJOLO23YVJ4VO',
        ApproximateFirstReceiveTimestamp: sent,
        ...(d.fifo ? { SequenceNumber: String(18849496460467696128n + BigInt(i)), MessageGroupId: 'group-1', MessageDeduplicationId: randomUUID() } : {}),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: d.queueArn,
      awsRegion: region,
    })),
  };
}

function snsEvent(d: Record<string, any>, region: string, options: SampleEventOptions, now: Date): object {
  const subscription = `${d.topicArn}:${randomUUID()}`;
  return {
    Records: [{
      EventVersion: '1.0',
      EventSubscriptionArn: subscription,
      EventSource: 'aws:sns',
      Sns: {
        SignatureVersion: '1',
        Timestamp: now.toISOString(),
        Signature: randomBytes(32).toString('base64'),
        SigningCertUrl: `https://sns.${region}.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem`,
        MessageId: randomUUID(),
        Message: options.body ?? DEFAULT_BODY,
        MessageAttributes: {},
        Type: 'Notification',
        UnsubscribeUrl: `https://sns.${region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${subscription}`,
        TopicArn: d.topicArn,
        Subject: null,
      },
    }],
  };
}

function eventBridgeEvent(source: EventSource, d: Record<string, any>, region: string, account: string,
  options: SampleEventOptions, now: Date): object {
  const pattern = (d.eventPattern ?? {}) as Record<string, unknown>;
  const scheduled = source.kind === 'schedule';
  return {
    'version': '0',
    'id': randomUUID(),
    'detail-type': scheduled ? 'Scheduled Event' : first(pattern['detail-type']) ?? 'Example Event',
    'source': scheduled ? 'aws.events' : first(pattern.source) ?? 'com.example',
    account,
    'time': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    'resources': scheduled ? [d.ruleArn] : (pattern.resources as string[] | undefined)?.filter((r) => typeof r === 'string') ?? [],
    'detail': options.body !== undefined ? JSON.parse(options.body) : scheduled ? {} : matching(pattern.detail),
  };
}

/** A value the pattern matches: the first literal of each list, objects recursively. */
function matching(pattern: unknown): unknown {
  if (Array.isArray(pattern)) {
    const literal = pattern.find((p) => typeof p !== 'object' || p === null);
    return literal ?? 'example';
  }
  if (pattern !== null && typeof pattern === 'object') {
    return Object.fromEntries(Object.entries(pattern).map(([k, v]) => [k, matching(v)]));
  }
  return {};
}

function first(value: unknown): string | undefined {
  return Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;
}

/** `GET /items/{id}` into a method and a resource path. */
function splitRouteKey(routeKey: string): { httpMethod: string; resourcePath: string } {
  const [method, resourcePath] = routeKey === '$default' ? ['GET', '/'] : routeKey.split(' ');
  return { httpMethod: method, resourcePath: resourcePath ?? '/' };
}

/** The concrete path of a route: `{id}` becomes `example`, `{proxy+}` becomes `example/path`. */
function concretePath(resourcePath: string): { path: string; pathParameters: Record<string, string> | null } {
  const parameters: Record<string, string> = {};
  const path = resourcePath.replace(/\{([^}+]+)(\+?)\}/g, (_, name: string, greedy: string) => {
    parameters[name] = greedy ? 'example/path' : 'example';
    return parameters[name];
  });
  return { path, pathParameters: Object.keys(parameters).length > 0 ? parameters : null };
}

function headers(domain: string): Record<string, string> {
  return {
    'accept': '*/*',
    'content-type': 'application/json',
    'host': domain,
    'user-agent': USER_AGENT,
    'x-amzn-trace-id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`,
    'x-forwarded-for': '127.0.0.1',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
  };
}

/** Payload format 2.0: function URLs and HTTP APIs. */
function httpV2Event(d: Record<string, any>, account: string, options: SampleEventOptions, now: Date): object {
  const { httpMethod, resourcePath } = splitRouteKey(d.routeKey);
  const concrete = concretePath(resourcePath);
  const path = options.path ?? concrete.path;
  const method = d.routeKey === '$default' || httpMethod === 'ANY' ? 'POST' : httpMethod;
  const body = options.body ?? DEFAULT_BODY;
  const id = d.urlId ?? d.apiId;
  return {
    version: '2.0',
    routeKey: d.routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: headers(d.domain),
    requestContext: {
      accountId: d.authType === 'AWS_IAM' || d.urlId === undefined ? account : 'anonymous',
      apiId: id,
      ...(d.authType === 'AWS_IAM' ? { authorizer: { iam: { accessKey: 'AKIAIOSFODNN7EXAMPLE', accountId: account, callerId: 'AIDAEXAMPLE', userArn: `arn:aws:iam::${account}:user/example`, userId: 'AIDAEXAMPLE' } } } : {}),
      domainName: d.domain,
      domainPrefix: id,
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: USER_AGENT },
      requestId: randomUUID(),
      routeKey: d.routeKey,
      stage: d.stage,
      time: apiTime(now),
      timeEpoch: now.getTime(),
    },
    ...(concrete.pathParameters && options.path === undefined ? { pathParameters: concrete.pathParameters } : {}),
    body,
    isBase64Encoded: false,
  };
}

/** Payload format 1.0: API Gateway REST APIs (and HTTP APIs that ask for 1.0). */
function restEvent(d: Record<string, any>, region: string, account: string, options: SampleEventOptions, now: Date): object {
  const concrete = concretePath(d.resourcePath);
  const path = options.path ?? concrete.path;
  const method = d.httpMethod === 'ANY' ? 'POST' : d.httpMethod;
  const domain = `${d.apiId}.execute-api.${region}.amazonaws.com`;
  const h = headers(domain);
  return {
    ...(d.version ? { version: d.version } : {}),
    resource: d.resourcePath,
    path,
    httpMethod: method,
    headers: h,
    multiValueHeaders: Object.fromEntries(Object.entries(h).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: options.path === undefined ? concrete.pathParameters : null,
    stageVariables: null,
    requestContext: {
      accountId: account,
      apiId: d.apiId,
      domainName: domain,
      domainPrefix: d.apiId,
      httpMethod: method,
      identity: { sourceIp: '127.0.0.1', userAgent: USER_AGENT },
      path: d.stage === '$default' ? path : `/${d.stage}${path}`,
      protocol: 'HTTP/1.1',
      requestId: randomUUID(),
      requestTime: apiTime(now),
      requestTimeEpoch: now.getTime(),
      resourceId: d.apiId.slice(0, 6),
      resourcePath: d.resourcePath,
      stage: d.stage,
    },
    body: options.body ?? DEFAULT_BODY,
    isBase64Encoded: false,
  };
}

/** API Gateway's request time: `02/Dec/2026:16:00:00 +0000`. */
function apiTime(now: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(now.getUTCDate())}/${months[now.getUTCMonth()]}/${now.getUTCFullYear()}:${pad(now.getUTCHours())}:${pad(now.getUTCMinutes())}:${pad(now.getUTCSeconds())} +0000`;
}
