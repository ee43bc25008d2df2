// Tier 1: a token's expiry in VS Code. The status bar turns to a warning
// when the profile's token expires within a week (from the daemon's record
// of it, auth/status's stored.expires_at), and the daemon's expiry watch
// (token/expiring, each threshold once) becomes a notification with a
// Rotate Token button. The daemon runs with its test clock, so days pass
// without waiting.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { vscode, until } = require('../support/stubbed');
const { startWorld, assertNoSecret, konnectdBinary } = require('../support/world');

const { ui } = vscode;
let world;
let api;
const subscriptions = [];

function run(id, ...args) {
  return vscode.commands.executeCommand(id, ...args);
}

before(async () => {
  world = await startWorld();
  ui.settings['konnectd.path'] = konnectdBinary();
  ui.settings['konnectd.args'] = [...world.daemonArgs, '--test-clock'];
  const ext = require(path.resolve(__dirname, '../../dist/extension.js'));
  api = ext.activate(vscode.testContext(subscriptions));
  await until('status', () => api.status.last);
  const res = await run('konnect.signIn', { token: world.adminPAT });
  assert.equal(res.profile, 'default', JSON.stringify(res));
});

after(async () => {
  await run('konnect.signOut', { confirm: true });
  subscriptions.forEach((d) => d.dispose());
  world?.stop();
  assertNoSecret(ui.output.join('\n'), 'the Konnect output channel');
  assertNoSecret(ui.messages.map((m) => `${m.text} ${m.detail ?? ''}`).join('\n'), 'a notification');
  assertNoSecret(vscode.statusItems.map((i) => `${i.text} ${i.tooltip}`).join('\n'), 'the status bar');
});

test('signed in with a token that expires in 3 days: the status bar warns and says when', async () => {
  // Stored as the profile's credential by the daemon: its record knows the
  // expiry (a token pasted at Sign In may not be matched to its record).
  await api.daemon.request('token/createPersonal', { name: 'short-lived', expiresIn: '3d', store: { profile: 'default', replace: true } });
  await run('konnect.switchProfile', { profile: 'default' });
  const st = await until('the record of the new credential', () => api.status.last?.stored?.expires_at && api.status.last);
  assert.equal(st.authenticated, true);
  assert.match(api.status.item.text, /^\$\(warning\) default · .* · expires in [23] days$/);
  assert.match(api.status.item.tooltip, /Rotate Token/);
  assert.ok(api.status.item.backgroundColor, 'the warning look');
});

test('the expiry watch crossing 7 days left is one notification with Rotate Token', async () => {
  await api.daemon.request('token/createPersonal', { name: 'month', expiresIn: '30d', store: { profile: 'default', replace: true } });
  await run('konnect.switchProfile', { profile: 'default' });
  await until('signed in, no warning yet', () => api.status.last?.stored?.expires_at && !/warning/.test(api.status.item.text));
  const said = () => ui.messages.filter((m) => m.level === 'warn' && m.items?.includes('Rotate Token'));
  assert.equal(said().length, 0);
  await api.daemon.request('test/clock', { advance: `${24 * 24}h` }); // 24 days on: 6 left
  await until('the notification', () => said().length === 1, 30_000);
  assert.match(said()[0].text, /^Konnect: /);
  assert.ok(ui.output.some((l) => /token expiring/.test(l)), 'the log has it');
});
