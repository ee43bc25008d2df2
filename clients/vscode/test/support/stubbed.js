// stubbed.js: what every tier-1 test file needs first. Requiring it makes
// `require('vscode')` (in the bundled extension too) return the stub, so
// the extension runs under node --test against the real daemon.
'use strict';
const Module = require('node:module');
const vscode = require('./vscode-stub');

const origLoad = Module._load;
Module._load = function (request, ...rest) {
  return request === 'vscode' ? vscode : origLoad.call(this, request, ...rest);
};

// until polls fn every 50 ms until it returns something truthy, and fails
// with `what` after ms.
async function until(what, fn, ms = 20_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

module.exports = { vscode, until };
