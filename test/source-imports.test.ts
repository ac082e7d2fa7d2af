import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const SRC = path.join(__dirname, '..', 'src');
const PRIVATE = path.join(SRC, 'private');

/** One relative import of a module in src/: the module it names, and whether it takes types only. */
interface SourceImport {
  readonly target: string;
  readonly typeOnly: boolean;
}

/** Every .ts file under `dir`, as absolute paths. */
function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) { return sourceFiles(file); }
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [file] : [];
  });
}

/** The module file a relative specifier names: `./x` is `x.ts` or `x/index.ts`. */
function resolveModule(from: string, specifier: string): string {
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [`${base}.ts`, path.join(base, 'index.ts')];
  const found = candidates.find(c => fs.existsSync(c));
  if (!found) { throw new Error(`${path.relative(SRC, from)} imports ${specifier}, which is no module of src/`); }
  return found;
}

/** The relative imports and re-exports of one file, with `import type` (or all-type specifiers) marked. */
function importsOf(file: string): SourceImport[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  return source.statements.flatMap((statement): SourceImport[] => {
    if (!(ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) || !statement.moduleSpecifier) { return []; }
    const specifier = (statement.moduleSpecifier as ts.StringLiteral).text;
    if (!specifier.startsWith('.')) { return []; }
    return [{ target: resolveModule(file, specifier), typeOnly: isTypeOnly(statement) }];
  });
}

function isTypeOnly(statement: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(statement)) { return statement.isTypeOnly; }
  const clause = statement.importClause;
  if (!clause) { return false; } // `import './x'` runs the module
  if (clause.isTypeOnly) { return true; }
  const bindings = clause.namedBindings;
  return clause.name === undefined && bindings !== undefined && ts.isNamedImports(bindings)
    && bindings.elements.length > 0 && bindings.elements.every(e => e.isTypeOnly);
}

/**
 * The cycles a depth-first search of a directed graph meets (at least one in every part that has any), each as the
 * path that closes it (`a -> b -> a`).
 */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const visit = (node: string, stack: string[]) => {
    const at = stack.indexOf(node);
    if (at >= 0) {
      cycles.push([...stack.slice(at), node]);
      return;
    }
    if (seen.has(node)) { return; }
    seen.add(node);
    for (const next of graph.get(node) ?? []) { visit(next, [...stack, node]); }
  };
  for (const node of graph.keys()) { visit(node, []); }
  return cycles;
}

const files = sourceFiles(SRC);
const imports = new Map(files.map(file => [file, importsOf(file)]));
const relative = (file: string) => path.relative(SRC, file);

describe('the modules of src/', () => {
  test('import one another without a cycle, counting type-only imports', () => {
    const graph = new Map([...imports].map(([file, deps]) => [relative(file), deps.map(d => relative(d.target))]));
    expect(findCycles(graph).map(cycle => cycle.join(' -> '))).toEqual([]);
  });

  test('under private/ take nothing but types from the public modules', () => {
    const valueImports = [...imports]
      .filter(([file]) => file.startsWith(PRIVATE + path.sep))
      .flatMap(([file, deps]) => deps
        .filter(d => !d.typeOnly && !d.target.startsWith(PRIVATE + path.sep))
        .map(d => `${relative(file)} imports ${relative(d.target)}`));
    expect(valueImports).toEqual([]);
  });

  test('are all seen: the public barrel, the private modules and the runner', () => {
    expect(files.map(relative)).toEqual(expect.arrayContaining(['index.ts', 'custom-runtime-function.ts', path.join('private', 'function-validation.ts'), path.join('runner', 'cli.ts')]));
    expect(imports.get(path.join(SRC, 'custom-runtime-function.ts'))).toContainEqual({ target: path.join(PRIVATE, 'function-validation.ts'), typeOnly: false });
    expect(imports.get(path.join(PRIVATE, 'deployment-group.ts'))).toContainEqual({ target: path.join(SRC, 'deployment.ts'), typeOnly: true });
  });
});

describe('the cycle search', () => {
  test('finds a two-module cycle, a longer one, and a self-import; a diamond is no cycle', () => {
    expect(findCycles(new Map([['a', ['b']], ['b', ['a']]]))).toEqual([['a', 'b', 'a']]);
    expect(findCycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['d']]]))).toEqual([['a', 'b', 'c', 'a'], ['d', 'd']]);
    expect(findCycles(new Map([['a', ['b', 'c']], ['b', ['d']], ['c', ['d']], ['d', []]]))).toEqual([]);
  });
});
