// codeserver.mjs: start and stop code-server (a real VS Code 1.139 with a
// Node 24 extension host) for the in-VS Code tiers, the way
// shared/reference/vscode-e2e.md measured it: its own process group, a
// private XDG config, a short reconnection grace, /healthz as readiness.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export async function freePort() {
  const srv = net.createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

/** userData writes the settings every run shares (daemon path and flags, a quiet workbench). */
export function userData(dir, settings) {
  fs.mkdirSync(path.join(dir, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'workbench.tips.enabled': false,
        'chat.disableAIFeatures': true,
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'telemetry.telemetryLevel': 'off',
        'security.workspace.trust.enabled': false,
        ...settings,
      },
      null,
      2,
    ),
  );
  return dir;
}

export function installExtension(cs, vsix, { extensionsDir, userDataDir, env }) {
  execFileSync(cs.bin, ['--install-extension', vsix, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 120_000,
  });
}

/**
 * start runs code-server and waits for /healthz. extra are more flags
 * (e.g. the smoke-test driver). Returns { url, stop() }.
 */
export async function start(cs, { extensionsDir, userDataDir, env, extra = [], logFile }) {
  const port = await freePort();
  const args = [
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--reconnection-grace-time', '5',
    '--extensions-dir', extensionsDir,
    '--user-data-dir', userDataDir,
    ...extra,
  ];
  const out = fs.openSync(logFile, 'a');
  // detached: a new process group, so stop() takes the extension host and
  // the daemon it spawned down with code-server (gotcha 10 and 11).
  const child = spawn(cs.bin, args, { env, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const url = `http://127.0.0.1:${port}`;
  const end = Date.now() + 60_000;
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`code-server exited at start; see ${logFile}`);
    try {
      const r = await fetch(url + '/healthz');
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > end) throw new Error(`code-server did not answer /healthz in 60 s; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    async stop() {
      if (exited) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        return;
      }
      const t = Date.now() + 10_000;
      while (!exited && Date.now() < t) await new Promise((r) => setTimeout(r, 100));
      if (!exited) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    },
  };
}
