// konnectd.connection = "socket": the extension joins a shared daemon that
// it did not start (here: `konnectd serve --socket`, as a user or systemd
// would run it), and two clients see the same sign-in.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { vscode, until } = require('../support/stubbed');
const { startWorld, assertNoSecret, konnectdBinary } = require('../support/world');

const { ui } = vscode;
let world;
let daemon;
let api;
let sock;
const subscriptions = [];

before(async () => {
  world = await startWorld();
  const dir = fs.mkdtempSync(path.join(world.dir, 'run-'));
  fs.chmodSync(dir, 0o700);
  sock = path.join(dir, 'konnectd.sock');
  daemon = spawn(konnectdBinary(), ['serve', '--socket', sock, '--idle-timeout', '0', ...world.daemonArgs], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  daemon.stderr.resume();
  await until('the shared socket', () => fs.existsSync(sock));
  ui.settings['konnectd.path'] = konnectdBinary();
  ui.settings['konnectd.connection'] = 'socket';
  ui.settings['konnectd.socketPath'] = sock;
  const ext = require(path.resolve(__dirname, '../../dist/extension.js'));
  api = ext.activate(vscode.testContext(subscriptions));
});

after(async () => {
  // The keychain is shared with the other test files: leave no credential behind.
  if (api) await vscode.commands.executeCommand('konnect.signOut', { confirm: true });
  subscriptions.forEach((d) => d.dispose());
  daemon?.kill('SIGTERM');
  world?.stop();
  assertNoSecret(ui.output.join('\n') + ui.messages.map((m) => m.text).join('\n'), 'the output channel or a notification');
});

test('joins the shared daemon and shares its sign-in with other clients', async () => {
  await until('status', () => api.status.last);
  const st = await api.daemon.request('daemon/status', {});
  assert.equal(st.pid, daemon.pid, 'the extension talks to the daemon it found, not one of its own');
  assert.equal(st.socket, sock);
  const res = await vscode.commands.executeCommand('konnect.signIn', { token: world.adminPAT });
  assert.equal(res.profile, 'default', JSON.stringify(res.error ?? ''));
  // Another client of the same socket (the CLI) sees the credential.
  const cli = spawnSync(konnectdBinary(), ['call', '--socket', sock, 'auth/status'], { encoding: 'utf8', timeout: 30_000 });
  assertNoSecret(cli.stdout + cli.stderr, 'konnectd call output');
  assert.equal(cli.status, 0, cli.stderr);
  assert.equal(JSON.parse(cli.stdout).authenticated, true);
});
