#!/usr/bin/env node
// Proves the peer-dependency floor: type-checks src/ against the lowest aws-cdk-lib we claim to
// support and runs the construct tests (fine-grained assertions; snapshots are pinned to the dev
// version) against it.
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
