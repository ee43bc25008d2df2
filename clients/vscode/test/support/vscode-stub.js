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
  /** reloads of open provider documents after onDidChange, to await */
  pendingReloads: [],
  terminalText: [],
  documents: [],
  settings: {},
  activeTextEditor: undefined,
  /** setContext calls: key → value */
  context: {},
  /** terminals created: {name, env} where env is what the environment collection gave it */
  terminals: [],
  /** the extension's terminal environment collection (variables set with replace) */
  terminalEnv: new Map(),
};

/** A Memento in memory, as workspaceState and globalState are. */
function memento() {
  const m = new Map();
  return { get: (k, d) => (m.has(k) ? m.get(k) : d), update: async (k, v) => { if (v === undefined) m.delete(k); else m.set(k, v); }, keys: () => [...m.keys()] };
}

/** envCollection is an EnvironmentVariableCollection backed by ui.terminalEnv. */
function envCollection() {
  const c = {
    persistent: true,
    description: undefined,
    replace: (k, v) => ui.terminalEnv.set(k, v),
    get: (k) => (ui.terminalEnv.has(k) ? { value: ui.terminalEnv.get(k), type: 1 } : undefined),
    delete: (k) => ui.terminalEnv.delete(k),
    clear: () => ui.terminalEnv.clear(),
    getScoped: () => c,
  };
  return c;
}

/** testContext is an ExtensionContext for activate(). */
function testContext(subscriptions) {
  return {
    subscriptions,
    extension: { packageJSON: { version: '0.0.0-test' } },
    workspaceState: memento(),
    globalState: memento(),
    environmentVariableCollection: envCollection(),
  };
}

/**
 * message records a notification. A modal one is a prompt, as in VS Code:
 * it takes the next scripted answer (a button label, or undefined to
 * dismiss it); others resolve undefined, as a toast nobody clicks.
 */
function message(level, text, items) {
  const options = items[0] && typeof items[0] === 'object' && !Array.isArray(items[0]) ? items.shift() : undefined;
  ui.messages.push({ level, text, items, modal: !!options?.modal, detail: options?.detail });
  if (!options?.modal) return Promise.resolve(undefined);
  const a = next('modal message', items, { title: text });
  ui.prompts.push({ kind: 'modal', title: text, labels: items, detail: options.detail });
  if (a !== undefined && !items.includes(a)) throw new Error(`stub: no button "${a}" in ${items.join(', ')}`);
  return Promise.resolve(a);
}

function next(kind, arg, options) {
  if (ui.answers.length === 0) throw new Error(`stub: no scripted answer for ${kind} ${JSON.stringify(options?.title ?? '')}`);
  let a = ui.answers.shift();
  if (typeof a === 'function') a = a(arg, options);
  return a;
}

class EventEmitter {
  constructor() {
    this.listeners = [];
    this.event = (l) => { this.listeners.push(l); return { dispose: () => { this.listeners = this.listeners.filter((x) => x !== l); } }; };
  }
  fire(v) { this.listeners.forEach((l) => l(v)); }
  dispose() {}
}

class ThemeColor { constructor(id) { this.id = id; } }
class ThemeIcon { constructor(id, color) { this.id = id; this.color = color; } }
class TreeItem { constructor(label, collapsibleState = 0) { this.label = label; this.collapsibleState = collapsibleState; } }
const TreeItemCollapsibleState = { None: 0, Collapsed: 1, Expanded: 2 };
/** the tree views the extension made: id → {provider} */
const treeViews = new Map();

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
  createTreeView(id, options) {
    const view = { id, provider: options.treeDataProvider, visible: true, dispose() {}, reveal: async () => undefined };
    treeViews.set(id, view);
    return view;
  },
  registerTreeDataProvider(id, provider) {
    treeViews.set(id, { id, provider });
    return { dispose() {} };
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
  showInformationMessage(text, ...items) { return message('info', text, items); },
  showWarningMessage(text, ...items) { return message('warn', text, items); },
  showErrorMessage(text, ...items) { return message('error', text, items); },
  withProgress(options, task) {
    const rec = { options, reports: [], done: false };
    ui.progress.push(rec);
    const token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };
    const p = Promise.resolve(task({ report: (r) => rec.reports.push(r) }, token));
    p.finally(() => (rec.done = true)).catch(() => undefined);
    return p;
  },
  async showTextDocument(doc) { ui.shown = doc; return { document: doc }; },
  get activeTextEditor() { return ui.activeTextEditor; },
  activeTerminal: undefined,
  createTerminal(opts) {
    const name = typeof opts === 'string' ? opts : opts?.name;
    // A new terminal starts with the environment collection's variables.
    ui.terminals.push({ name, env: Object.fromEntries(ui.terminalEnv), options: typeof opts === 'object' ? opts : undefined });
    // addNewLine defaults to true in VS Code: the text would be executed.
    return { name, show() {}, sendText: (text, addNewLine = true) => ui.terminalText.push({ text, addNewLine }), dispose() {} };
  },
};

