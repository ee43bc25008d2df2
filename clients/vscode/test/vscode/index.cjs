// index.cjs: the extensionTestsPath entry. VS Code's extension host
// require()s it and awaits run(); the suite's outcome is also written to
// the result file named in the test config, which is what the driver
// (test/e2e/run.mjs) waits for: a browser-hosted workbench has no process
// exit code to hand back.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

exports.run = async function run() {
  const cfg = JSON.parse(fs.readFileSync(process.env.KONNECT_VSCODE_TEST, 'utf8'));
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  mocha.addFile(path.join(__dirname, 'commands.test.cjs'));
  const failures = [];
  const passes = [];
  await new Promise((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', (t) => passes.push(t.fullTitle()));
    runner.on('fail', (t, err) => failures.push({ title: t.fullTitle(), error: String(err && err.stack || err).slice(0, 2000) }));
  });
  fs.writeFileSync(cfg.result, JSON.stringify({ passes, failures, vscode: require('vscode').version }, null, 2));
  if (failures.length) throw new Error(`${failures.length} extension-host test(s) failed`);
};
