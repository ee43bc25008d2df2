// identity.ts: Find Users and Find Teams. The filter is Konnect's own
// (filter[field][op]=value&…, or the JSON form); a bare word is a
// "contains" search on the natural field. Pages load under a cancellable
// progress notification fed by the daemon's $/progress.
import * as vscode from 'vscode';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { profileParam, type Ctx } from '../context';
import type { Listing, Team, User } from '../types';
import { need } from '../ui';

export interface FindArgs {
  filter?: string;
  limit?: number;
  /** false skips the quick pick (tests, automation) */
  pick?: boolean;
}

type Kind = 'users' | 'teams';

const spec = {
  users: { method: 'identity/listUsers', field: 'email', example: 'filter[full_name][contains]=Cruz' },
  teams: { method: 'identity/listTeams', field: 'name', example: 'filter[name][contains]=platform' },
} as const;

/** toFilter passes a Konnect filter through and turns a bare word into a contains search. */
export function toFilter(kind: Kind, input: string): string {
  const t = input.trim();
  if (t === '' || t.startsWith('{') || t.includes('filter[')) return t;
  return `filter[${spec[kind].field}][contains]=${encodeURIComponent(t)}`;
}

export async function find(ctx: Ctx, kind: Kind, args: FindArgs = {}): Promise<{ count: number; document: string }> {
  const s = spec[kind];
  const raw =
    args.filter ??
    need(
      await vscode.window.showInputBox({
        title: `Konnect: Find ${kind === 'users' ? 'Users' : 'Teams'}`,
        prompt: `A word (searches ${s.field}) or a Konnect filter; empty lists all`,
        placeHolder: s.example,
        ignoreFocusOut: true,
      }),
    );
  const filter = toFilter(kind, raw);
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
        return await ctx.daemon.request<Listing<User & Team>>(
          s.method,
          { ...profileParam(), ...(filter ? { filter } : {}), ...(args.limit ? { limit: args.limit } : {}) },
          cts.token,
        );
      } finally {
        stop();
        cts.dispose();
      }
    },
  );
  const doc = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(list.data, null, 2) + '\n' });
  await vscode.window.showTextDocument(doc, { preview: false });
  ctx.log.info(`found ${list.data.length} ${kind}${filter ? ' for ' + filter : ''}`);
  if (args.pick !== false && list.data.length > 0) {
    const chosen = await vscode.window.showQuickPick(
      list.data.map((r) => ({
        label: (kind === 'users' ? r.full_name || r.email : r.name) ?? r.id ?? '?',
        description: kind === 'users' ? r.email : r.description,
        detail: r.id,
      })),
      { title: `${list.data.length} ${kind} — pick one to copy its id`, matchOnDescription: true, matchOnDetail: true },
    );
    if (chosen?.detail) {
      await vscode.env.clipboard.writeText(chosen.detail);
      void vscode.window.showInformationMessage(`Konnect: copied the id of ${chosen.label}.`);
    }
  } else if (list.meta?.warnings?.length) {
    // The daemon says why nothing matched (a filter on a field no item
    // has: usually a typo); that beats a bare "no match".
    void vscode.window.showWarningMessage(`Konnect: no ${kind} matched. ${list.meta.warnings.join(' ')}`);
  } else if (list.data.length === 0) {
    void vscode.window.showInformationMessage(`Konnect: no ${kind} match ${filter || 'the listing'}.`);
  }
  return { count: list.data.length, document: doc.uri.toString() };
}
