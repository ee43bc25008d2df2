// A daemon that cannot start (konnectd.path wrong, or not a program) is
// reported with what to do next, in a message and the status bar; fixing
// the setting connects without a reload or another command.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { vscode, until } = require('../support/stubbed');
const { startWorld, assertNoSecret, konnectdBinary } = require('../support/world');

const { ui } = vscode;
let world;
let api;
const subscriptions = [];

before(async () => {
  world = await startWorld();
  ui.settings['konnectd.path'] = path.join(world.dir, 'no-such-konnectd');
  ui.settings['konnectd.args'] = world.daemonArgs;
  const ext = require(path.resolve(__dirname, '../../dist/extension.js'));
  api = ext.activate(vscode.testContext(subscriptions));
});

after(() => {
  subscriptions.forEach((d) => d.dispose());
  world?.stop();
  assertNoSecret(ui.output.join('\n') + ui.messages.map((m) => m.text).join('\n'), 'the output channel or a notification');
});

test('a konnectd.path that does not exist: the message says to install konnectd or set konnectd.path', async () => {
  const err = await until('an error message', () => ui.messages.find((m) => m.level === 'error'));
  assert.match(err.text, /cannot find the konnectd binary ".*no-such-konnectd": install konnectd or set "konnect\.path"/);
  assert.deepEqual(err.items, ['Open Settings', 'Show Log']);
  assert.match(api.status.item.text, /warning/);
  assert.match(api.status.item.tooltip, /konnect\.path/);
  // A command run meanwhile says the same, instead of hanging.
  const res = await vscode.commands.executeCommand('konnect.whoAmI');
  assert.match(res.error, /install konnectd or set "konnect\.path"/);
  // …with a button that fixes it, not only "Show Log".
  assert.deepEqual(ui.messages.at(-1).items, ['Open Settings', 'Show Log']);
  assert.equal(ui.context['konnect.daemonReady'], false, 'the palette hides what cannot work');
  assert.match(api.status.item.tooltip, /konnect\.path/, 'the status bar does not spin forever');
});

test('a konnectd.path that is not executable: the message says so and what to do', async () => {
  const notExec = path.join(world.dir, 'konnectd-not-executable');
  fs.writeFileSync(notExec, 'not a program\n', { mode: 0o644 });
  await vscode.workspace.getConfiguration('konnectd').update('path', notExec);
  await until('the status bar', () => /permission denied/.test(api.status.item.tooltip));
  assert.match(api.status.item.tooltip, /point "konnect\.path" at the konnectd binary, or make it executable/);
});

test('fixing konnectd.path connects at once: the status bar shows the profile', async () => {
  await vscode.workspace.getConfiguration('konnectd').update('path', konnectdBinary());
  const st = await until('the first status', () => api.status.last);
  assert.equal(st.profile, 'default');
  assert.match(api.status.item.text, /default: signed out/);
});
