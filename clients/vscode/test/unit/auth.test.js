// Tier 1: the "konnect" authentication provider, called as VS Code's
// authentication service calls it, against the real daemon: one session
// per signed-in profile, scoped by "profile:<name>", whose token is the
// profile's credential from the daemon; sign-out ends the session.
'use strict';
const { test, before, after, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { vscode, until } = require('../support/stubbed');
const { startWorld, assertNoSecret, konnectdBinary, keychainLookup, whoseToken } = require('../support/world');

const { ui } = vscode;
let world;
let api;
let provider;
const events = [];
const subscriptions = [];

before(async () => {
  world = await startWorld();
  ui.settings['konnectd.path'] = konnectdBinary();
  ui.settings['konnectd.args'] = world.daemonArgs;
  const ext = require(path.resolve(__dirname, '../../dist/extension.js'));
  api = ext.activate(vscode.testContext(subscriptions));
  await until('status', () => api.status.last);
  const reg = vscode.authProviders.get('konnect');
  assert.ok(reg, 'the provider is registered with id konnect');
  assert.equal(reg.label, 'Konnect');
  assert.equal(reg.options.supportsMultipleAccounts, true);
  provider = reg.provider;
  provider.onDidChangeSessions((e) => events.push(e));
});

afterEach(() => {
  const left = ui.answers.splice(0);
  assert.equal(left.length, 0, `unused scripted answers: ${left.length}`);
});

after(async () => {
  await vscode.commands.executeCommand('konnect.signOut', { profile: 'staging', confirm: true });
  subscriptions.forEach((d) => d.dispose());
  world?.stop();
  assertNoSecret(ui.output.join('\n'), 'the Konnect output channel');
  assertNoSecret(ui.messages.map((m) => m.text).join('\n'), 'a notification');
});

test('signed out: no sessions', async () => {
  assert.deepEqual(await provider.getSessions(), []);
});

test('nobody asked: no credential was handed out at start-up', async () => {
  assert.ok(!ui.output.some((l) => /credential handed out/.test(l)), 'the daemon audit-logged no hand-out');
});

test('createSession signs in the scoped profile; the session carries its credential', async () => {
  ui.answers.push(world.adminPAT);
  const s = await provider.createSession(['profile:staging']);
  assert.equal(s.id, 'konnect:staging');
  assert.deepEqual(s.scopes, ['konnect', 'profile:staging']);
  assert.match(s.account.label, /\(staging\)$/);
  assert.ok(s.accessToken === keychainLookup(world, 'staging'), "the profile's keychain credential");
  assert.ok(await whoseToken(world, s.accessToken), 'and Konnect accepts it');
  assert.ok(events.some((e) => e.added?.some((x) => x.id === 'konnect:staging')), 'VS Code is told');
  await assert.rejects(provider.createSession(['repo']), /unknown Konnect scope repo/);
});

test('getSessions: one per signed-in profile, filtered by scope', async () => {
  await vscode.commands.executeCommand('konnect.signIn', { token: world.adminPAT });
  const all = await provider.getSessions();
  assert.deepEqual(all.map((s) => s.id), ['konnect:default', 'konnect:staging'], 'the profile in use first');
  const one = await provider.getSessions(['profile:staging']);
  assert.deepEqual(one.map((s) => s.id), ['konnect:staging']);
  assert.ok(ui.output.some((l) => /2 Konnect session\(s\) given to VS Code/.test(l)));
});

test('a rotation of the signed-in token announces the changed session, with the new token', async () => {
  const st = await api.daemon.request('auth/status', { profile: 'staging' });
  const made = await api.daemon.request('token/createPersonal', { profile: 'staging', name: 'staging-cred', expiresIn: '30d', store: { profile: 'staging', replace: true } });
  await vscode.commands.executeCommand('konnect.switchProfile', { profile: 'staging' });
  const before = events.length;
  const res = await vscode.commands.executeCommand('konnect.rotateToken', { kind: 'pat', id: made.id, expiresIn: '7d', confirm: true });
  assert.equal(res.credentialOf, 'staging', JSON.stringify(res));
  // (The switch to staging may announce the credential stored just before; the rotation's event follows.)
  const now = keychainLookup(world, 'staging');
  const ev = await until('a changed event with the successor', () =>
    events.slice(before).find((e) => e.changed?.some((x) => x.id === 'konnect:staging' && x.accessToken === now)),
  );
  const s = ev.changed.find((x) => x.id === 'konnect:staging');
  assert.ok(await whoseToken(world, s.accessToken), 'the successor works');
  assert.ok(st.authenticated);
  await vscode.commands.executeCommand('konnect.switchProfile', { profile: 'default' });
});

test('removeSession signs the profile out; Sign Out elsewhere ends the session too', async () => {
  await provider.removeSession('konnect:default');
  assert.ok(keychainLookup(world, 'default') === undefined, 'the keychain entry is gone');
  assert.deepEqual((await provider.getSessions()).map((s) => s.id), ['konnect:staging']);
  await vscode.commands.executeCommand('konnect.signOut', { profile: 'staging', confirm: true });
  await until('a removed event', () => events.some((e) => e.removed?.some((x) => x.id === 'konnect:staging')));
  assert.deepEqual(await provider.getSessions(), []);
});
