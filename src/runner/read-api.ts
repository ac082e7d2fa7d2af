/**
 * Lambda's read APIs, answered from the cloud assembly: `ListFunctions`, `GetFunction`,
 * `GetFunctionConfiguration`, `ListVersionsByFunction`, `ListAliases` and `GetAlias`,
 * in the JSON shapes the AWS CLI and SDKs parse.
 *
 * What only a deployment knows is given a local stand-in: the role ARN is built from the
 * role's logical ID, `CodeSha256` is the SHA-256 of the asset's files (not of a zip Lambda
 * would store), `LastModified` is when the asset was written.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CloudAssembly } from './cloud-assembly';
import { functionVariables } from './environment';
import { InvokeError, resourceNotFound } from './errors';
import { AliasInfo, FunctionInfo, functionArn } from './function-discovery';
import { evaluateString, referencedLogicalId } from './intrinsics';
import { parameterContext } from './stack-context';

const FUNCTIONS = '/2015-03-31/functions';
/** ListFunctions returns at most 50 functions per page. */
const MAX_ITEMS = 50;

/** A read API request, as the Invoke API server received it. */
export interface ReadRequest {
  readonly method: string;
  readonly url: URL;
}

/** The JSON answer of a read API. */
export interface ReadResponse {
  readonly statusCode: number;
  readonly body: object;
}

/**
 * Answers a read API request, or returns `undefined` when the request is not one.
 * @throws InvokeError for an unknown function, qualifier or alias
 */
export function answerReadApi(assembly: CloudAssembly, request: ReadRequest): ReadResponse | undefined {
  if (request.method !== 'GET' || !request.url.pathname.startsWith(FUNCTIONS)) {
    return undefined;
  }
  const parts = request.url.pathname.slice(FUNCTIONS.length).split('/').filter((p) => p !== '').map(decode);
  const query = request.url.searchParams;
  const [name, resource, aliasName] = parts;
  if (parts.length === 0) {
    return ok(listFunctions(assembly, query));
  }
  const found = assembly.findFunction(name);
  const fn = found.fn;
  const qualifier = query.get('Qualifier') ?? found.qualifierInName;
  switch (parts.length === 1 ? '' : resource) {
    case '':
      return ok({ Configuration: configuration(fn, versionOf(fn, qualifier)), Code: code(fn), Tags: tags(fn) });
    case 'configuration':
      return parts.length === 2 ? ok(configuration(fn, versionOf(fn, qualifier))) : undefined;
    case 'versions':
      return parts.length === 2 ? ok({ Versions: ['$LATEST', ...fn.versions.map((v) => v.number)].map((v) => configuration(fn, v)) }) : undefined;
    case 'aliases':
      if (parts.length === 2) {
        const version = query.get('FunctionVersion');
        return ok({ Aliases: fn.aliases.filter((a) => version === null || a.functionVersion === version).map((a) => alias(fn, a)) });
      }
      return parts.length === 3 ? ok(alias(fn, findAlias(fn, aliasName))) : undefined;
    default:
      return undefined;
  }
}

