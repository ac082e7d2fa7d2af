#!/usr/bin/env node
// Proves the peer-dependency floor: checks that the aws-cdk-lib structs our structs extend have the
// same properties in the lowest aws-cdk-lib we claim to support as in the dev version (the Python,
// Java, .NET and Go bindings copy them from the dev version), type-checks src/ against it, and runs
// the construct tests (fine-grained assertions; snapshots are pinned to the dev version) against it.
// Usage: node scripts/test-min-cdk.js   (the version is the floor of package.json's peer range)
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const pkg = require(path.join(root, 'package.json'));
const version = pkg.peerDependencies['aws-cdk-lib'].replace(/^\^/, '');
const dir = path.join(root, '.tmp', 'min-cdk');
const libDir = path.join(dir, 'node_modules', 'aws-cdk-lib');
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });

fs.mkdirSync(dir, { recursive: true });
if (!fs.existsSync(libDir) || require(path.join(libDir, 'package.json')).version !== version) {
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'min-cdk', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--no-save', `aws-cdk-lib@${version}`, `constructs@${pkg.peerDependencies.constructs.replace(/^\^/, '')}`], { cwd: dir });
}
console.log(`aws-cdk-lib ${version}: comparing the structs our structs extend with the dev version's`);
checkInheritedStructs(path.join(root, 'node_modules', 'aws-cdk-lib', '.jsii.gz'), path.join(libDir, '.jsii.gz'));

console.log(`aws-cdk-lib ${version}: type-checking src/`);

const tsconfig = path.join(dir, 'tsconfig.json');
fs.writeFileSync(tsconfig, JSON.stringify({
  extends: path.join(root, 'tsconfig.dev.json'),
  compilerOptions: {
    noEmit: true,
    paths: { 'aws-cdk-lib': [libDir], 'aws-cdk-lib/*': [`${libDir}/*`] },
  },
  include: [path.join(root, 'src', '**', '*.ts')],
  exclude: [path.join(root, 'src', 'runner', '**')],
}));
run(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', tsconfig]);

console.log(`aws-cdk-lib ${version}: running the construct tests`);
const config = {
  rootDir: root,
  testMatch: ['<rootDir>/test/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', 'api-docs', 'examples', 'cdk-nag'],
  moduleNameMapper: { '^aws-cdk-lib$': libDir, '^aws-cdk-lib/(.*)$': `${libDir}/$1` },
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: path.join(root, 'tsconfig.dev.json'), diagnostics: false }] },
  testTimeout: 120000,
};
run(path.join(root, 'node_modules', '.bin', 'jest'), ['--ci', '--config', JSON.stringify(config), '-t', '^(?!.*snapshot)']);

/** Fails when a struct we extend has different properties in the floor version than in the dev version. */
function checkInheritedStructs(devAssemblyFile, minAssemblyFile) {
  const zlib = require('zlib');
  const load = (file) => JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString()).types;
  const dev = load(devAssemblyFile);
  const min = load(minAssemblyFile);
  const ours = JSON.parse(fs.readFileSync(path.join(root, '.jsii'), 'utf8')).types;
  const propertiesOf = (types, fqn) => {
    const t = types[fqn];
    if (!t) { return undefined; }
    return [...(t.properties ?? []).map(p => `${p.name}: ${JSON.stringify(p.type)}`), ...(t.interfaces ?? []).flatMap(i => propertiesOf(types, i) ?? [`missing ${i}`])];
  };
  const extended = new Set(Object.values(ours).filter(t => t.datatype).flatMap(t => t.interfaces ?? []).filter(f => f.startsWith('aws-cdk-lib.')));
  const problems = [];
  for (const fqn of extended) {
    const inMin = new Set(propertiesOf(min, fqn) ?? []);
    const differing = (propertiesOf(dev, fqn) ?? []).filter(p => !inMin.has(p));
    if (differing.length > 0) { problems.push(`${fqn}: ${differing.map(p => p.split(':')[0]).join(', ')}`); }
  }
  if (problems.length > 0) {
    console.error(`Structs we extend differ in aws-cdk-lib ${version}; the bindings would reference what it lacks:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`  ${[...extended].join(', ')}: identical`);
}
