// konnectd.connection = "socket" must not talk to a socket another user
// could control (issue 19): a directory that others may enter or that is a
// symlink, or a socket file another user owns, is refused before the
// extension connects, with a message naming the path and the owner, and
// the listener there receives no connection at all.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { vscode, until } = require('../support/stubbed');
const { startWorld, assertNoSecret, konnectdBinary } = require('../support/world');

const { ui } = vscode;
let world;
let api;
const subscriptions = [];
const listeners = [];

before(async () => {
  world = await startWorld();
});

after(() => {
  subscriptions.forEach((d) => d.dispose());
  listeners.forEach((l) => l.server.close());
  world?.stop();
  assertNoSecret(ui.output.join('\n') + ui.messages.map((m) => m.text).join('\n'), 'the output channel or a notification');
});

/** listen on dir/konnectd.sock and count the connections it gets. */
async function listenIn(dir) {
  const sock = path.join(dir, 'konnectd.sock');
  const l = { sock, connections: 0, bytes: 0 };
  l.server = net.createServer((c) => {
    l.connections++;
    c.on('data', (d) => (l.bytes += d.length));
  });
  await new Promise((resolve, reject) => l.server.listen(sock, resolve).once('error', reject));
  listeners.push(l);
  return l;
}

/** point the extension at sock and wait for the status bar to show the refusal want matches. */
async function refusalFor(sock, want) {
  if (!api) {
    ui.settings['konnectd.path'] = konnectdBinary();
    ui.settings['konnectd.args'] = world.daemonArgs;
    ui.settings['konnectd.connection'] = 'socket';
    ui.settings['konnectd.socketPath'] = sock;
    const ext = require(path.resolve(__dirname, '../../dist/extension.js'));
    api = ext.activate(vscode.testContext(subscriptions));
  } else {
    await vscode.workspace.getConfiguration('konnectd').update('socketPath', sock);
  }
  await until(`the status bar to say ${want}`, () => want.test(api.status.item.tooltip ?? ''));
}

function mkdir(mode) {
  const dir = fs.mkdtempSync(path.join(world.dir, 'run-'));
  fs.chmodSync(dir, mode);
  return dir;
}

test('a socket directory other users may enter is refused, and its listener gets nothing', async () => {
  const dir = mkdir(0o777);
  const l = await listenIn(dir);
  await refusalFor(l.sock, new RegExp(`refusing socket directory ${dir}: mode 0777 lets other users in`));
  assert.equal(l.connections, 0, 'the extension connected to the socket');
});

test('a symlinked socket directory is refused', async () => {
  const dir = mkdir(0o700);
  const l = await listenIn(dir);
  const link = path.join(world.dir, `link-${path.basename(dir)}`);
  fs.symlinkSync(dir, link);
  await refusalFor(path.join(link, 'konnectd.sock'), new RegExp(`refusing socket directory ${link}: it is a symlink`));
  assert.equal(l.connections, 0, 'the extension connected to the socket');
});

test('a socket directory or socket another user owns is refused, naming the owner', { skip: process.getuid() !== 0 && 'needs root to chown' }, async () => {
  const dir = mkdir(0o700);
  const l = await listenIn(dir);
  fs.chownSync(dir, 65534, 65534);
  await refusalFor(l.sock, new RegExp(`refusing socket directory ${dir}: owned by uid 65534, not by you \\(uid 0\\)`));
  // Our directory, but a socket file another user owns (bound it).
  fs.chownSync(dir, 0, 0);
  fs.chownSync(l.sock, 65534, 65534);
  // (the same file under another spelling, so the setting changes and the extension reconnects)
  await refusalFor(
    l.sock.replace(/konnectd\.sock$/, './konnectd.sock'),
    new RegExp(`refusing socket ${dir}/(\\./)?konnectd\\.sock: owned by uid 65534, not by you \\(uid 0\\)`),
  );
  assert.equal(l.connections, 0, 'the extension connected to the socket');
});
