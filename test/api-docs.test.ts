import * as fs from 'fs';
import * as path from 'path';

/**
 * Construct Hub lists the API from the jsii assembly: every exported element must say what it is,
 * and every optional property what happens when it is left out.
 */
const ASSEMBLY = path.join(__dirname, '..', '.jsii');

interface Docs { summary?: string; default?: string; deprecated?: string }
interface Member { name: string; docs?: Docs; optional?: boolean; parameters?: Member[]; locationInModule?: unknown }

function undocumented(): string[] {
  const assembly = JSON.parse(fs.readFileSync(ASSEMBLY, 'utf8'));
  const problems: string[] = [];
  for (const type of Object.values<any>(assembly.types)) {
    if (!type.docs?.summary) { problems.push(`${type.fqn}: no summary`); }
    for (const prop of (type.properties ?? []) as Member[]) {
      if (!prop.docs?.summary) { problems.push(`${type.fqn}.${prop.name}: no summary`); }
      if (prop.optional && type.datatype && prop.docs?.default === undefined) { problems.push(`${type.fqn}.${prop.name}: optional without @default`); }
    }
    for (const method of [...(type.methods ?? []), ...(type.initializer ? [{ ...type.initializer, name: '<initializer>' }] : [])] as Member[]) {
      if (method.name !== '<initializer>' && !method.docs?.summary) { problems.push(`${type.fqn}.${method.name}(): no summary`); }
      for (const parameter of method.parameters ?? []) {
        if (['scope', 'id', 'props'].includes(parameter.name) && method.name === '<initializer>') { continue; }
        if (!parameter.docs?.summary) { problems.push(`${type.fqn}.${method.name}(${parameter.name}): no summary`); }
      }
    }
  }
  return problems;
}

/** The number of documented elements, for the release notes. */
function documentedCount(): number {
  const assembly = JSON.parse(fs.readFileSync(ASSEMBLY, 'utf8'));
  return Object.values<any>(assembly.types).reduce((n, t) =>
    n + 1 + (t.properties?.length ?? 0) + (t.methods?.length ?? 0), 0);
}

describe('API documentation', () => {
  test('the assembly exists (run `npx projen compile` first)', () => {
    expect(fs.existsSync(ASSEMBLY)).toBe(true);
  });

  test('every exported type, property, method and parameter is documented; optional props have @default', () => {
    expect(undocumented()).toEqual([]);
    expect(documentedCount()).toBeGreaterThan(10);
  });
});
