/**
 * The README against the project: every version it names matches package.json and .projenrc.ts, and every
 * command of its ```sh blocks is run, here, by the demo or by CI. A command added to the README without a
 * place that runs it fails the coverage test.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pythonVenv } from './python-venv';
import { removeTempDirs, tempDir } from './runner/assembly';
import { runCli, startServe } from './runner/cli-process';

const ROOT = path.join(__dirname, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const PROJENRC = fs.readFileSync(path.join(ROOT, '.projenrc.ts'), 'utf8');

/** The commands of the README's ```sh blocks: continuation lines joined, comments and blank lines dropped. */
export function readmeCommands(readme: string): string[] {
  const blocks = [...readme.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  return blocks.flatMap((block) => block.replace(/\\\n\s*/g, '').split('\n'))
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** A command line split as the shell would, for the quoting the README uses (single quotes). */
function argv(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

/** Where each README command runs. `here` names the test of this file that runs it. */
const COVERAGE: { command: RegExp; here?: string; runBy?: string }[] = [
  { command: /^npm ci && npx projen demo$/, runBy: '.ci/run, after the test command (scripts/demo.js through the demo task)' },
  { command: /^npm ci && npx projen test:all$/, runBy: '.ci/run' },
  { command: /^npm install cdk-custom-runtime$/, runBy: 'the registry install a user makes; not run offline (the package is built by `npx projen build`)' },
  { command: /^npx cdk synth$/, here: 'the local runner section runs as written' },
  { command: /^npx cdk-custom-runtime invoke /, here: 'the local runner section runs as written' },
  { command: /^npx cdk-custom-runtime serve /, here: 'the local runner section runs as written' },
  { command: /^printf '[^']*' > event\.json$/, here: 'the local runner section runs as written' },
  { command: /^aws lambda invoke --endpoint-url \S+ --no-sign-request /, here: 'the local runner section runs as written' },
  { command: /^aws lambda list-functions --endpoint-url \S+ --no-sign-request$/, here: 'the local runner section runs as written' },
  { command: /^npx cdk-custom-runtime event /, here: 'the local runner section runs as written' },
];

afterAll(() => removeTempDirs());

describe('the README names the versions the project uses', () => {
  const constant = (name: string) => new RegExp(`const ${name} = '([^']+)'`).exec(PROJENRC)![1];
  const min = constant('MIN_CDK_VERSION');
  const dev = constant('DEV_CDK_VERSION');

  test('the aws-cdk-lib floor and dev version match .projenrc.ts and package.json, wherever the README names one', () => {
    expect(PACKAGE.peerDependencies['aws-cdk-lib']).toBe(`^${min}`);
    expect(PACKAGE.devDependencies['aws-cdk-lib']).toBe(dev);
    expect(README).toContain(`aws-cdk-lib \`^${min}\``);
    const named = [...README.matchAll(/aws-cdk-lib[^.\n]{0,40}?\b(\d+\.\d+\.\d+)/g)].map((m) => m[1]);
    const elsewhere = [...README.matchAll(/\b(2\.\d{3}\.\d+)\b/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    for (const version of [...named, ...elsewhere]) {
      expect([min, dev]).toContain(version);
    }
  });

  test('constructs, cdk-nag and integ-runner as in package.json', () => {
    expect(README).toContain(`\`constructs\` \`${PACKAGE.peerDependencies.constructs}\``);
    const nagMajor = /cdk-nag (\d+)\.x/.exec(README)![1];
    expect(PACKAGE.devDependencies['cdk-nag']).toMatch(new RegExp(`^\\^?${nagMajor}\\.`));
    for (const [, version] of README.matchAll(/integ-runner[@ ](\d+\.\d+\.\d+)/g)) {
      expect(PACKAGE.devDependencies['@aws-cdk/integ-runner']).toBe(version);
    }
  });

  test('the Node.js floor is one the toolchain supports', () => {
    const floor = Number(/Node\.js (\d+)\+/.exec(README)![1]);
    const typesNode = Number(/(\d+)/.exec(PACKAGE.devDependencies['@types/node'] ?? `${floor}`)![1]);
    expect(floor).toBeLessThanOrEqual(Number(process.versions.node.split('.')[0]));
    expect(typesNode).toBeGreaterThanOrEqual(floor);
  });
});

describe('every command the README shows is run', () => {
  const commands = readmeCommands(README);
  let awsBin: string;
  // The AWS CLI v1 from PyPI, in a virtual environment (minutes on first use).
  beforeAll(() => { awsBin = pythonVenv('awscli', 'test/requirements/awscli.txt'); }, 600_000);

  test('each command has a place that runs it', () => {
    expect(commands.length).toBeGreaterThanOrEqual(8);
    const uncovered = commands.filter((c) => !COVERAGE.some((entry) => entry.command.test(c)));
    expect(uncovered).toEqual([]);
  });

  test('CI runs the README\'s test command exactly', () => {
    const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
    expect(ci.split('\n')).toContain(commands.find((c) => c.endsWith('test:all')));
    expect(ci.split('\n')).toContain('npx projen demo'); // the README's first command, after the npm ci above
    expect(PACKAGE.scripts.demo ?? '').toBe('projen demo');
  });

  test('the local runner section runs as written: cdk synth, invoke, serve, and the AWS CLI v1 with --no-sign-request', async () => {
    const find = (prefix: string) => argv(commands.find((c) => c.startsWith(prefix))!);
    const work = tempDir('readme-');
    // The README's app is the examples/ greeter: its stack is GreeterExample, not MyStack.
    const rename = (args: string[]) => args.map((a) => a.replace('MyStack/', 'GreeterExample/'));

    // npx cdk synth (into the work directory, where the next commands run)
    expect(find('npx cdk synth')).toEqual(['npx', 'cdk', 'synth']);
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--output', path.join(work, 'cdk.out')],
      { cwd: path.join(ROOT, 'examples'), stdio: 'pipe', env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' } });

    // npx cdk-custom-runtime invoke ... response.json
    const invoke = rename(find('npx cdk-custom-runtime invoke')).slice(2);
    const invoked = await runCli(invoke, { cwd: work });
    expect(invoked.status).toBe(0);
    expect(JSON.parse(invoked.stdout)).toMatchObject({ StatusCode: 200, ExecutedVersion: '1' });
    expect(fs.readFileSync(path.join(work, 'response.json'), 'utf8')).toBe('{"message":"Hello, Ada!"}');

    // npx cdk-custom-runtime serve --port 3001 (on a free port here), then the AWS CLI against it
    expect(find('npx cdk-custom-runtime serve')).toEqual(['npx', 'cdk-custom-runtime', 'serve', '--port', '3001', '--watch']);
    // No credentials anywhere: --no-sign-request is what lets the CLI call at all.
    const awsEnv = { PATH: process.env.PATH, HOME: work, AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
    const serve = await startServe(['--app', path.join(work, 'cdk.out'), '--watch', '--quiet']);
    try {
      const aws = find('aws lambda invoke').map((a) => a.replace('http://127.0.0.1:3001', serve.url));
      expect(aws).toContain('--no-sign-request');
      fs.rmSync(path.join(work, 'response.json'));
      execFileSync('bash', ['-c', commands.find((c) => c.startsWith('printf '))!], { cwd: work });
      const printed = execFileSync(path.join(awsBin, 'aws'), aws.slice(1), {
        cwd: work,
        encoding: 'utf8',
        env: awsEnv,
      });
      expect(JSON.parse(printed)).toMatchObject({ StatusCode: 200, ExecutedVersion: '1' });
      expect(fs.readFileSync(path.join(work, 'response.json'), 'utf8')).toBe('{"message":"Hello, Ada!"}');

      const list = find('aws lambda list-functions').map((a) => a.replace('http://127.0.0.1:3001', serve.url));
      const listed = JSON.parse(execFileSync(path.join(awsBin, 'aws'), list.slice(1), { cwd: work, encoding: 'utf8', env: awsEnv }));
      // The example's two functions: the greeter and the report, which streams (the demo's last step).
      expect(listed.Functions).toEqual(expect.arrayContaining([
        expect.objectContaining({ FunctionName: expect.stringMatching(/Greeter/), Runtime: 'provided.al2023' }),
        expect.objectContaining({ FunctionName: expect.stringMatching(/Report/), Runtime: 'provided.al2023' }),
      ]));
      expect(listed.Functions).toHaveLength(2);
    } finally {
      await serve.stop();
    }

    // npx cdk-custom-runtime event schedule ... > event.json, then the second invoke reads it
    const [eventLine, eventInvokeLine] = commands.filter((c) => c.startsWith('npx cdk-custom-runtime event ') || c.includes('file://event.json'));
    const [eventArgs, redirect] = eventLine.split(' > ');
    const event = await runCli(rename(argv(eventArgs)).slice(2), { cwd: work });
    expect(event.status).toBe(0);
    fs.writeFileSync(path.join(work, redirect.trim()), event.stdout);
    const fromEvent = await runCli(rename(argv(eventInvokeLine)).slice(2), { cwd: work });
    expect(JSON.parse(fromEvent.stdout)).toMatchObject({ StatusCode: 200, ExecutedVersion: '1' });
    expect(fs.readFileSync(path.join(work, 'response.json'), 'utf8')).toBe('{"message":"Hello, night shift!"}');
  }, 300_000);
});
