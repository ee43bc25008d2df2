// vscode-stub.js: a stand-in for the `vscode` module for the fast tier.
// Only VS Code is replaced: the bundled extension, the konnectd binary and
// the Konnect emulator are all real. Prompts are answered from a script
// (ui.answers) and every message, log line, clipboard write and terminal
// write is recorded so tests can check that no secret escaped.
'use strict';

const ui = {
  /** answers for showInputBox / showQuickPick, in order: strings or (items|options) => item */
  answers: [],
  /** what each prompt looked like, and what validateInput said about the answer */
  prompts: [],
  messages: [], // {level, text, items}
  progress: [], // {options, reports: [{message, increment}], done}
  output: [], // lines appended to output channels
  clipboard: '',
  terminalText: [],
  documents: [],
  settings: {},
  activeTextEditor: undefined,
};

function next(kind, arg, options) {
  if (ui.answers.length === 0) throw new Error(`stub: no scripted answer for ${kind} ${JSON.stringify(options?.title ?? '')}`);
  let a = ui.answers.shift();
  if (typeof a === 'function') a = a(arg, options);
  return a;
}

class EventEmitter {
  constructor() { this.listeners = []; this.event = (l) => { this.listeners.push(l); return { dispose() {} }; }; }
  fire(v) { this.listeners.forEach((l) => l(v)); }
  dispose() {}
}

class ThemeColor { constructor(id) { this.id = id; } }

const statusItems = [];
const commands = new Map();

const window = {
  createOutputChannel(name) {
    return {
      name,
      appendLine: (l) => ui.output.push(l),
      append: (l) => ui.output.push(l),
      show() {},
      dispose() {},
    };
  },
  createStatusBarItem(id) {
    const item = { id, text: '', tooltip: '', show() {}, hide() {}, dispose() {} };
    statusItems.push(item);
    return item;
  },
  async showInputBox(options) {
    const v = next('showInputBox', undefined, options);
    const validation = v !== undefined && options?.validateInput ? await options.validateInput(v) : undefined;
    ui.prompts.push({ kind: 'input', title: options?.title, password: !!options?.password, validation });
    // Like VS Code: an invalid value cannot be accepted; the user gives up.
    return validation ? undefined : v;
  },
  async showQuickPick(items, options) {
    const list = await items;
    const v = next('showQuickPick', list, options);
    ui.prompts.push({ kind: 'pick', title: options?.title, labels: list.map((i) => i.label) });
    if (v === undefined) return undefined;
    if (typeof v === 'string') {
      const hit = list.find((i) => i.label === v);
      if (!hit) throw new Error(`stub: no item "${v}" in ${list.map((i) => i.label).join(', ')}`);
      return hit;
    }
    return v;
  },
  showInformationMessage(text, ...items) { ui.messages.push({ level: 'info', text, items }); return Promise.resolve(undefined); },
  showWarningMessage(text, ...items) { ui.messages.push({ level: 'warn', text, items }); return Promise.resolve(undefined); },
  showErrorMessage(text, ...items) { ui.messages.push({ level: 'error', text, items }); return Promise.resolve(undefined); },
  withProgress(options, task) {
    const rec = { options, reports: [], done: false };
    ui.progress.push(rec);
    const token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };
    const p = Promise.resolve(task({ report: (r) => rec.reports.push(r) }, token));
    p.finally(() => (rec.done = true)).catch(() => undefined);
    return p;
  },
  async showTextDocument(doc) { return { document: doc }; },
  get activeTextEditor() { return ui.activeTextEditor; },
  activeTerminal: undefined,
  createTerminal(name) {
    // addNewLine defaults to true in VS Code: the text would be executed.
    return { name, show() {}, sendText: (text, addNewLine = true) => ui.terminalText.push({ text, addNewLine }), dispose() {} };
  },
};

const workspace = {
  workspaceFolders: undefined,
  getConfiguration(section) {
    return {
      get: (key, dflt) => {
        const v = ui.settings[`${section}.${key}`];
        return v === undefined ? dflt : v;
      },
      update: async (key, value) => {
        ui.settings[`${section}.${key}`] = value;
        configEmitter.fire({ affectsConfiguration: (k) => k === `${section}.${key}` || k === section });
      },
    };
  },
  onDidChangeConfiguration: (l) => configEmitter.event(l),
  async openTextDocument(opts) {
    if (opts instanceof Uri) {
      // A provider's document, as VS Code makes it: read-only, its text
      // what the provider answered for the URI.
      const provider = providers.get(opts.scheme);
      if (!provider) throw new Error(`stub: no content provider for ${opts.scheme}:`);
      const content = await provider.provideTextDocumentContent(opts, { isCancellationRequested: false });
      const doc = { uri: opts, getText: () => content, languageId: 'plaintext', readOnly: true };
      ui.documents.push(doc);
      return doc;
    }
    const n = ui.documents.length + 1;
    const doc = { uri: { toString: () => `untitled:Untitled-${n}` }, getText: () => opts.content, languageId: opts.language };
    ui.documents.push(doc);
    return doc;
  },
  registerTextDocumentContentProvider(scheme, provider) {
    providers.set(scheme, provider);
    return { dispose: () => providers.delete(scheme) };
  },
  asRelativePath: (u) => String(u),
};
const configEmitter = new EventEmitter();
const providers = new Map();

// Uri: the parts VS Code's Uri.from keeps, and its toString shape.
class Uri {
  constructor(scheme, path, query, fragment) { Object.assign(this, { scheme, path, query, fragment, authority: '' }); }
  static from(c) { return new Uri(c.scheme, c.path ?? '', c.query ?? '', c.fragment ?? ''); }
  toString() {
    return `${this.scheme}:${encodeURI(this.path)}${this.query ? '?' + encodeURIComponent(this.query) : ''}${this.fragment ? '#' + this.fragment : ''}`;
  }
}

const languages = {
  async setTextDocumentLanguage(doc, languageId) { doc.languageId = languageId; return doc; },
};

module.exports = {
  ui,
  statusItems,
  window,
  workspace,
  languages,
  Uri,
  commands: {
    registerCommand(id, fn) { commands.set(id, fn); return { dispose: () => commands.delete(id) }; },
    executeCommand(id, ...args) {
      const fn = commands.get(id);
      if (!fn) return Promise.resolve(undefined); // built-in commands: nothing to do here
      return Promise.resolve(fn(...args));
    },
  },
  env: { clipboard: { writeText: async (t) => { ui.clipboard = t; }, readText: async () => ui.clipboard } },
  EventEmitter,
  ThemeColor,
  StatusBarAlignment: { Left: 1, Right: 2 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  ViewColumn: { Active: -1, Beside: -2, One: 1 },
};