function ok(body: object): ReadResponse {
  return { statusCode: 200, body };
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function listFunctions(assembly: CloudAssembly, query: URLSearchParams): object {
  const start = Number(query.get('Marker') ?? '0');
  const maxItems = Math.min(Number(query.get('MaxItems') ?? MAX_ITEMS), MAX_ITEMS);
  if (!Number.isInteger(start) || start < 0 || !Number.isInteger(maxItems) || maxItems < 1) {
    throw new InvokeError('InvalidParameterValueException', 'Marker must be a marker returned by ListFunctions and MaxItems between 1 and 50');
  }
  const page = assembly.functions.slice(start, start + maxItems);
  const next = start + page.length;
  return {
    Functions: page.map((fn) => configuration(fn, '$LATEST')),
    ...(next < assembly.functions.length ? { NextMarker: String(next) } : {}),
  };
}

/** The version a qualifier names: `$LATEST`, a version number, or an alias's version. */
function versionOf(fn: FunctionInfo, qualifier: string | null | undefined): string {
  if (qualifier === null || qualifier === undefined || qualifier === '$LATEST') {
    return '$LATEST';
  }
  const version = fn.versions.find((v) => v.number === qualifier)?.number ?? findAlias(fn, qualifier).functionVersion;
  if (version === undefined) {
    throw resourceNotFound(`Function not found: ${functionArn(fn)}:${qualifier}`);
  }
  return version;
}

function findAlias(fn: FunctionInfo, name: string | undefined): AliasInfo {
  const found = fn.aliases.find((a) => a.name === name);
  if (!found) {
    throw resourceNotFound(`Function not found: ${functionArn(fn)}:${name}`);
  }
  return found;
}

/** `FunctionConfiguration`, for `$LATEST` or a version number. */
function configuration(fn: FunctionInfo, version: string): object {
  const props = propertiesOf(fn);
  const ctx = parameterContext(fn.stack);
  const fingerprint = 'asset' in fn.code ? assetFingerprint(fn.code.asset.path) : undefined;
  const environment = functionVariables(fn, () => undefined);
  const description = evaluateString(props.Description, ctx);
  const ephemeral = Number(evaluateString((props.EphemeralStorage as { Size?: unknown } | undefined)?.Size, ctx) ?? 512);
  return {
    FunctionName: fn.functionName,
    FunctionArn: version === '$LATEST' ? functionArn(fn) : `${functionArn(fn)}:${version}`,
    Runtime: fn.runtime,
    Role: roleArn(fn, props.Role),
    Handler: fn.handler,
    CodeSize: fingerprint?.size ?? 0,
    Description: description ?? '',
    Timeout: fn.timeoutSeconds,
    MemorySize: fn.memorySize,
    LastModified: lambdaTimestamp(fingerprint?.modified ?? new Date(0)),
    CodeSha256: fingerprint?.sha256 ?? '',
    Version: version,
    ...(Object.keys(environment).length > 0 ? { Environment: { Variables: environment } } : {}),
    TracingConfig: { Mode: fn.tracingMode },
    ...(fn.layers.length > 0
      ? { Layers: fn.layers.map((layer) => ({ Arn: layerArn(fn, layer.description), CodeSize: layerSize(layer.content) })) }
      : {}),
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: fn.architectures,
    EphemeralStorage: { Size: ephemeral },
  };
}

function code(fn: FunctionInfo): object {
  return 'asset' in fn.code
    ? { RepositoryType: 'S3', Location: `file://${fn.code.asset.path}` }
    : { RepositoryType: 'S3' };
}

function tags(fn: FunctionInfo): Record<string, string> {
  const out: Record<string, string> = {};
  const ctx = parameterContext(fn.stack);
  for (const tag of (propertiesOf(fn).Tags as Array<{ Key?: unknown; Value?: unknown }> | undefined) ?? []) {
    const key = evaluateString(tag.Key, ctx);
    const value = evaluateString(tag.Value, ctx);
    if (key !== undefined && value !== undefined) {
      out[key] = value;
    }
  }
  return out;
}

function alias(fn: FunctionInfo, a: AliasInfo): object {
  const props = fn.stack.template.Resources?.[a.logicalId]?.Properties ?? {};
  return {
    AliasArn: `${functionArn(fn)}:${a.name}`,
    Name: a.name,
    FunctionVersion: a.functionVersion ?? '$LATEST',
    Description: evaluateString(props.Description, parameterContext(fn.stack)) ?? '',
    RevisionId: revisionId(`${fn.stack.artifactId}/${a.logicalId}`),
  };
}

function propertiesOf(fn: FunctionInfo): Record<string, unknown> {
  return fn.stack.template.Resources?.[fn.logicalId]?.Properties ?? {};
}

/** The role's ARN when literal, else a stand-in named after the role's logical ID, as CloudFormation would name it. */
function roleArn(fn: FunctionInfo, role: unknown): string {
  const literal = evaluateString(role, parameterContext(fn.stack));
  if (literal !== undefined) {
    return literal;
  }
  const id = referencedLogicalId(role) ?? 'Role';
  return `arn:aws:iam::${fn.stack.account}:role/${`${fn.stack.stackName}-${id}`.slice(0, 64)}`;
}

/** A layer of the assembly, by its construct path: `arn:aws:lambda:<region>:<account>:layer:<name>:1`. */
function layerArn(fn: FunctionInfo, description: string): string {
  if (description.startsWith('arn:')) {
    return description;
  }
  const name = description.replace(/\/Resource$/, '').replace(/[^a-zA-Z0-9_-]/g, '-').slice(0, 64);
  return `arn:aws:lambda:${fn.stack.region}:${fn.stack.account}:layer:${name}:1`;
}

function layerSize(content: FunctionInfo['code']): number {
  return 'asset' in content ? assetFingerprint(content.asset.path).size : 0;
}

interface Fingerprint {
  readonly sha256: string;
  readonly size: number;
  readonly modified: Date;
}

const fingerprints = new Map<string, Fingerprint>();

/** SHA-256 (base64) of an asset's files, paths and contents; its size in bytes; when it was written. Cached per path: assets are immutable. */
function assetFingerprint(assetPath: string): Fingerprint {
  let known = fingerprints.get(assetPath);
  if (known === undefined) {
    const hash = createHash('sha256');
    let size = 0;
    const visit = (p: string, rel: string): void => {
      const stat = fs.lstatSync(p);
      if (stat.isDirectory()) {
        for (const entry of fs.readdirSync(p).sort()) {
          visit(path.join(p, entry), rel === '' ? entry : `${rel}/${entry}`);
        }
      } else if (stat.isFile()) {
        const content = fs.readFileSync(p);
        hash.update(`${rel}\0${content.length}\0`).update(content);
        size += content.length;
      }
    };
    visit(assetPath, '');
    known = { sha256: hash.digest('base64'), size, modified: fs.statSync(assetPath).mtime };
    fingerprints.set(assetPath, known);
  }
  return known;
}

/** Lambda's `LastModified` format: `2020-01-01T12:00:00.000+0000`. */
function lambdaTimestamp(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}

/** A stable UUID-shaped revision ID. */
function revisionId(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
