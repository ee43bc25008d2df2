// run.mjs: the two in-VS Code tiers, against the real daemon and emulator.
//   tier 2: a mocha suite inside code-server's extension host calls every
//           command (extensionDevelopmentPath/extensionTestsPath, which the
//           built workbench honours only with the smoke-test driver on);
//   tier 3: Chromium drives the workbench of a code-server with the .vsix
//           installed: sign in and create a PAT from the command palette,
//           then check Konnect got it and the clipboard holds it.
// Usage: node run.mjs [api|ui]...   Environment: CODE_SERVER, NODE24_BIN,
// VSIX, KONNECTD_BIN (see scripts/vscode-test.sh). The admin PAT never
// reaches stdout; screenshots go to dist/e2e (gitignored).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import * as cs from './codeserver.mjs';
import { openBrowser } from './browser.mjs';
import { uiTest } from './ui.mjs';

const require = createRequire(import.meta.url);
const { startWorld, konnectdBinary, assertNoSecret } = require('../support/world.js');

const here = path.dirname(fileURLToPath(import.meta.url));
const extDir = path.resolve(here, '../..');
const artifacts = path.join(extDir, 'dist', 'e2e');
const tiers = process.argv.slice(2).length ? process.argv.slice(2) : ['api', 'ui'];

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run through scripts/vscode-test.sh`);
  return v;
}

const codeServer = { bin: need('CODE_SERVER') };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'konnect-e2e-'));
fs.mkdirSync(artifacts, { recursive: true });
// Konnect keeps a revoked PAT working for up to 15 minutes, and so does the
// emulator by default (--revoke-grace); the UI tier checks that a rotated
// token stops working, so its emulator revokes at once.
const world = await startWorld({ emulatorArgs: ['--revoke-grace', '0'] });
console.log(`# keychain: ${world.keychain === 'system' ? 'Secret Service (scripts/keyring.sh)' : 'plaintext file'}`);

// The test config carries the admin PAT to the extension host: a 0600 file.
const cfgFile = path.join(tmp, 'test-config.json');
fs.writeFileSync(cfgFile, JSON.stringify({
  baseURL: world.baseURL, adminPAT: world.adminPAT, configFile: world.configFile, dir: world.dir, keychain: world.keychain,
  result: path.join(tmp, 'result.json'),
}), { mode: 0o600 });

const env = {
  ...process.env,
  PATH: `${need('NODE24_BIN')}:${process.env.PATH}`,
  XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
  XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
  KONNECT_VSCODE_TEST: cfgFile,
};
const settings = { 'konnectd.path': konnectdBinary(), 'konnectd.args': world.daemonArgs };

let failed = false;
try {
  for (const tier of tiers) {
    const t0 = Date.now();
    let ok = false;
    try {
      ok = tier === 'api' ? await apiTier() : await uiTier();
    } catch (err) {
      console.log(`# tier ${tier}: ${String(err?.stack ?? err)}`);
    }
    console.log(`${ok ? 'ok' : 'FAIL'} tier ${tier === 'api' ? '2 (extension host)' : '3 (UI)'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    failed ||= !ok;
  }
} finally {
  world.stop();
  if (!failed) fs.rmSync(tmp, { recursive: true, force: true });
  else console.log(`# kept ${tmp} for inspection (code-server logs in it)`);
}
process.exit(failed ? 1 : 0);

async function apiTier() {
  const dir = fs.mkdtempSync(path.join(tmp, 'api-'));
  const server = await cs.start(codeServer, {
    extensionsDir: path.join(dir, 'extensions'),
    userDataDir: cs.userData(path.join(dir, 'user'), settings),
    env,
    extra: ['--vscode-option', 'enable-smoke-test-driver'],
    logFile: path.join(dir, 'code-server.log'),
  });
  const browser = await openBrowser(dir);
  try {
    await browser.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const page = browser.pages()[0] ?? (await browser.newPage());
    // The workbench URI.parse()s these: they must name the remote side.
    const remote = `vscode-remote://${new URL(server.url).host}`;
    const payload = [
      ['extensionDevelopmentPath', remote + extDir],
      ['extensionTestsPath', remote + path.join(extDir, 'test', 'vscode', 'index.cjs')],
    ];
    await page.goto(`${server.url}/?folder=${encodeURIComponent(dir)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const resultFile = JSON.parse(fs.readFileSync(cfgFile, 'utf8')).result;
    const limit = Number(process.env.KONNECT_E2E_API_TIMEOUT || 180) * 1000;
    const end = Date.now() + limit;
    while (!fs.existsSync(resultFile)) {
      if (Date.now() > end) {
        await page.screenshot({ path: path.join(artifacts, 'api-timeout.png') });
        throw new Error(`the extension-host suite wrote no result in ${limit / 1000} s; see ${dir}/code-server.log and dist/e2e/api-timeout.png`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const text = fs.readFileSync(resultFile, 'utf8');
    assertNoSecret(text, 'the extension-host results');
    const res = JSON.parse(text);
    fs.rmSync(resultFile);
    console.log(`# VS Code ${res.vscode} extension host: ${res.passes.length} passed, ${res.failures.length} failed`);
    for (const p of res.passes) console.log(`#   ok ${p}`);
    for (const f of res.failures) console.log(`#   FAIL ${f.title}\n${f.error}`);
    return res.failures.length === 0 && res.passes.length > 0;
  } finally {
    await browser.close();
    await server.stop();
  }
}

async function uiTier() {
  const dir = fs.mkdtempSync(path.join(tmp, 'ui-'));
  const extensionsDir = path.join(dir, 'extensions');
  // The UI tier uses the settings' current names (tier 2 the deprecated konnectd.* ones, which still count).
  const userDataDir = cs.userData(path.join(dir, 'user'), {
    'konnect.path': settings['konnectd.path'],
    'konnect.args': settings['konnectd.args'],
    'konnect.tokenDelivery': 'ask',
    // The DOM renderer puts the terminal's text in the page, where the test reads it.
    'terminal.integrated.gpuAcceleration': 'off',
    'terminal.integrated.defaultProfile.linux': 'bash',
  });
  // The terminal's bash writes its history here after every command.
  const historyFile = path.join(dir, 'bash_history');
  const uiEnv = { ...env, HISTFILE: historyFile, PROMPT_COMMAND: 'history -a', SHELL: '/bin/bash' };
  cs.installExtension(codeServer, need('VSIX'), { extensionsDir, userDataDir, env });
  const server = await cs.start(codeServer, { extensionsDir, userDataDir, env: uiEnv, logFile: path.join(dir, 'code-server.log') });
  const browser = await openBrowser(dir);
  try {
    await browser.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    try {
      return await uiTest({ browser, url: `${server.url}/?folder=${encodeURIComponent(dir)}`, world, artifacts, images: path.join(extDir, 'images'), historyFile });
    } catch (err) {
      const shot = path.join(artifacts, 'ui-failure.png');
      await browser.pages()[0]?.screenshot({ path: shot }).catch(() => undefined);
      throw new Error(`${err.message}\n(screenshot: ${shot})`, { cause: err });
    }
  } finally {
    await browser.close();
    await server.stop();
  }
}
