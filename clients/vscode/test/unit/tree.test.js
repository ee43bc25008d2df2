// Tier 1: the Konnect view (a TreeDataProvider), walked as VS Code walks
// it (getChildren, getTreeItem), against the real daemon and an emulator
// grown to 120 users; its inline actions run as the view's menus run them,
// with the node as the argument.
'use strict';
const { test, before, after, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { vscode, until } = require('../support/stubbed');
const { startWorld, konnectGET, assertNoSecret, konnectdBinary, keychainLookup, pointDefaultAt, whoseToken } = require('../support/world');

const { ui } = vscode;
let world;
let api;
let tree;
let me;
let changes = 0;
const subscriptions = [];

function run(id, ...args) {
  return vscode.commands.executeCommand(id, ...args);
}

async function walk(node) {
  const kids = await tree.getChildren(node);
  return kids.map((n) => ({ n, item: tree.getTreeItem(n) }));
}

async function child(node, label) {
  const hit = (await walk(node)).find((k) => k.item.label === label || k.item.label?.label === label);
  assert.ok(hit, `no "${label}" under ${node ? tree.getTreeItem(node).label : 'the root'}`);
  return hit;
}

before(async () => {
  world = await startWorld({ emulatorArgs: ['--users', '120'] });
  ui.settings['konnectd.path'] = konnectdBinary();
  ui.settings['konnectd.args'] = world.daemonArgs;
  const ext = require(path.resolve(__dirname, '../../dist/extension.js'));
  api = ext.activate(vscode.testContext(subscriptions));
  await until('status', () => api.status.last);
  tree = vscode.treeViews.get('konnect.profiles').provider;
  tree.onDidChangeTreeData(() => changes++);
  const res = await run('konnect.signIn', { token: world.adminPAT });
  assert.equal(res.profile, 'default', JSON.stringify(res));
  me = await api.daemon.request('identity/me', {});
  // The profile's credential, made by konnectd, so its token id is known.
  await api.daemon.request('token/createPersonal', { name: 'my-cred', expiresIn: '90d', store: { profile: 'default', replace: true } });
  await api.daemon.request('token/createPersonal', { name: 'short-lived', expiresIn: '2d' });
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
});

test('profiles show whether they are signed in, the organization and the region', async () => {
  const roots = await walk();
  assert.deepEqual(roots.map((r) => r.item.label), ['default', 'staging']);
  const [def, staging] = roots;
  assert.match(def.item.description, /^Acme Co\. · 127\.0\.0\.1:\d+$/);
  assert.equal(def.item.contextValue, 'profile.signedIn');
  assert.equal(staging.item.description.split(' · ')[0], 'signed out');
  const kids = await walk(staging.n);
  assert.equal(kids[0].item.label, 'Sign in…');
  assert.deepEqual(kids[0].item.command.arguments, [{ profile: 'staging' }]);
  assert.deepEqual((await walk(def.n)).map((k) => k.item.label), ['My tokens', 'System accounts', 'Teams', 'Users']);
});

test('my tokens: the signed-in one first and marked, a near expiry warned', async () => {
  const def = await child(undefined, 'default');
  const tokens = await walk((await child(def.n, 'My tokens')).n);
  assert.equal(tokens[0].item.label, 'my-cred');
  assert.match(tokens[0].item.description, /^signed in · active · expires in (89|90) d$/);
  assert.equal(tokens[0].item.contextValue, 'token.signedIn');
  const short = tokens.find((t) => t.item.label === 'short-lived');
  assert.equal(short.item.iconPath.id, 'warning');
  assert.equal(short.item.iconPath.color.id, 'list.warningForeground');
  assert.match(short.item.tooltip, /Expires within 7 days/);
});

test('system accounts and their tokens, teams', async () => {
  const def = await child(undefined, 'default');
  const accounts = await walk((await child(def.n, 'System accounts')).n);
  assert.ok(accounts.some((a) => a.item.label === 'ci-deployer'));
  const ci = accounts.find((a) => a.item.label === 'ci-deployer');
  // Create a token here (the account's inline action), then it is listed under it.
  const made = await run('konnect.view.createToken', ci.n, { name: 'ci-view', expiresIn: '30d', deliver: 'keychain' });
  assert.equal(made.type, 'spat', JSON.stringify(made));
  assert.ok(keychainLookup(world, 'token:ci-view')?.startsWith('spat_'));
  assert.deepEqual((await walk(ci.n)).map((t) => t.item.label), ['ci-view']);
  const teams = await walk((await child(def.n, 'Teams')).n);
  assert.ok(teams.some((t) => t.item.label === 'Platform'));
});

test('users load a page at a time', async () => {
  const def = await child(undefined, 'default');
  const group = (await child(def.n, 'Users')).n;
  let users = await walk(group);
  assert.equal(users.length, 51, '50 users and "Load more…"');
  assert.equal(users.at(-1).item.label, 'Load more…');
  await run(users.at(-1).item.command.command, ...users.at(-1).item.command.arguments);
  users = await walk(group);
  assert.equal(users.length, 101);
  await run('konnect.view.loadMore', users.at(-1).n);
  users = await walk(group);
  const total = (await konnectGET(world, '/v3/users?page[size]=1')).meta.page.total;
  assert.equal(users.length, total, 'every user, and no "Load more…"');
});

test('inline actions: copy id, rotate the signed-in token (it stays signed in), delete, and the view refreshes after each', async () => {
  const def = await child(undefined, 'default');
  const mine = (await walk((await child(def.n, 'My tokens')).n))[0];
  await run('konnect.view.copyId', mine.n);
  assert.equal(ui.clipboard, mine.n.token.id);
  let before = changes;
  ui.answers.push('Rotate', '30 days');
  const rotated = await run('konnect.view.rotate', mine.n);
  assert.equal(rotated.credentialOf, 'default', JSON.stringify(rotated));
  assert.ok(changes > before, 'the view was told to refresh');
  assert.equal(await whoseToken(world, keychainLookup(world, 'default')), me.id, 'the keychain holds the working successor');
  const after = (await walk((await child(def.n, 'My tokens')).n))[0];
  assert.equal(after.n.token.id, rotated.id, 'the successor is the signed-in one now');
  const short = (await walk((await child(def.n, 'My tokens')).n)).find((t) => t.item.label === 'short-lived');
  before = changes;
  ui.answers.push('Delete');
  const del = await run('konnect.view.delete', short.n);
  assert.equal(del.id, short.n.token.id, JSON.stringify(del));
  assert.ok(changes > before);
  const got = await konnectGET(world, `/v3/users/${me.id}/access-tokens`);
  assert.ok(!got.data.some((t) => t.id === short.n.token.id), 'Konnect no longer has it');
});

test('Find from the Users group searches that profile', async () => {
  const def = await child(undefined, 'default');
  const users = await child(def.n, 'Users');
  const res = await run('konnect.view.find', users.n, { filter: 'CHARLIECRUZ@', pick: false });
  assert.equal(res.count, 1, JSON.stringify(res));
  assert.match(decodeURIComponent(res.document), /profile=default/);
});

test('an edit of the config file (profile/didChange) refreshes the view', async () => {
  const before = changes;
  pointDefaultAt(world, 'http://127.0.0.1:9');
  await until('a refresh', () => changes > before, 30_000);
  const def = await until('default unreachable', async () => {
    const d = await child(undefined, 'default');
    return /Konnect unreachable/.test(d.item.description) && d;
  }, 30_000);
  assert.equal(def.item.contextValue, 'profile.signedOut');
  pointDefaultAt(world, world.baseURL);
  await until('signed in again', async () => (await child(undefined, 'default')).item.contextValue === 'profile.signedIn', 30_000);
});
