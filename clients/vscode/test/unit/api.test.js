// Tier 1 for Konnect: Open API Path…: the bundled extension with `vscode`
// stubbed, against the real konnectd binary and the real emulator.
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

before(async () => {
  world = await startWorld();
  ui.settings['konnectd.path'] = konnectdBinary();
  ui.settings['konnectd.args'] = world.daemonArgs;
  const ext = require(path.resolve(__dirname, '../../dist/extension.js'));
  api = ext.activate(vscode.testContext(subscriptions));
  await until('status', () => api.status.last);
  ui.answers.push(world.adminPAT);
  const res = await vscode.commands.executeCommand('konnect.signIn');
  assert.equal(res.profile, 'default', JSON.stringify(res));
});

after(async () => {
  // The keychain is shared with the next test file: leave no credential behind.
  await vscode.commands.executeCommand('konnect.signOut', { confirm: true });
  subscriptions.forEach((d) => d.dispose());
  world?.stop();
  assertNoSecret(ui.output.join('\n'), 'the Konnect output channel');
  assertNoSecret(ui.messages.map((m) => m.text).join('\n'), 'a notification');
});

test('Open API Path shows every page of a GET as a read-only konnect: JSON document', async () => {
  for (const name of ['cp-a', 'cp-b', 'cp-c']) {
    const r = await api.daemon.request('konnect/request', { method: 'POST', path: '/v2/control-planes', body: { name } });
    assert.equal(r.status, 201);
  }
  ui.answers.push('/v2/control-planes?page[size]=2 --paginate');
  const res = await vscode.commands.executeCommand('konnect.openApiPath');
  assert.equal(res.status, 200, JSON.stringify(res));
  assert.match(res.document, /^konnect:\/v2\/control-planes\?.*#paginate$/);
  const doc = ui.documents.at(-1);
  assert.equal(doc.readOnly, true, 'served by the content provider');
  assert.equal(doc.languageId, 'json');
  assert.deepEqual(JSON.parse(doc.getText()).map((cp) => cp.name), ['cp-a', 'cp-b', 'cp-c']);
});

test('a path Konnect does not serve shows its 404 problem and warns', async () => {
  const res = await vscode.commands.executeCommand('konnect.openApiPath', { path: '/v2/nothing-here' });
  assert.equal(res.status, 404);
  assert.equal(JSON.parse(ui.documents.at(-1).getText()).status, 404);
  assert.match(ui.messages.at(-1).text, /Konnect answered 404/);
});

test('a URL instead of a path is refused before any request', async () => {
  const res = await vscode.commands.executeCommand('konnect.openApiPath', { path: 'https://evil.example/v2/control-planes' });
  assert.equal(res.code, -32050, JSON.stringify(res));
  assert.match(ui.messages.at(-1).text, /not a URL/);
});
