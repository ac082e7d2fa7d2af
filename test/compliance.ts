/**
 * The compliance gates beyond cdk-nag, each returning its findings as one "<rule> <template>/<where>: <message>" line
 * per finding, so a test that expects none lists every one that appears:
 *
 * - AWS Control Tower's proactive controls, through `@cdklabs/cdk-validator-cfnguard` (the controls' Guard rules and
 *   the cfn-guard binary);
 * - Checkov and cfn-lint, from the pinned virtual environment `.venv/compliance`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, IPolicyValidationContextBeta1, Stack } from 'aws-cdk-lib';
import { pythonVenv } from './python-venv';

/** A fresh directory for an app's cloud assembly. */
export function assemblyDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'compliance-'));
}

/** Synthesizes the app and returns the template files of the given stacks. */
export function synthTemplates(app: App, ...stacks: Stack[]): string[] {
  const assembly = app.synth();
  return stacks.map(stack => path.join(assembly.directory, assembly.getStackArtifact(stack.artifactId).templateFile));
}

function templateName(file: string): string {
  return path.basename(file).replace(/\.template\.json$/, '');
}

/** Control Tower controls the templates fail, as "CT.<SERVICE>.PR.<n> <template>/<logical ID>: <control>" lines. */
export function controlTowerFindings(templates: string[]): string[] {
  const context: IPolicyValidationContextBeta1 = { templatePaths: templates };
  const report = new CfnGuardValidator().validate(context);
  return report.violations.flatMap(violation => {
    const [, control, title] = /^\[([^\]]+)\]:\s*(.*)$/.exec(violation.description) ?? [undefined, violation.ruleName, violation.description];
    return violation.violatingResources.map(r => `${control} ${templateName(r.templatePath)}/${r.resourceLogicalId}: ${title}`);
  }).sort();
}

/** Creates `.venv/compliance` when missing or stale: several minutes the first time, so call it from `beforeAll` with {@link VENV_TIMEOUT}. */
export function complianceTools(): string {
  return pythonVenv('compliance', 'test/requirements/compliance.txt');
}

/** How long the first install of Checkov and cfn-lint may take on a slow machine. */
export const VENV_TIMEOUT = 20 * 60_000;

function compliancePythonTool(tool: string): string {
  return path.join(complianceTools(), tool);
}

function run(tool: string, args: string[]): string {
  const result = spawnSync(compliancePythonTool(tool), args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    // No network: Checkov would otherwise fetch its guideline links from Prisma Cloud.
    env: { ...process.env, BC_SKIP_MAPPING: 'TRUE' },
  });
  if (result.error) { throw result.error; }
  if (!result.stdout.trim().startsWith('[') && !result.stdout.trim().startsWith('{')) {
    throw new Error(`${tool} ${args.join(' ')} exited with ${result.status} and no JSON report:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

interface CheckovCheck {
  readonly check_id: string;
  readonly check_name: string;
  readonly file_path: string;
  readonly resource: string;
  readonly check_result: { readonly suppress_comment?: string };
}

interface CheckovReport {
  readonly results: {
    readonly passed_checks?: CheckovCheck[];
    readonly failed_checks?: CheckovCheck[];
    readonly skipped_checks?: CheckovCheck[];
    readonly parsing_errors?: string[];
  };
}

/**
 * What Checkov reports on the templates: passed and failed checks (unparsable files among them), and skipped checks
 * with the reason the resource's metadata gives.
 */
export function checkovReport(templates: string[]): { passed: string[]; failed: string[]; skipped: string[] } {
  const output = JSON.parse(run('checkov', [
    '--framework', 'cloudformation', '--output', 'json', '--compact', '--skip-download',
    ...templates.flatMap(t => ['--file', t]),
  ]));
  // One framework prints one report; a run that found no resource prints only a summary.
  const reports: CheckovReport[] = (Array.isArray(output) ? output : [output]).filter(r => r.results);
  const line = (c: CheckovCheck) => `${c.check_id} ${templateName(c.file_path)}/${c.resource}: ${c.check_name}`;
  const parsingErrors = reports.flatMap(r => r.results.parsing_errors ?? []).map(f => `parsing error ${f}`);
  return {
    passed: reports.flatMap(r => r.results.passed_checks ?? []).map(line).sort(),
    failed: [...parsingErrors, ...reports.flatMap(r => r.results.failed_checks ?? []).map(line)].sort(),
    skipped: reports.flatMap(r => r.results.skipped_checks ?? [])
      .map(c => `${c.check_id} ${templateName(c.file_path)}/${c.resource}: ${c.check_result.suppress_comment}`).sort(),
  };
}

/** Checkov's failed checks on the templates. */
export function checkovFindings(templates: string[]): string[] {
  return checkovReport(templates).failed;
}

interface CfnLintMatch {
  readonly Level: string;
  readonly Rule: { readonly Id: string };
  readonly Filename: string;
  readonly Location: { readonly Path?: (string | number)[] };
  readonly Message: string;
}

/** cfn-lint's errors, warnings and informational findings on the templates. */
export function cfnLintFindings(templates: string[]): string[] {
  const matches: CfnLintMatch[] = JSON.parse(run('cfn-lint', ['--format', 'json', '--', ...templates]));
  return matches.map(m => `${m.Rule.Id} (${m.Level}) ${templateName(m.Filename)}/${(m.Location.Path ?? []).join('/')}: ${m.Message}`).sort();
}

/** The committed integ-test snapshots' templates. */
export function integSnapshotTemplates(): string[] {
  const testDir = __dirname;
  return fs.readdirSync(testDir).filter(d => d.endsWith('.snapshot')).sort()
    .flatMap(d => fs.readdirSync(path.join(testDir, d)).filter(f => f.endsWith('.template.json')).sort().map(f => path.join(testDir, d, f)));
}

/**
 * The templates the unit tests keep as jest snapshots (`test/__snapshots__/*.snap`), written out as template files
 * into `dir`, one per snapshot, named after the test file and the snapshot's position.
 */
export function jestSnapshotTemplates(dir: string): string[] {
  const snapshotDir = path.join(__dirname, '__snapshots__');
  return fs.readdirSync(snapshotDir).filter(f => f.endsWith('.snap')).sort().flatMap(file => {
    const snapshots: Record<string, string> = {};
    new Function('exports', fs.readFileSync(path.join(snapshotDir, file), 'utf8'))(snapshots);
    const templates = Object.keys(snapshots).sort().map(name => snapshots[name]).filter(text => text.includes('"Resources"'));
    return templates.map((text, i) => {
      const out = path.join(dir, `${file.replace(/\.test\.ts\.snap$/, '')}-${i + 1}.template.json`);
      // The snapshots' placeholders (test/util.ts snapshotOf) back to values of the right form.
      const template = text.replace(/\[VERSION HASH\]/g, 'VersionHash').replace(/\[HASH REMOVED\]/g, '0'.repeat(64));
      fs.writeFileSync(out, JSON.stringify(parsePrettyFormat(template), undefined, 1));
      return out;
    });
  });
}

/**
 * Jest prints a template as JSON with trailing commas and strings unescaped, one value per line:
 * re-escape each string and drop the trailing commas.
 */
function parsePrettyFormat(text: string): unknown {
  const json = text.split('\n').map(line => {
    const value = /^(\s*)("[^"]*": )?"(.*)"(,?)$/.exec(line);
    return value ? `${value[1]}${value[2] ?? ''}${JSON.stringify(value[3])}${value[4]}` : line;
  }).join('\n');
  return JSON.parse(json.replace(/,(\s*[}\]])/g, '$1'));
}
