#!/usr/bin/env node
// Checks that jsii-pacmak generated a binding for every exported type, in every language.
// Usage: node scripts/check-bindings.js <bindings dir>
const fs = require('fs');
const path = require('path');

const outdir = process.argv[2];
const assembly = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '.jsii'), 'utf8'));
const names = Object.values(assembly.types).map(t => t.name);

function listFiles(dir) {
  if (!fs.existsSync(dir)) { return []; }
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]);
}

/** Where each language keeps its sources, and how a type shows up in them. */
const languages = {
  python: { files: /\.py$/, declares: n => new RegExp(`^class ${n}\\b`, 'm') },
  java: { files: /\.java$/, declares: n => new RegExp(`\\b(class|interface|enum) ${n}\\b`) },
  dotnet: { files: /\.cs$/, declares: n => new RegExp(`\\b(class|interface|enum) I?${n}\\b`) },
  go: { files: /\.go$/, declares: n => new RegExp(`^type ${n}\\b`, 'm') },
};

let failed = false;
for (const [language, { files, declares }] of Object.entries(languages)) {
  const sources = listFiles(path.join(outdir, language)).filter(f => files.test(f)).map(f => fs.readFileSync(f, 'utf8'));
  const missing = names.filter(n => !sources.some(s => declares(n).test(s)));
  if (sources.length === 0 || missing.length > 0) {
    failed = true;
    console.error(`${language}: ${sources.length === 0 ? 'no sources generated' : `missing ${missing.join(', ')}`}`);
  } else {
    console.log(`${language}: ${names.length} types generated`);
  }
}
process.exit(failed ? 1 : 0);
