#!/usr/bin/env node
// The README's demo: synthesize examples/, print what was built, then invoke its functions locally
// through the runner's CLI (a local Runtime API and Invoke API; no Docker, no AWS account): the
// greeter twice, then the report with --response-stream, printing each chunk as it arrives.
const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const outdir = path.join(root, 'examples', 'cdk.out');

console.log('1. Synthesizing examples/app.ts ...');
fs.rmSync(outdir, { recursive: true, force: true });
execFileSync(path.join(root, 'node_modules', '.bin', 'ts-node'), ['--project', 'tsconfig.dev.json', 'examples/app.ts'], {
  cwd: root, stdio: 'inherit', env: { ...process.env, CDK_OUTDIR: outdir },
});

const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
for (const [name, artifact] of Object.entries(manifest.artifacts)) {
  if (artifact.type !== 'aws:cloudformation:stack') { continue; }
  const template = JSON.parse(fs.readFileSync(path.join(outdir, artifact.properties.templateFile), 'utf8'));
  const counts = {};
  for (const resource of Object.values(template.Resources)) {
    counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
  }
  console.log(`\n   Stack ${name}: ${Object.keys(template.Resources).length} resources`);
  for (const [type, count] of Object.entries(counts).sort()) {
    console.log(`     ${String(count).padStart(2)} x ${type}`);
  }
}

const cli = path.join(root, 'lib', 'runner', 'cli.js');
const outfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'demo-')), 'response.json');
const invoke = (payload) => {
  const args = [cli, 'invoke', '--app', outdir, '--function-name', 'GreeterExample/Greeter', '--qualifier', 'live',
    '--log-type', 'Tail', '--quiet', '--payload', payload, outfile];
  console.log(`\n   $ cdk-custom-runtime ${args.slice(1).map(a => (/[\s{"]/.test(a) ? `'${a}'` : a)).join(' ').replace(root + path.sep, '')}`);
  const metadata = JSON.parse(execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }));
  const log = metadata.LogResult ? Buffer.from(metadata.LogResult, 'base64').toString('utf8') : '';
  delete metadata.LogResult;
  console.log(`   metadata: ${JSON.stringify(metadata)}`);
  console.log(`   response: ${fs.readFileSync(outfile, 'utf8')}`);
  console.log(`   log:\n${log.trimEnd().split('\n').map(l => `     | ${l}`).join('\n')}`);
};

console.log('\n2. Invoking the greeter through its alias "live", locally ...');
invoke('{"name":"world"}');
console.log('\n3. And an event the handler refuses (a function error is still StatusCode 200) ...');
invoke('{"nobody":true}');

console.log('\n4. Streaming: the report function prints a line per step, 300 ms apart; each arrives as it is printed ...');
const streamArgs = [cli, 'invoke', '--app', outdir, '--function-name', 'GreeterExample/Report', '--qualifier', 'live',
  '--response-stream', '--quiet', '-'];
console.log(`\n   $ cdk-custom-runtime ${streamArgs.slice(1).join(' ').replace(root + path.sep, '')}`);
const started = Date.now();
const child = spawn(process.execPath, streamArgs, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
let received = '';
let pending = '';
let previous;
child.stdout.on('data', (data) => {
  received += data.toString('utf8');
  pending += data.toString('utf8');
  // The chunks come first, each as the handler prints it; the summary (InvokeComplete) once the stream has ended.
  const lines = pending.split('\n');
  pending = lines.pop();
  for (const line of lines.filter((l) => l.startsWith('step '))) {
    const now = Date.now() - started;
    const gap = previous === undefined ? '(CLI start, runtime init and the first step)' : `(${now - previous} ms after the last one)`;
    console.log(`   +${String(now).padStart(5)} ms  ${line}  ${gap}`);
    previous = now;
  }
});
child.on('close', (code) => {
  if (code !== 0) {
    console.error(`   the streaming invocation failed (exit status ${code})`);
    process.exitCode = 1;
    return;
  }
  const summary = JSON.parse(received.slice(received.indexOf('{')));
  console.log(`   metadata: ${JSON.stringify(summary)}`);
});
