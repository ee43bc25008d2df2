// Tier 1: rotating the token you are signed in with. The daemon's records
// (keychain/list, auth/status's stored.token_id) say which Konnect token
// is a profile's credential; the pickers mark it, rotation asks first, and
// the successor replaces the credential in the keychain, so the profile
// stays signed in, and the status bar says so as soon as the command ends.
'use strict';
const { test, before, after, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { vscode, until } = require('../support/stubbed');
const { startWorld, konnectGET, assertNoSecret, konnectdBinary, keychainLookup, whoseToken } = require('../support/world');

const { ui } = vscode;
let world;
let api;
let me;
const subscriptions = [];

function run(id, ...args) {
  return vscode.commands.executeCommand(id, ...args);
}

async function konnectState(id) {
  const got = await konnectGET(world, `/v3/users/${me.id}/access-tokens`);
  const t = got.data.find((x) => x.id === id);
  return t ? (t.revoked_at ? 'revoked' : 'active') : 'gone';
}

before(async () => {
  world = await startWorld();
  ui.settings['konnectd.path'] = konnectdBinary();
  ui.settings['konnectd.args'] = world.daemonArgs;
  const ext = require(path.resolve(__dirname, '../../dist/extension.js'));
  api = ext.activate(vscode.testContext(subscriptions));
  await until('status', () => api.status.last);
  const res = await run('konnect.signIn', { token: world.adminPAT });
  assert.equal(res.profile, 'default', JSON.stringify(res));
  me = await api.daemon.request('identity/me', {});
});

afterEach(() => {
  const left = ui.answers.splice(0);
  assert.equal(left.length, 0, `unused scripted answers: ${left.length}`);
});

after(async () => {
  await run('konnect.signOut', { confirm: true });
  subscriptions.forEach((d) => d.dispose());
  world?.stop();
  assertNoSecret(ui.output.join('\n'), 'the Konnect output channel');
  assertNoSecret(ui.messages.map((m) => `${m.text} ${m.detail ?? ''}`).join('\n'), 'a notification');
  assertNoSecret(vscode.statusItems.map((i) => `${i.text} ${i.tooltip}`).join('\n'), 'the status bar');
});

test('a token pasted at Sign In: the picker says its id is unknown, and "It Is My Sign-In Token" keeps the profile signed in', async () => {
  // The user's own token, pasted at Sign In: konnectd does not know its id.
  const made = await api.daemon.request('token/createPersonal', { name: 'pasted', expiresIn: '30d' });
  const login = await run('konnect.signIn', { token: made.token });
  assert.equal(login.profile, 'default', JSON.stringify(login));
  ui.answers.push('One of my personal access tokens', 'pasted', "Rotate, It Is My Sign-In Token", '30 days');
  const res = await run('konnect.rotateToken');
  assert.equal(res.credentialOf, 'default', JSON.stringify(res));
  const pick = ui.prompts.find((p) => p.kind === 'pick' && /which token/.test(p.title));
  assert.ok(pick, 'the token picker');
  const picker = ui.prompts.indexOf(pick);
  assert.ok(!ui.prompts.slice(picker).some((p) => /where should the new token go/.test(p.title ?? '')), 'no delivery question: it goes to the profile');
  const stored = keychainLookup(world, 'default');
  assert.equal(await whoseToken(world, stored), me.id, 'the keychain holds the working successor');
  assert.equal(await konnectState(made.id), 'revoked');
  assert.equal(await konnectState(res.id), 'active');
  // Right after the command, without waiting: the status bar was refreshed by it.
  assert.equal(api.status.last.authenticated, true);
  assert.equal(api.status.last.stored?.token_id, res.id, 'the daemon now knows the credential\'s id');
});

test('the signed-in token is marked in the picker, rotation asks, and the successor replaces it in the keychain', async () => {
  const before = await api.daemon.request('auth/status', {});
  const oldId = before.stored?.token_id;
  assert.ok(oldId, 'the credential has a known token id (made by the rotation above)');
  await api.daemon.request('token/createPersonal', { name: 'other', expiresIn: '30d', store: { name: 'other' } });
  let labels;
  let description;
  ui.answers.push(
    'One of my personal access tokens',
    (items) => {
      labels = items.map((i) => i.label);
      const hit = items.find((i) => i.token.id === oldId);
      description = hit.description;
      return hit;
    },
    'Rotate',
    '7 days',
  );
  const res = await run('konnect.rotateToken');
  assert.equal(res.delivered, 'keychain', JSON.stringify(res));
  assert.equal(labels[0], '$(account) pasted', `the signed-in token is first and marked: ${labels.join(' | ')}`);
  assert.match(description, /signed in with this \(profile "default"\)/);
  assert.ok(labels.includes('other'), 'other tokens are unmarked');
  const ask = ui.prompts.findLast((p) => p.kind === 'modal');
  assert.match(ask.title, /^Rotate personal access token "pasted"\?/);
  assert.match(ask.detail, /credential of profile "default": the new token replaces it in the keychain/);
  assert.match(res.where, /keychain as default/);
  assert.equal(await konnectState(oldId), 'revoked');
  const stored = keychainLookup(world, 'default');
  assert.equal(await whoseToken(world, stored), me.id, 'the profile\'s keychain entry works');
  assert.equal(api.status.last.authenticated, true, 'still signed in, at once');
  assert.equal(api.status.last.stored?.token_id, res.id);
  const who = await run('konnect.whoAmI');
  assert.equal(who.user?.id, me.id, 'Who Am I works with the successor');
});

test('dismissing the confirmation rotates nothing', async () => {
  const st = await api.daemon.request('auth/status', {});
  ui.answers.push('One of my personal access tokens', (items) => items[0], undefined);
  assert.equal(await run('konnect.rotateToken'), undefined);
  assert.equal(await konnectState(st.stored.token_id), 'active');
});

test('Delete Token marks the signed-in one, asks, and forgets the entry that held the token', async () => {
  ui.answers.push((items) => items.find((i) => i.label === 'other'), 'Delete');
  const res = await run('konnect.deleteToken', { kind: 'pat' });
  assert.ok(res.id, JSON.stringify(res));
  assert.match(ui.prompts.at(-1).title, /^Delete personal access token "other"\?/);
  assert.equal(await konnectState(res.id), 'gone');
  assert.deepEqual(res.forgot, ['token:other']);
  assert.ok(keychainLookup(world, 'token:other') === undefined, 'no dead token left in the keychain');
});
