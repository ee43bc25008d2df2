// daemon.ts: the one connection to konnectd. It starts `konnectd serve
// --stdio` (or joins the shared socket), speaks Content-Length-framed
// JSON-RPC through vscode-jsonrpc, and restarts the daemon with backoff when
// it dies, saying so in the log and the status bar. It holds no Konnect
// logic: methods, validation and errors all come from the daemon.
//
// Limits: requests made while the daemon is down wait for the next start
// (up to one backoff period) rather than failing at once; a request that was
// in flight when the daemon died fails with the connection error.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  ResponseError,
  type MessageConnection,
  type CancellationToken,
} from 'vscode-jsonrpc/node';

export interface DaemonSettings {
  /** binary path; "" means konnectd on PATH */
  path: string;
  connection: 'stdio' | 'socket';
  socketPath: string;
  args: string[];
  /** KONGCTL_* variables for initialize.env */
  env: Record<string, string>;
  clientVersion: string;
}

/** starting → ready; down: it died and a restart is scheduled; failed: a start failed (detail says why). */
export type DaemonState = 'starting' | 'ready' | 'down' | 'failed';

export interface DaemonEvents {
  log(level: 'info' | 'warn' | 'error', msg: string): void;
  stderr(text: string): void;
  state(state: DaemonState, detail?: string): void;
}

/** Backoff after an unexpected exit: 0.5 s, 1 s, 2 s … capped at 30 s; reset after 60 s of health. */
export function backoffDelay(failures: number): number {
  return Math.min(30_000, 500 * 2 ** Math.max(0, failures - 1));
}

type Handler = (params: any) => void;

export class Daemon {
  private conn: MessageConnection | undefined;
  private child: ChildProcess | undefined;
  private ready: Promise<MessageConnection> | undefined;
  private handlers = new Map<string, Handler[]>();
  private failures = 0;
  private healthyTimer: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  /** bumped by stop(): a start that was superseded must not stop its successor */
  private generation = 0;
  /** serverInfo.version from the last initialize */
  serverVersion = '';
  methods: string[] = [];

  constructor(
    private settings: DaemonSettings,
    private events: DaemonEvents,
  ) {}

  /** onNotification registers a handler that survives restarts. */
  onNotification(method: string, h: Handler): void {
    const list = this.handlers.get(method) ?? [];
    list.push(h);
    this.handlers.set(method, list);
  }

  /** request sends one call, starting the daemon first if needed. */
  async request<T>(method: string, params?: object, token?: CancellationToken): Promise<T> {
    const conn = await this.connection();
    return token ? conn.sendRequest<T>(method, params ?? {}, token) : conn.sendRequest<T>(method, params ?? {});
  }

  /** connection returns the live connection, starting one when there is none. */
  connection(): Promise<MessageConnection> {
    if (this.disposed) return Promise.reject(new Error('the Konnect extension is shutting down'));
    if (!this.ready) {
      this.ready = this.start();
      // A failed start must not be cached: the next request tries again.
      const ready = this.ready;
      ready.catch((err) => {
        if (this.ready === ready) this.ready = undefined;
        if (!this.disposed && !(err as { superseded?: boolean }).superseded) this.events.state('failed', errorText(err));
      });
    }
    return this.ready;
  }

  /**
   * reconfigure replaces the settings and reconnects with them, also when
   * the last start failed: fixing "konnect.path" must not wait for the
   * next command to take effect.
   */
  async reconfigure(settings: DaemonSettings): Promise<void> {
    this.settings = settings;
    await this.restart('settings changed');
  }

  async restart(reason: string): Promise<void> {
    this.events.log('info', `restarting konnectd: ${reason}`);
    this.stop();
    this.failures = 0;
    await this.connection();
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
  }

  private stop(): void {
    this.generation++;
    clearTimeout(this.restartTimer);
    clearTimeout(this.healthyTimer);
    const conn = this.conn;
    const child = this.child;
    this.conn = undefined;
    this.child = undefined;
    this.ready = undefined;
    if (conn) {
      // Polite goodbye; the daemon also exits on EOF.
      conn.sendNotification('exit').catch(() => undefined);
      conn.dispose();
    }
    if (child) {
      child.removeAllListeners('exit');
      child.stdin?.end();
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      child.once('exit', () => clearTimeout(t));
      child.kill('SIGTERM');
    }
  }