const docChange = new EventEmitter();
const docClose = new EventEmitter();
const textDocuments = [];

const workspace = {
  workspaceFolders: undefined,
  textDocuments,
  onDidChangeTextDocument: (l) => docChange.event(l),
  onDidCloseTextDocument: (l) => docClose.event(l),
  getConfiguration(section) {
    return {
      get: (key, dflt) => {
        const v = ui.settings[`${section}.${key}`];
        return v === undefined ? dflt : v;
      },
      inspect: (key) => ({ key: `${section}.${key}`, globalValue: ui.settings[`${section}.${key}`] }),
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
      // what the provider answered for the URI; an open one is returned
      // as it is, and the provider's onDidChange makes it ask again.
      const open = textDocuments.find((d) => d.uri.toString() === opts.toString());
      if (open) return open;
      const provider = providers.get(opts.scheme);
      if (!provider) throw new Error(`stub: no content provider for ${opts.scheme}:`);
      let content = await provider.provideTextDocumentContent(opts, { isCancellationRequested: false });
      const doc = { uri: opts, getText: () => content, languageId: 'plaintext', readOnly: true, version: 1 };
      doc.reload = async () => { content = await provider.provideTextDocumentContent(opts, { isCancellationRequested: false }); doc.version++; };
      ui.documents.push(doc);
      textDocuments.push(doc);
      return doc;
    }
    const n = ui.documents.length + 1;
    const doc = { uri: { toString: () => `untitled:Untitled-${n}` }, getText: () => opts.content, languageId: opts.language };
    ui.documents.push(doc);
    return doc;
  },
  registerTextDocumentContentProvider(scheme, provider) {
    providers.set(scheme, provider);
    const sub = provider.onDidChange?.((uri) => {
      const d = textDocuments.find((x) => x.uri.toString() === uri.toString());
      if (d) ui.pendingReloads.push(d.reload());
    });
    return { dispose: () => { providers.delete(scheme); sub?.dispose(); } };
  },
  asRelativePath: (u) => String(u),
};
const configEmitter = new EventEmitter();
const providers = new Map();

// Uri: the parts VS Code's Uri.from keeps, and its toString shape.
class Uri {
  constructor(scheme, path, query, fragment, authority = '') { Object.assign(this, { scheme, path, query, fragment, authority }); }
  static from(c) { return new Uri(c.scheme, c.path ?? '', c.query ?? '', c.fragment ?? '', c.authority ?? ''); }
  static file(p) { return new Uri('file', p, '', ''); }
  toString() {
    return `${this.scheme}:${this.authority ? '//' + this.authority : ''}${encodeURI(this.path)}${this.query ? '?' + encodeURIComponent(this.query) : ''}${this.fragment ? '#' + this.fragment : ''}`;
  }
}

const languages = {
  async setTextDocumentLanguage(doc, languageId) { doc.languageId = languageId; return doc; },
};

/** editDocument is the user typing in doc: its text becomes text and listeners hear of it. */
function editDocument(doc, text) {
  doc.getText = () => text;
  docChange.fire({ document: doc, contentChanges: [{ text }] });
}

/** authentication providers the extension registered: id → {provider, label, options} */
const authProviders = new Map();
const authentication = {
  registerAuthenticationProvider(id, label, provider, options) {
    authProviders.set(id, { provider, label, options });
    return { dispose: () => authProviders.delete(id) };
  },
};

module.exports = {
  ui,
  authentication,
  authProviders,
  testContext,
  editDocument,
  statusItems,
  window,
  workspace,
  languages,
  Uri,
  commands: {
    registerCommand(id, fn) { commands.set(id, fn); return { dispose: () => commands.delete(id) }; },
    executeCommand(id, ...args) {
      if (id === 'setContext') { ui.context[args[0]] = args[1]; return Promise.resolve(undefined); }
      const fn = commands.get(id);
      if (!fn) return Promise.resolve(undefined); // built-in commands: nothing to do here
      return Promise.resolve(fn(...args));
    },
  },
  env: { clipboard: { writeText: async (t) => { ui.clipboard = t; }, readText: async () => ui.clipboard } },
  EventEmitter,
  ThemeColor,
  ThemeIcon,
  TreeItem,
  TreeItemCollapsibleState,
  treeViews,
  StatusBarAlignment: { Left: 1, Right: 2 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  ViewColumn: { Active: -1, Beside: -2, One: 1 },
};
