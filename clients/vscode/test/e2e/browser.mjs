// browser.mjs: Debian's Chromium under playwright-core (no browser
// download), with a fresh profile, and every request that would leave the
// machine aborted (code-server and the workbench try open-vsx.org).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

export async function openBrowser(dir) {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}: apt-get install chromium`);
  const profile = fs.mkdtempSync(path.join(dir, 'chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
    ],
  });
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    return u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.protocol === 'data:' || u.protocol === 'blob:'
      ? route.continue()
      : route.abort();
  });
  return context;
}
