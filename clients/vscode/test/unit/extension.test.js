// The fast tier: the bundled extension (dist/extension.js) with `vscode`
// stubbed, against the real konnectd binary and the real Konnect emulator.
'use strict';
const { test, before, after, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { vscode, until } = require('../support/stubbed');
const { startWorld, konnectGET, assertNoSecret, konnectdBinary, keychainLookup, pointDefaultAt, breakConfig, whoseToken } = require('../support/world');

const { ui } = vscode;
let world;
let ext;
let api;
const subscriptions = [];
let subscriptionsContext;

function run(id, ...args) {
  return vscode.commands.executeCommand(id, ...args);
}

/** Everything the user or a log reader could see must be free of tokens. */
function assertNothingLeaked() {
  assertNoSecret(ui.messages.map((m) => m.text).join('\n'), 'a notification');
  assertNoSecret(ui.output.join('\n'), 'the Konnect output channel');
  assertNoSecret(vscode.statusItems.map((i) => `${i.text} ${i.tooltip}`).join('\n'), 'the status bar');
}

before(async () => {
  world = await startWorld();
  console.log(`# keychain: ${world.keychain === 'system' ? 'Secret Service (scripts/keyring.sh)' : 'plaintext file (no session bus)'}`);
  ui.settings['konnectd.path'] = konnectdBinary();
  ui.settings['konnectd.args'] = world.daemonArgs;
  ext = require(path.resolve(__dirname, '../../dist/extension.js'));
  subscriptionsContext = vscode.testContext(subscriptions);
  api = ext.activate(subscriptionsContext);
});

afterEach(() => {
  // A leftover answer means a prompt the test expected never came.
  const left = ui.answers.splice(0);
  assert.equal(left.length, 0, `unused scripted answers: ${left.length}`);
});

after(() => {
  subscriptions.forEach((d) => d.dispose());
  world?.stop();
  assertNothingLeaked();
});

test('activation connects to the daemon and shows a signed-out profile', async () => {
  const st = await until('status', () => api.status.last);
  assert.equal(st.authenticated, false);
  assert.equal(st.profile, 'default');
  assert.match(api.status.item.text, /signed out/);
  assert.equal(api.status.item.command, 'konnect.switchProfile');
});

test('a command that needs a credential says to sign in, in VS Code words, with a Sign In button', async () => {
  const res = await run('konnect.whoAmI');
  assert.equal(res.code, -32012);
  const err = ui.messages.findLast((m) => m.level === 'error');
  assert.match(err.text, /profile "default" is not signed in/);
  assert.doesNotMatch(err.text, /pat parameter|konnectd login|KONGCTL_/, 'no CLI or RPC words');
  assert.deepEqual(err.items, ['Sign In']);
});

test('the context keys say the daemon is ready and nobody is signed in', async () => {
  await until('daemonReady', () => ui.context['konnect.daemonReady'] === true);
  assert.equal(ui.context['konnect.signedIn'], false);
  // Every command that needs a session is hidden from the palette without one.
  const pkg = require('../../package.json');
  const when = Object.fromEntries(pkg.contributes.menus.commandPalette.map((m) => [m.command, m.when]));
  for (const id of ['konnect.whoAmI', 'konnect.createPersonalToken', 'konnect.rotateToken', 'konnect.deleteToken', 'konnect.findUsers', 'konnect.openApiPath']) {
    assert.match(when[id] ?? '', /konnect\.signedIn/, `${id} has a when clause on konnect.signedIn`);
  }
  assert.match(when['konnect.signIn'], /konnect\.daemonReady/);
  assert.equal(when['konnect.showLog'], undefined, 'Show Log is always there');
});

test('one name: commands and settings are "Konnect"; a value under the old konnectd.* name still counts', async () => {
  const pkg = require('../../package.json');
  assert.ok(pkg.contributes.commands.every((c) => c.category === 'Konnect'));
  assert.equal(pkg.contributes.configuration.title, 'Konnect');
  for (const [key, p] of Object.entries(pkg.contributes.configuration.properties)) {
    if (key.startsWith('konnectd.')) assert.match(p.markdownDeprecationMessage ?? '', /Renamed to `#konnect\./, key);
    else assert.match(key, /^konnect\./);
  }
  // This suite sets konnectd.path and konnectd.args (the old names): the daemon runs, so they count.
  assert.equal(ui.settings['konnect.path'], undefined);
  assert.ok(ui.context['konnect.daemonReady']);
});

test('Sign In refuses what is not shaped like a token before sending it', async () => {
  ui.answers.push('hello world');
  assert.equal(await run('konnect.signIn'), undefined, 'the prompt does not accept it');
  assert.match(ui.prompts.at(-1).validation, /not a Konnect access token: personal access tokens start with kpat_/);
  ui.answers.push('kpat_short');
  await run('konnect.signIn');
  assert.match(ui.prompts.at(-1).validation, /cut short/);
  // Given as an argument, it is refused too, and nothing reaches the daemon.
  const res = await run('konnect.signIn', { token: 'not-a-token' });
  assert.match(res.error, /nothing was sent to Konnect/);
  assert.equal(res.code, undefined, 'refused here, not by the daemon');
});

test('Sign In takes the PAT from a password box and shows the organization', async () => {
  ui.answers.push(world.adminPAT);
  const res = await run('konnect.signIn');
  assert.equal(res.profile, 'default', JSON.stringify(res.error ?? ''));
  assert.equal(ui.prompts.at(-1).password, true, 'the token prompt must be a password box');
  assert.match(ui.prompts.at(-1).title, /profile "default"/, 'the prompt names the profile, not "active"');
  assert.equal(ui.context['konnect.signedIn'], true);
  const st = await until('signed-in status', () => api.status.last?.authenticated && api.status.last);
  assert.ok(st.organization?.name);
  assert.ok(api.status.item.text.includes(st.organization.name));
  assertNothingLeaked();
});

test('Open Terminal with Profile Credential runs the shell under konnectd exec; VS Code never holds the token', async () => {
  const res = await run('konnect.openTerminal');
  assert.equal(res.profile, 'default', JSON.stringify(res));
  const t = ui.terminals.at(-1);
  assert.equal(t.options.shellPath, konnectdBinary());
  assert.deepEqual(t.options.shellArgs.slice(0, 4), ['exec', '-p', 'default', '--']);
  assert.equal(t.env.KONNECT_TOKEN, undefined);
  assert.equal(ui.terminalText.length, 0);
});

test('Who Am I names the user and organization', async () => {
  const res = await run('konnect.whoAmI');
  assert.ok(res.user?.email, JSON.stringify(res));
  assert.ok(ui.messages.at(-1).text.includes(res.user.email));
});

test('the custom expiry is validated like kongctl', async () => {
  ui.answers.push('tok-bad', 'Custom…', '30');
  const res = await run('konnect.createPersonalToken');
  assert.equal(res, undefined, 'an invalid expiry cannot be accepted');
  assert.equal(
    ui.prompts.at(-1).validation,
    'invalid --expires-in value "30": use a duration between 1 day and 365 days (12 months) with units ns, us, ms, s, m, h, or d (days)',
  );
  ui.answers.push('tok-bad', 'Custom…', '12h');
  await run('konnect.createPersonalToken');
  assert.match(ui.prompts.at(-1).validation, /minimum token lifetime is 1 day/);
});

test('Create Personal Access Token to the clipboard: Konnect has it, the clipboard holds it, nothing shows it', async () => {
  ui.clipboard = '';
  ui.answers.push('vscode-clip', '30 days', 'Copy to clipboard');
  const res = await run('konnect.createPersonalToken');
  assert.equal(res.delivered, 'clipboard', JSON.stringify(res));
  assert.match(ui.clipboard, /^kpat_/);
  assertNoSecret(JSON.stringify(res), "the command's return value");
  const me = await api.daemon.request('identity/me', {});
  const got = await konnectGET(world, `/v3/users/${me.id}/access-tokens`);
  const hit = got.data.find((t) => t.id === res.id);
  assert.ok(hit, 'the emulator lists the new token');
  assert.equal(hit.name, 'vscode-clip');
  assertNothingLeaked();
});

test('Create Personal Access Token into the keychain returns no value and the daemon lists it', async () => {
  ui.clipboard = '';
  const res = await run('konnect.createPersonalToken', { name: 'vscode-kc', expiresIn: '7d', deliver: 'keychain' });
  assert.equal(res.delivered, 'keychain', JSON.stringify(res));
  assert.match(res.where, /token:vscode-kc/);
  assert.ok(ui.clipboard === '', 'the clipboard was not written');
  const list = await api.daemon.request('token/list', { kind: 'pat' });
  assert.ok(list.data.some((t) => t.id === res.id));
  // Another program finds it in the keychain, and Konnect accepts it as the signed-in user.
  const stored = keychainLookup(world, 'token:vscode-kc');
  assert.ok(stored?.startsWith('kpat_'), `the ${world.keychain} keychain holds a PAT under token:vscode-kc`);
  const me = await api.daemon.request('identity/me', {});
  assert.equal(await whoseToken(world, stored), me.id, 'the stored PAT authenticates as the signed-in user');
  assertNothingLeaked();
});

test('Create Personal Access Token to the terminal sets it in new terminals\' environment, never typing it', async () => {
  const res = await run('konnect.createPersonalToken', { name: 'vscode-term', expiresIn: '90d', deliver: 'terminal' });
  assert.equal(res.delivered, 'terminal', JSON.stringify(res));
  assert.equal(ui.terminalText.length, 0, 'nothing is typed into any terminal');
  const term = ui.terminals.at(-1);
  assert.match(term.env.KONNECT_TOKEN ?? '', /^kpat_/, 'the new terminal starts with KONNECT_TOKEN');
  const me = await api.daemon.request('identity/me', {});
  assert.equal(await whoseToken(world, term.env.KONNECT_TOKEN), me.id, 'and it works');
  const coll = subscriptionsContext.environmentVariableCollection;
  assert.equal(coll.persistent, false, 'the variable is not written to disk');
  assert.match(coll.description, /Remove Token from Terminals/);
  assert.match(ui.messages.at(-1).text, /KONNECT_TOKEN in new terminals/);
  assertNoSecret(JSON.stringify(res), "the command's return value");
  assert.equal(ui.context['konnect.terminalToken'], true);
  const cleared = await run('konnect.clearTerminalToken');
  assert.equal(cleared.removed, true);
  assert.equal(ui.terminalEnv.has('KONNECT_TOKEN'), false, 'removed for terminals opened later');
  assertNothingLeaked();
});

test('the clipboard is cleared after konnect.clipboardClearSeconds, unless the user copied something else', async () => {
  ui.settings['konnect.clipboardClearSeconds'] = 1;
  try {
    const res = await run('konnect.createPersonalToken', { name: 'vscode-clear', expiresIn: '7d', deliver: 'clipboard' });
    assert.match(res.where, /cleared in 1 s/, JSON.stringify(res));
    assert.match(ui.clipboard, /^kpat_/);
    await until('the clipboard cleared', () => ui.clipboard === '', 10_000);
    await run('konnect.createPersonalToken', { name: 'vscode-keep', expiresIn: '7d', deliver: 'clipboard' });
    ui.clipboard = 'something the user copied';
    // The clear is due after 1 s; wait for two, then the user's text must still be there.
    await new Promise((r) => setTimeout(r, 2000));
    assert.ok(ui.clipboard === 'something the user copied', 'the user\'s own copy is left alone');
  } finally {
    delete ui.settings['konnect.clipboardClearSeconds'];
  }
});

test('validation errors speak of fields, not kongctl flags', async () => {
  const noName = await run('konnect.createPersonalToken', { name: ' ', expiresIn: '30d', deliver: 'clipboard' });
  assert.equal(noName.code, -32050, JSON.stringify(noName));
  assert.match(noName.error, /A name is required/);
  assert.doesNotMatch(noName.error, /--/);
  const long = await run('konnect.createPersonalToken', { name: 'too-long', expiresIn: '400d', deliver: 'clipboard' });
  assert.equal(long.code, -32050, JSON.stringify(long));
  assert.match(long.error, /\(the expiry must be at most 365 days\)/);
  assert.doesNotMatch(long.error, /--expires-in/);
});

test('a token Konnect rejects (401): one sentence with a Sign In button, the trace id only in the log', async () => {
  const t = await api.daemon.request('token/createPersonal', { name: 'soon-dead', expiresIn: '7d' });
  await api.daemon.request('token/delete', { kind: 'pat', id: t.id });
  const res = await run('konnect.signIn', { token: t.token });
  assert.equal(res.code, -32012, JSON.stringify(res));
  const err = ui.messages.findLast((m) => m.level === 'error');
  assert.match(err.text, /^Sign in: Konnect did not accept the token \([^()]+\)\. Sign in with a valid token\.$/);
  assert.deepEqual(err.items, ['Sign In', 'Show Log']);
  assert.doesNotMatch(err.text, /trace|kong:trace|instance/i);
  assert.ok(ui.output.some((l) => /Konnect trace id \S+/.test(l)), 'the trace id is in the log');
  assert.equal(api.status.last.authenticated, true, 'the stored credential is untouched');
});

test('Rotate Token replaces a picked PAT and revokes the old one, after asking', async () => {
  ui.answers.push('One of my personal access tokens', 'vscode-term', 'Rotate', '7 days', 'Copy to clipboard');
  const res = await run('konnect.rotateToken');
  assert.equal(res.delivered, 'clipboard', JSON.stringify(res));
  assert.equal(res.oldAction, 'revoked');
  const ask = ui.prompts.find((p) => p.kind === 'modal' && /^Rotate personal access token "vscode-term"\?/.test(p.title));
  assert.ok(ask, 'a confirmation before anything is revoked');
  assert.match(ask.detail, /revoked at once/);
  assert.match(ui.clipboard, /^kpat_/);
  const me = await api.daemon.request('identity/me', {});
  const got = await konnectGET(world, `/v3/users/${me.id}/access-tokens`);
  const named = got.data.filter((t) => t.name === 'vscode-term');
  assert.ok(named.some((t) => t.id === res.id && !t.revoked_at), 'the emulator has the active successor');
  assert.ok(named.some((t) => t.id !== res.id && t.revoked_at), 'the emulator has the old token revoked');
  assert.equal(await whoseToken(world, ui.clipboard), me.id, 'the successor in the clipboard works');
  assertNothingLeaked();
});

test('Create System Account Token picks the account from identity/listSystemAccounts', async () => {
  await api.daemon.request('systemAccount/create', { name: 'ci-bot', description: 'made by the extension tests' });
  ui.answers.push('ci-bot', 'ci-spat', '30 days', 'Copy to clipboard');
  const res = await run('konnect.createSystemAccountToken');
  assert.equal(res.type, 'spat', JSON.stringify(res));
  assert.match(ui.clipboard, /^spat_/);
  assertNothingLeaked();
});

test('Find Users loads pages into a read-only konnect: JSON document and a quick pick', async () => {
  ui.clipboard = '';
  ui.answers.push('', (items) => items[0]);
  const pickedFrom = ui.prompts.length;
  const res = await run('konnect.findUsers');
  assert.ok(res.count >= 3, JSON.stringify(res));
  // The untitled JSON document holds exactly the users Konnect has.
  const doc = ui.documents.at(-1);
  assert.equal(doc.languageId, 'json');
  assert.equal(doc.uri.scheme, 'konnect', 'not an untitled (dirty) tab');
  assert.equal(doc.readOnly, true);
  assert.equal(doc.uri.path, '/all users', 'titled by the query');
  const konnect = await konnectGET(world, '/v3/users?page[size]=100');
  const emails = (list) => list.map((u) => u.email).sort();
  assert.deepEqual(emails(JSON.parse(doc.getText())), emails(konnect.data));
  // The quick pick offered them, and picking one copied its id.
  const pick = ui.prompts.slice(pickedFrom).find((p) => p.kind === 'pick');
  assert.equal(pick.labels.length, res.count);
  assert.ok(konnect.data.some((u) => u.id === ui.clipboard), 'picking a user copies its id');
  // Pages loaded under a cancellable progress notification fed by $/progress.
  const prog = ui.progress.findLast((p) => /loading users/.test(p.options.title));
  assert.ok(prog, 'a progress notification while the users load');
  assert.equal(prog.options.location, vscode.ProgressLocation.Notification);
  assert.equal(prog.options.cancellable, true);
  assert.ok(prog.reports.length >= 1, 'the daemon\'s $/progress reached the notification');
  assert.equal(prog.reports.at(-1).message, `${res.count} of ${konnect.data.length}`);
  const pct = prog.reports.reduce((a, r) => a + r.increment, 0);
  assert.ok(Math.abs(pct - 100) < 1e-9, `the bar fills to 100%, not ${pct}`);
  assert.ok(prog.done, 'the progress notification closed');
});

test('Find Users with a word ignores case, says "1 user", and reuses the tab for the same query', async () => {
  const cruz = await run('konnect.findUsers', { filter: 'cruz', pick: false });
  assert.equal(cruz.count, 2, 'Charlie Cruz and Alex Cruz, whose emails say "Cruz"');
  const docs = ui.documents.length;
  const again = await run('konnect.findUsers', { filter: 'cruz', pick: false });
  assert.equal(again.document, cruz.document, 'the same konnect: URI');
  assert.equal(ui.documents.length, docs, 'no new tab');
  assert.match(decodeURIComponent(cruz.document), /users matching "cruz"/);
  ui.answers.push(() => undefined);
  await run('konnect.findUsers', { filter: 'CHARLIE' });
  assert.match(ui.prompts.at(-1).title, /^1 user: /);
  // Refresh re-runs the query behind the document.
  const doc = ui.documents.find((d) => d.uri.toString() === cruz.document);
  const v = doc.version;
  await run('konnect.refreshDocument', doc.uri);
  await Promise.all(ui.pendingReloads.splice(0));
  assert.ok(doc.version > v, 'the document was fetched again');
  assert.equal(JSON.parse(doc.getText()).length, 2);
});

test('Find Teams with a filter the emulator rejects or accepts reports either way', async () => {
  const res = await run('konnect.findTeams', { filter: 'zzz-no-such-team', pick: false });
  assert.equal(res.count, 0, JSON.stringify(res));
});

test('Find Users with a filter on a field no user has says so', async () => {
  const before = ui.messages.length;
  const res = await run('konnect.findUsers', { filter: 'filter[emial][contains]=cruz', pick: false });
  assert.equal(res.count, 0, JSON.stringify(res));
  const warn = ui.messages.slice(before).find((m) => m.level === 'warn');
  assert.ok(warn && warn.text.includes('"emial"'), JSON.stringify(ui.messages.slice(before)));
});

test('Run jq on the active JSON editor opens the result', async () => {
  ui.activeTextEditor = {
    document: { getText: () => '{"users":[{"name":"a"},{"name":"b"}]}', uri: 'file:///x.json' },
    selection: { isEmpty: true },
  };
  ui.answers.push('[.users[].name]');
  const res = await run('konnect.runJq');
  assert.deepEqual(JSON.parse(ui.documents.at(-1).getText()), ['a', 'b'], JSON.stringify(res));
  assert.equal(ui.documents.at(-1).uri.scheme, 'konnect');
  const bad = await run('konnect.runJq', { expression: '.[' });
  assert.equal(bad.code, -32040);
});

test('Run jq offers past expressions, and follows edits when asked', async () => {
  let text = '{"n":[1,2]}';
  const source = { getText: () => text, uri: { toString: () => 'file:///follow.json' } };
  ui.activeTextEditor = { document: source, selection: { isEmpty: true } };
  ui.answers.push((items) => items.find((i) => i.label === '[.users[].name]') && items.find((i) => i.label === '$(add) New expression…'), '.n | add');
  const res = await run('konnect.runJqFollow');
  assert.equal(res.following, true, JSON.stringify(res));
  const pick = ui.prompts.findLast((p) => p.kind === 'pick');
  assert.ok(pick.labels.includes('[.users[].name]'), 'the earlier expression is offered');
  const out = ui.documents.find((d) => d.uri.toString() === res.document);
  assert.equal(out.getText().trim(), '3');
  text = '{"n":[1,2,3]}';
  vscode.editDocument(source, text);
  await until('the result follows the edit', async () => {
    await Promise.all(ui.pendingReloads.splice(0));
    return out.getText().trim() === '6';
  });
});

test('Switch Profile keeps the choice in workspace state, not settings.json, and the status bar follows', async () => {
  ui.answers.push('staging');
  assert.equal(await run('konnect.switchProfile'), 'staging');
  assert.equal(ui.settings['konnectd.profile'], undefined, 'no setting written');
  assert.equal(subscriptionsContext.workspaceState.get('konnect.profile'), 'staging');
  await until('staging status', () => api.status.last?.profile === 'staging');
  assert.equal(api.status.last.authenticated, false);
  assert.match(api.status.item.text, /staging: signed out/);
  await run('konnect.switchProfile', { profile: 'default' });
  await until('default status', () => api.status.last?.profile === 'default');
});

test('the status bar follows an edit of the config file (profile/didChange), without any command', async () => {
  await until('signed in', () => api.status.last?.authenticated && api.status.last.profile === 'default');
  const commandsBefore = ui.prompts.length;
  pointDefaultAt(world, 'http://127.0.0.1:9'); // nothing listens there
  await until('the status after the edit', () => api.status.last && !api.status.last.authenticated, 30_000);
  assert.match(api.status.item.text, /default: Konnect unreachable/);
  assert.match(api.status.item.tooltip, /the token was not checked/);
  assert.ok(ui.output.some((l) => /profiles changed: default, staging/.test(l)), 'the log records the change');
  pointDefaultAt(world, world.baseURL);
  const st = await until('signed in again', () => api.status.last?.authenticated && api.status.last, 30_000);
  assert.ok(api.status.item.text.includes(`default · ${st.organization.name}`), api.status.item.text);
  assert.equal(ui.prompts.length, commandsBefore, 'no prompt: only the notification moved the status bar');
  assertNothingLeaked();
});

test('a broken config file is said once, with the file and line, and again only after it was mended and broke anew', async () => {
  await until('signed in', () => api.status.last?.authenticated && api.status.last.profile === 'default');
  const said = () => ui.messages.filter((m) => m.level === 'warn' && /kongctl config file is invalid/.test(m.text));
  breakConfig(world);
  await until('the warning', () => said().length === 1, 30_000);
  assert.match(said()[0].text, /config file .*config\.yaml: line \d+, column \d+/);
  assert.deepEqual(said()[0].items, ['Open Config File', 'Show Log']);
  // Every refresh sees the same problem in auth/status's warnings.
  await run('konnect.switchProfile', { profile: 'default' });
  await until('a refreshed status', () => api.status.last?.warnings?.some((w) => w.startsWith('config file ')));
  assert.equal(said().length, 1, 'said once, not on every refresh');
  pointDefaultAt(world, world.baseURL);
  await until('mended', () => api.status.last?.authenticated && !api.status.last.warnings?.some((w) => w.startsWith('config file ')), 30_000);
  breakConfig(world);
  await until('the warning again', () => said().length === 2, 30_000);
  pointDefaultAt(world, world.baseURL);
  await until('signed in again', () => api.status.last?.authenticated && !api.status.last.warnings?.some((w) => w.startsWith('config file ')), 30_000);
});

test('when the daemon dies it is restarted with backoff and says so', async () => {
  const before = await api.daemon.request('daemon/status', {});
  process.kill(before.pid, 'SIGKILL');
  await until('a restart warning', () => ui.messages.some((m) => m.level === 'warn' && /restarting/.test(m.text)));
  const after = await until('the new daemon', async () => {
    try {
      const st = await api.daemon.request('daemon/status', {});
      return st.pid !== before.pid && st;
    } catch {
      return false;
    }
  });
  assert.notEqual(after.pid, before.pid);
  assert.ok(ui.output.some((l) => /restarting in/.test(l)));
  const who = await run('konnect.whoAmI');
  assert.ok(who.user, 'commands work again after the restart');
});

test('Sign Out asks first, then forgets the credential and says so', async () => {
  ui.answers.push(undefined);
  assert.equal(await run('konnect.signOut'), undefined, 'dismissed: nothing happens');
  assert.match(ui.prompts.at(-1).title, /^Sign out of profile "default"\?/);
  assert.ok(keychainLookup(world, 'default'), 'the credential is still there');
  ui.answers.push('Sign Out');
  const res = await run('konnect.signOut');
  assert.equal(res.removed, true, JSON.stringify(res));
  assert.match(ui.messages.at(-1).text, /signed out of profile "default"; its token was removed from the keychain/);
  assert.ok(keychainLookup(world, 'default') === undefined, 'the credential is gone');
  await until('signed-out status', () => api.status.last && !api.status.last.authenticated);
  assert.equal(ui.context['konnect.signedIn'], false);
});