  private async start(): Promise<MessageConnection> {
    const generation = this.generation;
    this.events.state('starting');
    const conn =
      this.settings.connection === 'socket' ? await this.startSocket() : await this.startStdio();
    for (const [method, list] of this.handlers) {
      conn.onNotification(method, (p: unknown) => list.forEach((h) => h(p)));
    }
    // A daemon that dies before answering (bad flags, bad config) closes the
    // stream; without this race initialize would wait forever.
    const closed = new Promise<never>((_, reject) =>
      conn.onClose(() => reject(new Error('the daemon closed the connection (see the Konnect output channel)'))),
    );
    closed.catch(() => undefined);
    conn.listen();
    try {
      const res = await Promise.race([
        conn.sendRequest<{ serverInfo: { version: string }; methods: string[] }>('initialize', {
          clientInfo: { name: 'vscode-konnect', version: this.settings.clientVersion },
          env: this.settings.env,
        }),
        closed,
      ]);
      this.serverVersion = res.serverInfo?.version ?? '';
      this.methods = res.methods ?? [];
    } catch (err) {
      if (this.generation !== generation) {
        conn.dispose();
        throw Object.assign(new Error('superseded by a newer start'), { superseded: true });
      }
      this.stop();
      throw new Error(`konnectd did not answer initialize: ${errorText(err)}`);
    }
    this.conn = conn;
    this.events.log('info', `connected to konnectd ${this.serverVersion} over ${this.settings.connection}`);
    this.events.state('ready');
    this.healthyTimer = setTimeout(() => (this.failures = 0), 60_000);
    return conn;
  }

  private binary(): string {
    return this.settings.path.trim() || 'konnectd';
  }

  private async startStdio(): Promise<MessageConnection> {
    const bin = this.binary();
    const args = ['serve', '--stdio', ...this.settings.args];
    this.events.log('info', `starting ${bin} ${args.join(' ')}`);
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'], env: process.env });
    this.child = child;
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => this.events.stderr(d));
    // Node emits exactly one of 'spawn' and 'error' first; ENOENT sends no data.
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (err: NodeJS.ErrnoException) => {
        this.child = undefined;
        reject(
          new Error(
            err.code === 'ENOENT'
              ? `cannot find the konnectd binary "${bin}": install konnectd or set "konnect.path"`
              : err.code === 'EACCES'
                ? `cannot run "${bin}" (permission denied): point "konnect.path" at the konnectd binary, or make it executable`
                : `cannot start konnectd "${bin}": ${err.message}; check "konnect.path"`,
          ),
        );
      });
    });
    child.on('error', (err) => this.events.log('error', `konnectd: ${err.message}`));
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    return createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  }

  private async startSocket(): Promise<MessageConnection> {
    const sock = this.settings.socketPath.trim() || defaultSocketPath(process.env);
    let socket: net.Socket;
    try {
      socket = await connectUnix(sock);
    } catch (err) {
      // A socket another user may control is the answer, not a reason to start one.
      if (err instanceof SocketRefusedError) throw err;
      // None running: let konnectd's own race-free auto-start bring one up.
      this.events.log('info', `no daemon on ${sock}; starting one`);
      const r = spawnSync(this.binary(), ['call', 'daemon/status'], {
        env: { ...process.env, KONNECTD_SOCKET: sock },
        encoding: 'utf8',
        timeout: 20_000,
      });
      if (r.error || r.status !== 0) {
        throw new Error(`cannot start the shared konnectd on ${sock}: ${r.error?.message ?? r.stderr.trim()}`);
      }
      socket = await connectUnix(sock);
    }
    socket.once('close', () => this.onSocketClose(socket));
    return createMessageConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket));
  }

  private onSocketClose(_s: net.Socket): void {
    if (this.disposed || !this.conn) return;
    this.scheduleRestart('the shared daemon closed the connection');
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.disposed || this.child !== child) return;
    this.scheduleRestart(`konnectd exited (${signal ?? 'code ' + code})`);
  }

  private scheduleRestart(why: string): void {
    const conn = this.conn;
    this.conn = undefined;
    this.child = undefined;
    this.ready = undefined;
    conn?.dispose();
    clearTimeout(this.healthyTimer);
    this.failures++;
    const delay = backoffDelay(this.failures);
    this.events.log('warn', `${why}; restarting in ${(delay / 1000).toFixed(1)} s (attempt ${this.failures})`);
    this.events.state('down', why);
    this.restartTimer = setTimeout(() => {
      this.connection().catch((err) => {
        this.events.log('error', errorText(err));
        this.scheduleRestart(`restart failed: ${errorText(err)}`);
      });
    }, delay);
  }
}

