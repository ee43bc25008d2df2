// identity.ts: Find Users and Find Teams. A Konnect filter
// (filter[field][op]=value&…, or the JSON form) is passed through; a bare
// word is matched case-insensitively, here, against the natural fields
// (users: email, full name, preferred name; teams: name, description),
// because Konnect's "contains" is case-sensitive. Limit: a word search
// lists every user (or team) of the organization to do that. Pages load
// under a cancellable progress notification fed by the daemon's
// $/progress; the result is a read-only konnect: document titled by the
// query, the same tab when the same query runs again.
import * as vscode from 'vscode';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { profileParam, type Ctx } from '../context';
import type { KonnectDocuments } from '../documents';
import { resultUri } from '../documents';
import type { Listing, Team, User } from '../types';
import { need } from '../ui';

export interface FindArgs {
  /** the profile to search (the Konnect view's); default: the one in use */
  profile?: string;
  filter?: string;
  limit?: number;
  /** false skips the quick pick (tests, automation) */
  pick?: boolean;
}

export type Kind = 'users' | 'teams';

const spec = {
  users: { method: 'identity/listUsers', fields: ['email', 'full_name', 'preferred_name'], example: 'cruz, or filter[full_name][contains]=Cruz', one: 'user' },
  teams: { method: 'identity/listTeams', fields: ['name', 'description'], example: 'platform, or filter[name][contains]=Plat', one: 'team' },
} as const;

/** isFilter tells a Konnect filter from a bare word. */
export function isFilter(input: string): boolean {
  const t = input.trim();
  return t.startsWith('{') || t.includes('filter[');
}

/** count is "1 user", "3 users". */
export function count(n: number, kind: Kind): string {
  return `${n} ${n === 1 ? spec[kind].one : kind}`;
}

/** matchWord keeps the records whose natural fields contain word, ignoring case. */
export function matchWord<T extends Record<string, unknown>>(kind: Kind, list: T[], word: string): T[] {
  const w = word.trim().toLocaleLowerCase();
  if (w === '') return list;
  return list.filter((r) => spec[kind].fields.some((f) => typeof r[f] === 'string' && (r[f] as string).toLocaleLowerCase().includes(w)));
}

type Rec = User & Team & Record<string, unknown>;

async function load(ctx: Ctx, kind: Kind, raw: string, limit?: number, profile?: string): Promise<Listing<Rec>> {
  const s = spec[kind];
  const filter = isFilter(raw) ? raw.trim() : '';
  const list = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Konnect: loading ${kind}`, cancellable: true },
    async (progress, vsToken) => {
      const cts = new CancellationTokenSource();
      vsToken.onCancellationRequested(() => cts.cancel());
      let last = 0;
      const stop = ctx.progress.listen((p) => {
        if (p.message) {
          progress.report({ message: p.message });
          return;
        }
        const pct = p.total > 0 ? (100 * p.done) / p.total : 0;
        progress.report({ message: `${p.done}${p.total ? ' of ' + p.total : ''}`, increment: pct - last });
        last = pct;
      });
      try {
        return await ctx.daemon.request<Listing<Rec>>(
          s.method,
          { ...(profile ? { profile } : profileParam()), ...(filter ? { filter } : {}), ...(limit && filter ? { limit } : {}) },
          cts.token,
        );
      } finally {
        stop();
        cts.dispose();
      }
    },
  );
  if (filter) return list;
  const data = matchWord(kind, list.data, raw);
  return { ...list, data: limit ? data.slice(0, limit) : data };
}

export async function find(ctx: Ctx, docs: KonnectDocuments, kind: Kind, args: FindArgs = {}): Promise<{ count: number; document: string }> {
  const s = spec[kind];
  const raw =
    args.filter ??
    need(
      await vscode.window.showInputBox({
        title: `Konnect: Find ${kind === 'users' ? 'Users' : 'Teams'}`,
        prompt: `A word (any case; searches ${s.fields.join(', ').replace(/_/g, ' ')}) or a Konnect filter; empty lists all`,
        placeHolder: s.example,
        ignoreFocusOut: true,
      }),
    );
  const q = raw.trim();
  const title = q === '' ? `all ${kind}` : isFilter(q) ? `${kind} ${q}` : `${kind} matching "${q}"`;
  const uri = resultUri('find', title, new URLSearchParams({ q, ...(args.limit ? { limit: String(args.limit) } : {}), ...(args.profile ? { profile: args.profile } : {}) }).toString());
  const render = (l: Listing<Rec>) => JSON.stringify(l.data, null, 2) + '\n';
  const list = await load(ctx, kind, q, args.limit, args.profile);
  const doc = await docs.show(uri, render(list), async () => render(await load(ctx, kind, q, args.limit, args.profile)), 'json');
  ctx.log.info(`found ${count(list.data.length, kind)}${q ? ' for ' + q : ''}`);
  if (args.pick !== false && list.data.length > 0) {
    const chosen = await vscode.window.showQuickPick(
      list.data.map((r) => ({
        label: (kind === 'users' ? r.full_name || r.email : r.name) ?? r.id ?? '?',
        description: kind === 'users' ? r.email : r.description,
        detail: r.id,
      })),
      { title: `${count(list.data.length, kind)}: pick one to copy its id`, matchOnDescription: true, matchOnDetail: true },
    );
    if (chosen?.detail) {
      await vscode.env.clipboard.writeText(chosen.detail);
      void vscode.window.showInformationMessage(`Konnect: copied the id of ${chosen.label}.`);
    }
  } else if (list.meta?.warnings?.length) {
    // The daemon says why nothing matched (a filter on a field no item
    // has: usually a typo); that beats a bare "no match".
    void vscode.window.showWarningMessage(`Konnect: no ${s.one} matched. ${list.meta.warnings.join(' ')}`);
  } else if (list.data.length === 0) {
    void vscode.window.showInformationMessage(`Konnect: no ${s.one} matches ${q ? `"${q}"` : 'the listing'}.`);
  }
  return { count: list.data.length, document: doc.uri.toString() };
}
