/**
 * A small evaluator for CloudFormation values: enough to read what CDK writes
 * into a Lambda function's properties (`Ref`, `Fn::GetAtt`, `Fn::Join`,
 * `Fn::Select`, `Fn::Split`, `Fn::Sub`, pseudo parameters), locally.
 *
 * Everything that needs a deployed stack (a queue's ARN, an import, a
 * condition) is "unresolved": `evaluate` returns `undefined` for it.
 */

/** What a reference resolves to on this machine. */
export interface IntrinsicContext {
  /** `{ Ref: name }` for a resource or parameter of the template; `undefined` when it cannot be known locally. */
  ref(name: string): string | undefined;
  /** `{ 'Fn::GetAtt': [logicalId, attribute] }`; `undefined` when it cannot be known locally. */
  getAtt(logicalId: string, attribute: string): string | undefined;
}

/** A resolved value: a string, a number-like string, or a list of them. */
export type Resolved = string | Resolved[];

/**
 * Evaluates `value`; `undefined` when any part of it is unresolved.
 * Numbers and booleans come back as strings, as CloudFormation passes them to Lambda.
 */
export function evaluate(value: unknown, ctx: IntrinsicContext): Resolved | undefined {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (Array.isArray(value)) {
    const items: Resolved[] = [];
    for (const item of value) {
      const r = evaluate(item, ctx);
      if (r === undefined) {
        return undefined;
      }
      items.push(r);
    }
    return items;
  }
  if (value === null || typeof value !== 'object') {
    return undefined;
  }
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    return undefined;
  }
  const fn = keys[0];
  const arg = (value as Record<string, unknown>)[fn];
  switch (fn) {
    case 'Ref':
      return typeof arg === 'string' ? ctx.ref(arg) : undefined;
    case 'Fn::GetAtt': {
      const parts = typeof arg === 'string' ? splitOnce(arg, '.') : arg;
      if (!Array.isArray(parts) || parts.length !== 2) {
        return undefined;
      }
      const attr = evaluate(parts[1], ctx);
      return typeof parts[0] === 'string' && typeof attr === 'string' ? ctx.getAtt(parts[0], attr) : undefined;
    }
    case 'Fn::Join': {
      if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string') {
        return undefined;
      }
      const list = evaluate(arg[1], ctx);
      if (!Array.isArray(list) || list.some((x) => typeof x !== 'string')) {
        return undefined;
      }
      return list.join(arg[0]);
    }
    case 'Fn::Select': {
      if (!Array.isArray(arg) || arg.length !== 2) {
        return undefined;
      }
      const index = evaluate(arg[0], ctx);
      const list = evaluate(arg[1], ctx);
      if (typeof index !== 'string' || !Array.isArray(list)) {
        return undefined;
      }
      const i = Number(index);
      return Number.isInteger(i) && i >= 0 && i < list.length ? list[i] : undefined;
    }
    case 'Fn::Split': {
      if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string') {
        return undefined;
      }
      const source = evaluate(arg[1], ctx);
      return typeof source === 'string' ? source.split(arg[0]) : undefined;
    }
    case 'Fn::Sub':
      return evaluateSub(arg, ctx);
    case 'Fn::Base64': {
      const text = evaluate(arg, ctx);
      return typeof text === 'string' ? Buffer.from(text, 'utf8').toString('base64') : undefined;
    }
    default:
      // Fn::ImportValue, Fn::If, Fn::FindInMap, Fn::GetAZs, Fn::Cidr...: need a deployment.
      return undefined;
  }
}

/** `evaluate`, keeping only a string result. */
export function evaluateString(value: unknown, ctx: IntrinsicContext): string | undefined {
  const r = evaluate(value, ctx);
  return typeof r === 'string' ? r : undefined;
}

/** The logical ID a value refers to with `Ref` or `Fn::GetAtt` (any attribute), or `undefined`. */
export function referencedLogicalId(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return undefined;
  }
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') {
    return v.Ref;
  }
  const att = v['Fn::GetAtt'];
  if (Array.isArray(att) && typeof att[0] === 'string') {
    return att[0];
  }
  if (typeof att === 'string') {
    return splitOnce(att, '.')[0];
  }
  return undefined;
}

function evaluateSub(arg: unknown, ctx: IntrinsicContext): string | undefined {
  let template: unknown = arg;
  const vars: Record<string, string> = {};
  if (Array.isArray(arg)) {
    if (arg.length !== 2 || arg[1] === null || typeof arg[1] !== 'object') {
      return undefined;
    }
    template = arg[0];
    for (const [name, v] of Object.entries(arg[1] as Record<string, unknown>)) {
      const r = evaluate(v, ctx);
      if (typeof r !== 'string') {
        return undefined;
      }
      vars[name] = r;
    }
  }
  if (typeof template !== 'string') {
    return undefined;
  }
  let unresolved = false;
  const out = template.replace(/\$\{(!?)([^}]*)\}/g, (whole, bang: string, name: string) => {
    if (bang === '!') {
      return '${' + name + '}';
    }
    if (name in vars) {
      return vars[name];
    }
    const dot = name.indexOf('.');
    const r = dot > 0 && !name.startsWith('AWS::') ? ctx.getAtt(name.slice(0, dot), name.slice(dot + 1)) : ctx.ref(name);
    if (r === undefined) {
      unresolved = true;
      return whole;
    }
    return r;
  });
  return unresolved ? undefined : out;
}

function splitOnce(s: string, sep: string): string[] {
  const i = s.indexOf(sep);
  return i < 0 ? [s] : [s.slice(0, i), s.slice(i + 1)];
}
