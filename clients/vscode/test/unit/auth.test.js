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

test('createSession signs in the scoped profile; the session carries its credential', async () => {
  ui.answers.push(world.adminPAT);
  const s = await provider.createSession(['profile:staging']);
  assert.equal(s.id, 'konnect:staging');
  assert.deepEqual(s.scopes, ['konnect', 'profile:staging']);
  assert.match(s.account.label, /\(staging\)$/);
  assert.equal(s.accessToken, keychainLookup(world, 'staging'), "the profile's keychain credential");
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

test('removeSession signs the profile out; Sign Out elsewhere ends the session too', async () => {
  await provider.removeSession('konnect:default');
  assert.equal(keychainLookup(world, 'default'), undefined);
  assert.deepEqual((await provider.getSessions()).map((s) => s.id), ['konnect:staging']);
  await vscode.commands.executeCommand('konnect.signOut', { profile: 'staging', confirm: true });
  await until('a removed event', () => events.some((e) => e.removed?.some((x) => x.id === 'konnect:staging')));
  assert.deepEqual(await provider.getSessions(), []);
});
