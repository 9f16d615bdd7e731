#!/usr/bin/env node
// Compares our DSL→JSON output (written by `authz dsl-export`, i.e. DslFidelity.ExportModels) with the
// official @openfga/syntax-transformer on every model of an OpenFGA conformance file.
// Usage: node compare.js <conformance.yaml> <our-models.json>
// Prints each mismatch and, last, "N passed, M failed"; exits 1 on any mismatch.
'use strict';

const fs = require('fs');
const YAML = require('yaml');
const { transformer } = require('@openfga/syntax-transformer');

// Same key rule as DslFidelity.Key: "name/stage", repeated names get "(2)", "(3)"...
function key(name, occurrence, stage) {
  return (occurrence <= 1 ? name : `${name}(${occurrence})`) + '/' + stage;
}

// Deep equality that ignores object key order (array order matters, as in the API).
function deepEqual(a, b) {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return deepEqual(ka, kb) && ka.every((k) => deepEqual(a[k], b[k]));
}

function main(argv) {
  if (argv.length !== 2) {
    console.error('usage: node compare.js <conformance.yaml> <our-models.json>');
    return 2;
  }
  const tests = YAML.parse(fs.readFileSync(argv[0], 'utf8')).tests || [];
  const ours = JSON.parse(fs.readFileSync(argv[1], 'utf8'));
  const seen = new Map();
  let passed = 0;
  let failed = 0;
  for (const test of tests) {
    seen.set(test.name, (seen.get(test.name) || 0) + 1);
    (test.stages || []).forEach((stage, index) => {
      const k = key(test.name, seen.get(test.name), index);
      let expected;
      try {
        expected = transformer.transformDSLToJSONObject(stage.model);
      } catch (e) {
        expected = { error: String(e.message || e) };
      }
      const actual = ours[k];
      const bothFailed = expected && expected.error !== undefined && actual && actual.error !== undefined;
      if (bothFailed || deepEqual(expected, actual)) {
        passed++;
      } else {
        failed++;
        console.log(`MISMATCH ${k}`);
        console.log(`  official: ${JSON.stringify(expected)}`);
        console.log(`  ours:     ${JSON.stringify(actual)}`);
      }
    });
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
