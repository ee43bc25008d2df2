// commands.test.cjs: every contributed command, run through
// vscode.commands.executeCommand inside code-server's real extension host,
// against the real daemon (spawned by the extension) and the emulator.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const { keychainLookup, pointDefaultAt, whoseToken } = require('../support/world.js');

const cfg = JSON.parse(fs.readFileSync(process.env.KONNECT_VSCODE_TEST, 'utf8'));
/** the emulator, config file and keychain the test driver set up (test/support/world.js) */
const world = { baseURL: cfg.baseURL, configFile: cfg.configFile, dir: cfg.dir, keychain: cfg.keychain };
const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8'));
const secretRE = /\b(?:kpat|spat)_[A-Za-z0-9_-]+|\bbearer\s+[A-Za-z0-9\-._~+/]+=*/i;

async function until(what, fn, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function konnectGET(p) {
  const res = await fetch(cfg.baseURL + p, { headers: { Authorization: `Bearer ${cfg.adminPAT}` } });
  assert.ok(res.ok, `GET ${p}: HTTP ${res.status}`);
  return res.json();
}

function run(id, ...args) {
  return vscode.commands.executeCommand(id, ...args);
}

describe('Konnect extension in the real extension host', function () {
  let api;

  before(async function () {
    const ext = vscode.extensions.getExtension('konnectd.konnectd-vscode');
    assert.ok(ext, 'the extension under development is loaded');
    api = await ext.activate();
    await until('the first status', () => api.status.last);
  });

  after(function () {
    const leaked = api.log.recent.find((l) => secretRE.test(l));
    assert.equal(leaked && '(a line holding a token)', undefined, 'no token in the Konnect output channel');
  });

  it('registers every contributed command', async function () {
    const all = await vscode.commands.getCommands(true);
    for (const c of pkg.contributes.commands) assert.ok(all.includes(c.command), `${c.command} is registered`);
  });

  it('konnect.signIn', async function () {
    const res = await run('konnect.signIn', { token: cfg.adminPAT });
    assert.equal(res.profile, 'default', JSON.stringify(res.error));
    await until('signed in', () => api.status.last?.authenticated);
    assert.ok(api.status.item.text.includes(res.organization.name));
  });

  it('context keys: daemon ready and signed in', async function () {
    assert.equal(api.contextKeys['konnect.daemonReady'], true);
    assert.equal(api.contextKeys['konnect.signedIn'], true);
  });

  it('the Konnect view lists the profiles and, signed in, the tokens', async function () {
    const roots = await api.tree.getChildren();
    const items = roots.map((n) => api.tree.getTreeItem(n));
    assert.deepEqual(items.map((i) => i.label), ['default', 'staging']);
    assert.equal(items[0].contextValue, 'profile.signedIn');
    const groups = await api.tree.getChildren(roots[0]);
    assert.deepEqual(groups.map((n) => api.tree.getTreeItem(n).label), ['My tokens', 'System accounts', 'Teams', 'Users']);
  });

  it('the konnect authentication provider gives a session for the signed-in profile', async function () {
    const sessions = await api.auth.getSessions(['profile:default']);
    assert.deepEqual(sessions.map((s) => s.id), ['konnect:default']);
    assert.ok(sessions[0].accessToken.startsWith('kpat_'), 'the profile\'s credential');
    // VS Code knows the provider: asking silently does not throw "no provider".
    await vscode.authentication.getSession('konnect', ['profile:default'], { silent: true });
  });

  it('konnect.whoAmI', async function () {
    const res = await run('konnect.whoAmI');
    assert.ok(res.user.email, JSON.stringify(res));
  });

  it('konnect.createPersonalToken (clipboard)', async function () {
    const res = await run('konnect.createPersonalToken', { name: 'host-clip', expiresIn: '30d', deliver: 'clipboard' });
    assert.equal(res.delivered, 'clipboard', JSON.stringify(res));
    assert.ok(!secretRE.test(JSON.stringify(res)), 'the return value holds no token');
    const clip = await vscode.env.clipboard.readText();
    assert.ok(clip.startsWith('kpat_'), 'the clipboard holds the new PAT');
    const me = await api.daemon.request('identity/me', {});
    const got = await konnectGET(`/v3/users/${me.id}/access-tokens`);
    assert.ok(got.data.some((t) => t.id === res.id && t.name === 'host-clip'), 'the emulator received it');
  });

  it('konnect.createPersonalToken (keychain)', async function () {
    const res = await run('konnect.createPersonalToken', { name: 'host-kc', expiresIn: '7d', deliver: 'keychain' });
    assert.equal(res.delivered, 'keychain', JSON.stringify(res));
    assert.match(res.where, /token:host-kc/);
    const stored = keychainLookup(world, 'token:host-kc');
    assert.ok(stored?.startsWith('kpat_'), `the ${world.keychain} keychain holds the PAT`);
    const me = await api.daemon.request('identity/me', {});
    assert.equal(await whoseToken(world, stored), me.id, 'the stored PAT works for the signed-in user');
  });

  it('konnect.createPersonalToken (terminal)', async function () {
    const res = await run('konnect.createPersonalToken', { name: 'host-term', expiresIn: '7d', deliver: 'terminal' });
    assert.equal(res.delivered, 'terminal', JSON.stringify(res));
    assert.ok(!secretRE.test(JSON.stringify(res)), 'the return value holds no token');
    assert.ok(vscode.window.terminals.some((t) => res.where.includes(`"${t.name}"`)), res.where);
    const me = await api.daemon.request('identity/me', {});
    const got = await konnectGET(`/v3/users/${me.id}/access-tokens`);
    assert.ok(got.data.some((t) => t.id === res.id && t.name === 'host-term'), 'the emulator received it');
  });

  it('konnect.createSystemAccountToken', async function () {
    await api.daemon.request('systemAccount/create', { name: 'host-bot', description: 'extension host test' });
    const res = await run('konnect.createSystemAccountToken', {
      systemAccountName: 'host-bot', name: 'host-spat', expiresIn: '30d', deliver: 'keychain',
    });
    assert.equal(res.type, 'spat', JSON.stringify(res));
    assert.ok(keychainLookup(world, 'token:host-spat')?.startsWith('spat_'), 'the keychain holds the SPAT');
    const accounts = await konnectGET('/v3/system-accounts?page[size]=100');
    const bot = accounts.data.find((a) => a.name === 'host-bot');
    const tokens = await konnectGET(`/v3/system-accounts/${bot.id}/access-tokens`);
    assert.ok(tokens.data.some((t) => t.id === res.id && t.name === 'host-spat'), 'the emulator received it');
  });

  it('konnect.rotateToken', async function () {
    const list = await api.daemon.request('token/list', { kind: 'pat' });
    const id = list.data.find((t) => t.name === 'host-clip')?.id;
    assert.ok(id, 'the token made earlier is listed');
    const res = await run('konnect.rotateToken', { kind: 'pat', id, expiresIn: '90d', deliver: 'keychain', confirm: true });
    assert.equal(res.oldAction, 'revoked', JSON.stringify(res));
    const me = await api.daemon.request('identity/me', {});
    const got = await konnectGET(`/v3/users/${me.id}/access-tokens`);
    assert.ok(got.data.some((t) => t.id === res.id), 'the emulator has the successor');
    assert.ok(got.data.find((t) => t.id === id)?.revoked_at, 'the emulator has the old token revoked');
    const stored = keychainLookup(world, `token:${id}`);
    assert.equal(await whoseToken(world, stored ?? ''), me.id, 'the keychain holds the working successor');
  });

  it('konnect.findUsers', async function () {
    const res = await run('konnect.findUsers', { filter: '', pick: false });
    assert.ok(res.count >= 3, JSON.stringify(res));
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === res.document);
    assert.equal(doc.uri.scheme, 'konnect', 'a read-only result, not an untitled tab');
    assert.equal(doc.languageId, 'json');
    assert.equal(doc.isDirty, false);
    // The same query again is the same document.
    const again = await run('konnect.findUsers', { filter: '', pick: false });
    assert.equal(again.document, res.document);
    assert.equal(vscode.workspace.textDocuments.filter((d) => d.uri.toString() === res.document).length, 1);
    const emails = (list) => list.map((u) => u.email).sort();
    const konnect = await konnectGET('/v3/users?page[size]=100');
    assert.deepEqual(emails(JSON.parse(doc.getText())), emails(konnect.data), 'the document holds Konnect\'s users');
  });

  it('konnect.findTeams', async function () {
    const none = await run('konnect.findTeams', { filter: 'filter[name][contains]=zzz-none', pick: false });
    assert.equal(none.count, 0, JSON.stringify(none));
    const res = await run('konnect.findTeams', { filter: 'Platform', pick: false });
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === res.document);
    assert.deepEqual(JSON.parse(doc.getText()).map((t) => t.name), ['Platform']);
  });

  it('konnect.runJq', async function () {
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content: '{"a":[1,2,3]}' });
    await vscode.window.showTextDocument(doc);
    const res = await run('konnect.runJq', { expression: '.a | add' });
    const out = vscode.workspace.textDocuments.find((d) => d.uri.toString() === res.document);
    assert.equal(out.getText().trim(), '6');
  });

  it('konnect.openApiPath', async function () {
    const made = await api.daemon.request('konnect/request', { method: 'POST', path: '/v2/control-planes', body: { name: 'host-cp' } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const res = await run('konnect.openApiPath', { path: '/v2/control-planes?filter[name][eq]=host-cp', paginate: true });
    assert.equal(res.status, 200, JSON.stringify(res));
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === res.document);
    assert.equal(doc.uri.scheme, 'konnect');
    assert.equal(doc.languageId, 'json');
    assert.deepEqual(JSON.parse(doc.getText()).map((cp) => cp.name), ['host-cp']);
  });

  it('konnect.switchProfile', async function () {
    assert.equal(await run('konnect.switchProfile', { profile: 'staging' }), 'staging');
    await until('staging status', () => api.status.last?.profile === 'staging');
    assert.equal(api.status.last.authenticated, false);
    await run('konnect.switchProfile', { profile: 'default' });
    await until('default status', () => api.status.last?.profile === 'default' && api.status.last.authenticated);
  });

  it('konnect.restartDaemon', async function () {
    const before = await api.daemon.request('daemon/status', {});
    const res = await run('konnect.restartDaemon');
    assert.equal(res?.error, undefined);
    const after = await api.daemon.request('daemon/status', {});
    assert.notEqual(after.pid, before.pid);
  });

  it('the status bar follows a config-file edit (profile/didChange)', async function () {
    await until('signed in', () => api.status.last?.authenticated);
    pointDefaultAt(world, 'http://127.0.0.1:9');
    await until('unreachable', () => /default: Konnect unreachable/.test(api.status.item.text));
    pointDefaultAt(world, world.baseURL);
    await until('signed in again', () => api.status.last?.authenticated && /default · /.test(api.status.item.text));
  });

  it('a wrong konnectd.path is reported with what to do, and fixing it reconnects', async function () {
    const conf = vscode.workspace.getConfiguration('konnectd');
    const good = conf.get('path');
    await conf.update('path', '/nonexistent/konnectd', vscode.ConfigurationTarget.Global);
    try {
      await until('the status bar error', () => /install konnectd or set "konnect\.path"/.test(String(api.status.item.tooltip)));
      const res = await run('konnect.whoAmI');
      assert.match(res.error, /install konnectd or set "konnect\.path"/);
    } finally {
      await conf.update('path', good, vscode.ConfigurationTarget.Global);
    }
    await until('reconnected', () => /default · /.test(api.status.item.text));
  });

  it('konnect.showLog', async function () {
    await run('konnect.showLog');
  });

  it('konnect.signOut', async function () {
    const res = await run('konnect.signOut', { confirm: true });
    assert.equal(res.removed, true, JSON.stringify(res));
    assert.equal(api.contextKeys['konnect.signedIn'], false);
    await until('signed out', () => api.status.last && !api.status.last.authenticated);
  });
});
