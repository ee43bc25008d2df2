// ui.mjs: tier 3, the user's path through the real workbench: Sign In and
// Create Personal Access Token from the command palette (F1), then proof
// that Konnect received the token and that the clipboard holds a working
// one — while no token is visible anywhere on the page.
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { konnectGET, assertNoSecret } = require('../support/world.js');

const step = (msg) => console.log(`#   ui: ${msg}`);

/** command runs a palette command. The palette is a snapshot, so it is reopened until the extension's command is listed (gotcha 6). */
async function command(page, title) {
  const end = Date.now() + 90_000;
  for (;;) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: 2_000 });
      await page.keyboard.press('Enter');
      return;
    } catch {
      await page.keyboard.press('Escape');
      if (Date.now() > end) throw new Error(`command "${title}" never appeared in the palette`);
    }
  }
}

/**
 * answer types into the quick input and accepts. The widget is reused from
 * one prompt to the next, so it first waits for the prompt's own title:
 * typing earlier lands in the prompt that is going away.
 */
async function answer(page, text, { title, expectRow } = {}) {
  if (title) {
    await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: 30_000 });
  }
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await input.fill(text);
  if (expectRow) {
    // Enter takes the focused row: wait until filtering has put the wanted one there.
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: expectRow }).waitFor({ timeout: 10_000 });
  }
  await page.keyboard.press('Enter');
}

export async function uiTest({ browser, url, world, artifacts }) {
  const page = browser.pages()[0] ?? (await browser.newPage());
  await page.goto(url);
  const status = page.locator('.statusbar-item', { hasText: /default/ }).first();
  await status.waitFor({ timeout: 120_000 });
  await page.locator('.statusbar-item', { hasText: 'signed out' }).first().waitFor({ timeout: 60_000 });
  step('workbench up, status bar says signed out');
  await page.screenshot({ path: path.join(artifacts, 'signed-out.png') });

  await command(page, 'Konnect: Sign In');
  // The palette's own input turns into the token prompt: wait for it to be a password box.
  await page
    .locator('.quick-input-widget input[type="password"]')
    .waitFor({ state: 'visible', timeout: 30_000 })
    .catch(() => {
      throw new Error('the token prompt never appeared as a password box');
    });
  await answer(page, world.adminPAT);
  const signedIn = page.locator('.statusbar-item', { hasText: /default · / }).first();
  await signedIn.waitFor({ timeout: 60_000 });
  step(`signed in; status bar: ${(await signedIn.innerText()).trim()}`);

  const name = `ui-token-${Date.now()}`;
  await command(page, 'Konnect: Create Personal Access Token');
  await answer(page, name, { title: /^Konnect: Create Personal Access Token$/ });
  await answer(page, '30 days', { title: 'expires in', expectRow: '30 days' });
  await answer(page, 'Copy to clipboard', { title: 'where should the new token go', expectRow: 'Copy to clipboard' });
  // Konnect (the emulator) received it.
  const me = await konnectGET(world, '/v3/users/me');
  const end = Date.now() + 60_000;
  let made;
  while (!(made = (await konnectGET(world, `/v3/users/${me.id}/access-tokens`)).data.find((t) => t.name === name))) {
    if (Date.now() > end) throw new Error(`the emulator has no token named ${name} after 60 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const days = (Date.parse(made.expires_at) - Date.now()) / 86_400_000;
  if (!(days > 29 && days <= 30.01)) throw new Error(`the token expires in ${days.toFixed(2)} days, not the 30 picked`);
  step(`the emulator lists the new token, expiring in ${days.toFixed(1)} days`);

  // Toasts without actions close by themselves, so read the notification
  // center, which keeps them: the message says where the token went.
  await command(page, 'Notifications: Show Notifications');
  const note = page.locator('.notifications-center .notification-list-item', { hasText: `"${name}"` }).filter({ hasText: 'created' });
  await note.waitFor({ timeout: 30_000 });
  step(`notification: ${(await note.innerText()).split('\n')[0].trim()}`);
  // The "creating token…" progress closes once the token is delivered
  // (VS Code keeps a progress notification up for at least 800 ms).
  const progress = page.locator('.notifications-center .notification-list-item', { hasText: 'creating token' });
  await progress.waitFor({ state: 'detached', timeout: 10_000 }).catch(() => {
    throw new Error('the "creating token…" progress notification is still open 10 s after the token was delivered');
  });
  step('the progress notification closed');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
  // Expand the message so the screenshot (the README's) shows where the token went.
  await note.locator('.codicon-notifications-expand').click({ timeout: 3_000 }).catch(() => undefined);
  const shot = path.join(artifacts, 'create-pat.png');
  await page.screenshot({ path: shot });
  step(`screenshot: ${shot}`);

  // The clipboard holds a token that works, for the same user.
  const clip = await page.evaluate(() => navigator.clipboard.readText());
  if (!/^kpat_/.test(clip)) throw new Error('the clipboard does not hold a PAT');
  const check = await fetch(`${world.baseURL}/v3/users/me`, { headers: { Authorization: `Bearer ${clip}` } });
  const who = check.ok ? await check.json() : {};
  if (who.id !== me.id) throw new Error(`the clipboard's PAT does not authenticate as the signed-in user (HTTP ${check.status})`);
  step('the clipboard holds a working PAT for the signed-in user');

  assertNoSecret(await page.locator('body').innerText(), 'the workbench (notifications, status bar, editors)');
  step('no token visible anywhere on the page');
  return true;
}
