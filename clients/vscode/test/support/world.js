// world.js: a miniature Konnect world for the extension's tests: the real
// Konnect emulator (`konnectd emulator`), a kongctl config file with two
// profiles pointing at it, and a keychain for the daemon. The admin PAT
// stays in memory (and in a 0600 file for the in-VS Code tiers); nothing
// here prints it.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const repo = path.resolve(__dirname, '../../../..');

/** konnectdBinary is the binary `make build` produces (or $KONNECTD_BIN). */
function konnectdBinary() {
  const bin = process.env.KONNECTD_BIN || path.join(repo, 'bin', 'konnectd');
  if (!fs.existsSync(bin)) throw new Error(`no konnectd binary at ${bin}: run "make build" first`);
  return bin;
}

/** keychainArgs uses the real Secret Service when a session bus is there (scripts/keyring.sh), else a file store. */
function keychainArgs(dir) {
  if (process.env.DBUS_SESSION_BUS_ADDRESS) return { kind: 'system', args: [] };
  return { kind: 'file', args: ['--keychain=file', '--keychain-file', path.join(dir, 'creds.json')] };
}

/**
 * startWorld starts the emulator (with emulatorArgs, e.g. a --fault-… flag) and writes the config. Returns
 * { dir, baseURL, adminPAT, configFile, daemonArgs, keychain, stop() }.
 */
async function startWorld({ emulatorArgs = [] } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'konnect-vscode-'));
  const emu = spawn(konnectdBinary(), ['emulator', '--addr', '127.0.0.1:0', ...emulatorArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  emu.stderr.on('data', (d) => (stderr += d));
  const vars = {};
  const lines = readline.createInterface({ input: emu.stdout });
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`emulator did not start in 30 s: ${stderr.slice(0, 500)}`)), 30_000);
    emu.once('exit', (c) => reject(new Error(`emulator exited (${c}): ${stderr.slice(0, 500)}`)));
    lines.on('line', (l) => {
      const m = /^(KONNECT_[A-Z_]+)=(.*)$/.exec(l);
      if (m) vars[m[1]] = m[2];
      if (vars.KONNECT_BASE_URL && vars.KONNECT_PAT) {
        clearTimeout(t);
        resolve();
      }
    });
  });
  const configFile = path.join(dir, 'config.yaml');
  fs.writeFileSync(configFile, configText(vars.KONNECT_BASE_URL));
  const kc = keychainArgs(dir);
  return {
    dir,
    baseURL: vars.KONNECT_BASE_URL,
    adminPAT: vars.KONNECT_PAT,
    configFile,
    keychain: kc.kind,
    daemonArgs: ['--config-file', configFile, ...kc.args],
    stop() {
      emu.kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** configText is the kongctl config: profiles default and staging, both at baseURL (default's can differ). */
function configText(baseURL, defaultBaseURL = baseURL) {
  return `default:\n  konnect:\n    base-url: ${defaultBaseURL}\nstaging:\n  konnect:\n    base-url: ${baseURL}\n`;
}

/**
 * pointDefaultAt rewrites the config file as an editor's save does (write
 * aside, rename over), so that the daemon sends profile/didChange: the
 * default profile's base URL becomes url (world.baseURL restores it).
 */
function pointDefaultAt(world, url) {
  const tmp = world.configFile + '.tmp';
  fs.writeFileSync(tmp, configText(world.baseURL, url));
  fs.renameSync(tmp, world.configFile);
}

/**
 * keychainLookup reads what the daemon stored under account, the way
 * another program would: secret-tool for the Secret Service, else the
 * file store's JSON. Returns undefined when nothing is there.
 */
function keychainLookup(world, account) {
  if (world.keychain === 'system') {
    const r = spawnSync('secret-tool', ['lookup', 'service', 'konnectd', 'username', account], { encoding: 'utf8', timeout: 10_000 });
    if (r.error) throw new Error(`secret-tool: ${r.error.message}`);
    return r.status === 0 && r.stdout !== '' ? r.stdout.trim() : undefined;
  }
  const file = path.join(world.dir, 'creds.json');
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')).services?.konnectd?.[account];
}

/** konnectGET asks the emulator directly, as an admin: "did Konnect receive it?" */
async function konnectGET(world, p) {
  const res = await fetch(world.baseURL + p, { headers: { Authorization: `Bearer ${world.adminPAT}` } });
  if (!res.ok) throw new Error(`GET ${p}: HTTP ${res.status}`);
  return res.json();
}

/** assertNoSecret fails when text holds a token; the message never repeats the token. */
function assertNoSecret(text, where) {
  const m = /\b(?:kpat|spat)_[A-Za-z0-9_-]+|\bbearer\s+[A-Za-z0-9\-._~+/]+=*/i.exec(String(text));
  if (m) throw new Error(`a secret (${m[0].slice(0, 5)}…, ${m[0].length} chars) appeared in ${where}`);
}

/** whoseToken returns the user id a PAT authenticates as at the emulator, or undefined when it is refused. */
async function whoseToken(world, token) {
  const res = await fetch(world.baseURL + '/v3/users/me', { headers: { Authorization: `Bearer ${token}` } });
  return res.ok ? (await res.json()).id : undefined;
}

/** breakConfig saves invalid YAML over the config file, as an editor's save does; pointDefaultAt mends it. */
function breakConfig(world) {
  const tmp = world.configFile + '.tmp';
  fs.writeFileSync(tmp, 'default:\n  konnect: [unclosed\n');
  fs.renameSync(tmp, world.configFile);
}

module.exports = { startWorld, konnectGET, assertNoSecret, konnectdBinary, keychainLookup, pointDefaultAt, breakConfig, whoseToken, repo };
