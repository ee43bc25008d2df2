// Tier 1: a secret the daemon could only hand back in an error is handed
// to the user, never dropped. The emulator commits every revoke and then
// hangs up (--fault-drop-after-commit), so a rotation's last step fails
// after the new token exists: the -32011 reply carries its only copy
// (data.secretIncluded), and the extension asks where it goes.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { vscode, until } = require('../support/stubbed');
const { startWorld, assertNoSecret, konnectdBinary, whoseToken } = require('../support/world');

const { ui } = vscode;
let world;
let api;
const subscriptions = [];

before(async () => {
  world = await startWorld({ emulatorArgs: ['--fault-drop-after-commit', 'revoke-personal-access-token'] });
  ui.settings['konnectd.path'] = konnectdBinary();
  ui.settings['konnectd.args'] = world.daemonArgs;
  const ext = require(path.resolve(__dirname, '../../dist/extension.js'));
  api = ext.activate(vscode.testContext(subscriptions));
  await until('status', () => api.status.last);
  const res = await vscode.commands.executeCommand('konnect.signIn', { token: world.adminPAT });
  assert.equal(res.profile, 'default', JSON.stringify(res));
});

after(async () => {
  await vscode.commands.executeCommand('konnect.signOut', { confirm: true });
  subscriptions.forEach((d) => d.dispose());
  world?.stop();
  assertNoSecret(ui.output.join('\n'), 'the Konnect output channel');
  assertNoSecret(ui.messages.map((m) => `${m.text} ${m.detail ?? ''}`).join('\n'), 'a notification');
});

test('a rotation whose revoke fails after the new token exists: the only copy goes where the user says', async () => {
  const made = await api.daemon.request('token/createPersonal', { name: 'doomed', expiresIn: '30d', store: { name: 'doomed' } });
  ui.clipboard = '';
  // Dismiss the first question: the extension asks again before letting the secret go.
  ui.answers.push(undefined, 'Copy to Clipboard');
  const res = await vscode.commands.executeCommand('konnect.rotateToken', { kind: 'pat', id: made.id, expiresIn: '7d', deliver: 'clipboard', confirm: true });
  assert.equal(res.code, -32011, JSON.stringify(res));
  assert.equal(res.rescued, true);
  const asks = ui.prompts.filter((p) => p.kind === 'modal');
  assert.match(asks[0].title, /only copy/);
  assert.match(asks[1].title, /^Discard the only copy/);
  assert.match(ui.clipboard, /^kpat_/, 'the secret is on the clipboard');
  const me = await api.daemon.request('identity/me', {});
  assert.equal(await whoseToken(world, ui.clipboard), me.id, 'and it is the working successor');
});
