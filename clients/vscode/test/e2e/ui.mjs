// ui.mjs: tier 3, the user's path through the real workbench: Sign In and
// Create Personal Access Token from the command palette (F1), then proof
// that Konnect received the token and that the clipboard holds a working
// one; the Konnect view; rotating the token you are signed in with (from
// the palette, then from the view's inline action) with the keychain
// (secret-tool) and the emulator's token states checked after each; the
// Accounts menu; a token set in a terminal's environment, with the shell
// history checked — while no token is visible anywhere on the page. The
// README's screenshots are written to images/.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { konnectGET, assertNoSecret, keychainLookup, whoseToken } = require('../support/world.js');

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

/** until polls fn until it returns something truthy. */
async function until(what, fn, ms = 60_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** modal presses a button of the modal dialog whose text matches title. */
async function modal(page, title, button) {
  const box = page.locator('.monaco-dialog-box', { hasText: title });
  await box.waitFor({ state: 'visible', timeout: 30_000 });
  await box.locator('.dialog-buttons .monaco-button', { hasText: button }).first().click();
  await box.waitFor({ state: 'hidden', timeout: 10_000 });
}

export async function uiTest({ browser, url, world, artifacts, images = artifacts, historyFile }) {
  const page = browser.pages()[0] ?? (await browser.newPage());
  await page.goto(url);
  const status = page.locator('.statusbar-item', { hasText: /default/ }).first();
  await status.waitFor({ timeout: 120_000 });
  await page.locator('.statusbar-item', { hasText: 'signed out' }).first().waitFor({ timeout: 60_000 });
  step('workbench up, status bar says signed out');
  await page.screenshot({ path: path.join(images, 'signed-out.png') });

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
  const shot = path.join(images, 'create-pat.png');
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
  await page.keyboard.press('Escape');

  // Sign in with the new PAT: pasted, so konnectd does not know its id.
  const made1 = made;
  await command(page, 'Konnect: Sign In');
  await page.locator('.quick-input-widget input[type="password"]').waitFor({ state: 'visible', timeout: 30_000 });
  await answer(page, clip);
  await until('the keychain holds the pasted PAT', () => keychainLookup(world, 'default') === clip);
  step('signed in with the new PAT (its id unknown to konnectd)');

  // Rotate it from the palette: the confirmation offers to keep the profile signed in.
  await command(page, 'Konnect: Rotate Token');
  await answer(page, 'One of my personal access tokens', { expectRow: 'One of my personal access tokens' });
  await answer(page, name, { title: 'which token', expectRow: name });
  const confirm = page.locator('.monaco-dialog-box', { hasText: `Rotate personal access token "${name}"?` });
  await confirm.waitFor({ state: 'visible', timeout: 30_000 });
  await page.screenshot({ path: path.join(images, 'rotate-confirm.png') });
  await modal(page, `Rotate personal access token "${name}"?`, 'It Is My Sign-In Token');
  await answer(page, '30 days', { title: 'expires in', expectRow: '30 days' });
  const second = await until('the keychain holds the successor', () => {
    const v = keychainLookup(world, 'default');
    return v && v !== clip && v;
  });
  if ((await whoseToken(world, second)) !== me.id) throw new Error('the successor in the keychain does not work');
  const states = async () => (await konnectGET(world, `/v3/users/${me.id}/access-tokens`)).data;
  if (!(await states()).find((t) => t.id === made1.id)?.revoked_at) throw new Error('the rotated PAT is not revoked in the emulator');
  if (await whoseToken(world, clip)) throw new Error('the rotated PAT still works');
  await page.locator('.statusbar-item', { hasText: /default · / }).first().waitFor({ timeout: 30_000 });
  step('rotated from the palette: keychain holds the working successor, the old one is revoked, still signed in');

  // A token about to expire, made in Konnect directly: the view warns about it.
  const soon = await fetch(`${world.baseURL}/v3/users/${me.id}/access-tokens`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${world.adminPAT}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'expiring-soon', ttl_seconds: 3 * 86400 }),
  });
  if (soon.status !== 201) throw new Error(`the emulator did not create expiring-soon: HTTP ${soon.status}`);
  await soon.body?.cancel();
  // The Konnect view: the signed-in token is marked; rotate it from its inline action.
  await page.locator('.activitybar [aria-label^="Konnect"]').first().click();
  const tokensRow = page.locator('.monaco-list-row', { hasText: 'My tokens' }).first();
  await tokensRow.waitFor({ timeout: 30_000 });
  await tokensRow.click();
  const mine = page.locator('.monaco-list-row', { hasText: name }).filter({ hasText: 'signed in' }).first();
  await mine.waitFor({ timeout: 30_000 });
  step(`the view marks the signed-in token: ${(await mine.innerText()).replace(/\s+/g, ' ').trim()}`);
  await page.locator('.monaco-list-row', { hasText: 'System accounts' }).first().click();
  await page.locator('.monaco-list-row', { hasText: 'ci-deployer' }).first().waitFor({ timeout: 30_000 });
  // Widen the side bar (drag its sash) so the picture shows the descriptions beside the inline actions.
  const sash = await page.locator('.part.sidebar').boundingBox();
  if (sash) {
    await page.mouse.move(sash.x + sash.width + 1, sash.y + 300);
    await page.mouse.down();
    await page.mouse.move(sash.x + sash.width + 220, sash.y + 300, { steps: 5 });
    await page.mouse.up();
  }
  const warned = page.locator('.monaco-list-row', { hasText: 'expiring-soon' }).first();
  await warned.locator('.codicon-warning').waitFor({ timeout: 10_000 }).catch(() => {
    throw new Error('the token expiring in 3 days has no warning icon in the view');
  });
  step('the view warns about the token expiring in 3 days');
  await mine.hover();
  await page.screenshot({ path: path.join(images, 'view.png') });
  await mine.locator('.action-label[aria-label^="Rotate"]').click();
  await modal(page, `Rotate personal access token "${name}"?`, 'Rotate');
  await answer(page, '90 days', { title: 'expires in', expectRow: '90 days' });
  const third = await until('the keychain holds the second successor', () => {
    const v = keychainLookup(world, 'default');
    return v && v !== second && v;
  });
  if ((await whoseToken(world, third)) !== me.id) throw new Error('the second successor does not work');
  if (await whoseToken(world, second)) throw new Error('the token rotated from the view still works');
  const live = (await states()).filter((t) => t.name === name && !t.revoked_at);
  if (live.length !== 1) throw new Error(`${live.length} active tokens named ${name}, not 1`);
  step('rotated from the view: one active token of that name, the keychain holds it');

  // The Accounts menu lists the Konnect session of the profile.
  await page.locator('.activitybar [aria-label^="Accounts"]').first().click();
  const account = page.locator('.monaco-menu .action-item, .context-view .action-label', { hasText: '(default)' }).first();
  await account.waitFor({ timeout: 30_000 });
  step(`Accounts menu: ${(await account.innerText()).trim()}`);
  // Let the menu finish fading in, for the README's picture (nothing is asserted on time).
  await page.waitForTimeout(600);
  await page.screenshot({ path: path.join(images, 'accounts.png') });
  await page.keyboard.press('Escape');

  // A token for new terminals: never typed, not in the shell history.
  const tname = `ui-term-${Date.now()}`;
  await command(page, 'Konnect: Create Personal Access Token');
  await answer(page, tname, { title: /^Konnect: Create Personal Access Token$/ });
  await answer(page, '7 days', { title: 'expires in', expectRow: '7 days' });
  await answer(page, 'Set in new terminals', { title: 'where should the new token go', expectRow: 'Set in new terminals' });
  const rows = page.locator('.terminal-wrapper .xterm-rows').last();
  await rows.waitFor({ timeout: 60_000 });
  await page.locator('.terminal-wrapper .xterm').last().click();
  await page.keyboard.type('echo "token length: ${#KONNECT_TOKEN}"');
  await page.keyboard.press('Enter');
  await until('the terminal to answer', async () => /token length: (\d{2,})/.test(await rows.innerText()), 30_000);
  const len = /token length: (\d{2,})/.exec(await rows.innerText())[1];
  step(`a new terminal has KONNECT_TOKEN (${len} characters), typed by nobody`);
  if (historyFile) {
    await until('the shell history written', () => fs.existsSync(historyFile) && /token length/.test(fs.readFileSync(historyFile, 'utf8')), 30_000);
    assertNoSecret(fs.readFileSync(historyFile, 'utf8'), 'the shell history');
    step('the shell history holds the echo, no token');
  }
  assertNoSecret(await page.locator('body').innerText(), 'the workbench (terminal, view, notifications)');
  step('still no token visible anywhere on the page');
  return true;
}