/** defaultSocketPath follows `konnectd serve --help`. */
export function defaultSocketPath(env: NodeJS.ProcessEnv): string {
  if (env.KONNECTD_SOCKET) return env.KONNECTD_SOCKET;
  if (env.XDG_RUNTIME_DIR) return path.join(env.XDG_RUNTIME_DIR, 'konnectd', 'konnectd.sock');
  const uid = process.getuid?.() ?? 0;
  return path.join(env.TMPDIR || os.tmpdir() || '/tmp', `konnectd-${uid}`, 'konnectd.sock');
}

/** SocketRefusedError: the socket is not provably the user's own; nothing was sent to it. */
export class SocketRefusedError extends Error {}

/**
 * checkSocket refuses a socket that another user could have put in place,
 * before anything is sent to it (issue 19: another user who pre-creates
 * $TMPDIR/konnectd-<uid>/ must not receive a token). konnectd's own clients
 * ask the kernel who listens (SO_PEERCRED); Node cannot, so this checks what
 * lstat shows: the directory is a real directory (not a symlink) owned by
 * this user with no group or other permissions, and the socket is a socket
 * (not a symlink) owned by this user. Only this user (or root) can create
 * anything in such a directory, and a socket file is owned by whoever bound
 * it. Limit: a socket root bound and then chowned to this user passes,
 * where the peer check would not. A missing directory or socket is ENOENT
 * (no daemon yet), not a refusal. Where there are no uids (Windows) it
 * checks nothing: the socket transport is for Unix.
 */
export async function checkSocket(p: string, uid: number | undefined = process.getuid?.()): Promise<void> {
  if (uid === undefined) return;
  const dir = path.dirname(p);
  const refuse = (what: string, why: string) =>
    new SocketRefusedError(`refusing ${what}: ${why}; remove it or choose another path with "konnect.socketPath"`);
  const d = await fs.promises.lstat(dir);
  if (d.isSymbolicLink()) throw refuse(`socket directory ${dir}`, 'it is a symlink');
  if (!d.isDirectory()) throw refuse(`socket directory ${dir}`, 'not a directory');
  if (d.uid !== uid) throw refuse(`socket directory ${dir}`, `owned by uid ${d.uid}, not by you (uid ${uid})`);
  if ((d.mode & 0o077) !== 0) {
    throw refuse(`socket directory ${dir}`, `mode 0${(d.mode & 0o777).toString(8)} lets other users in`);
  }
  const f = await fs.promises.lstat(p);
  if (!f.isSocket()) throw refuse(`socket ${p}`, f.isSymbolicLink() ? 'it is a symlink' : 'not a socket');
  if (f.uid !== uid) throw refuse(`socket ${p}`, `owned by uid ${f.uid}, not by you (uid ${uid})`);
}

/** connectUnix dials the daemon's socket once checkSocket has passed it. */
async function connectUnix(p: string): Promise<net.Socket> {
  await checkSocket(p);
  return new Promise((resolve, reject) => {
    const s = net.createConnection(p);
    s.once('connect', () => {
      s.removeAllListeners('error');
      resolve(s);
    });
    s.once('error', reject);
  });
}

/** errorText is a one-line message for any thrown value (not redacted; callers redact). */
export function errorText(err: unknown): string {
  if (err instanceof ResponseError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
