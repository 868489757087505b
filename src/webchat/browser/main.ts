/**
 * Entry point of the web chat (bundled by esbuild with the official ACS SDK): sign in from the
 * invite link, then run the chat; when there is no usable link, say how to get one.
 */
import { ChatApp, type BotInfo } from './app.js';
import { h } from './dom.js';
import { buildLayout, problemPage } from './layout.js';
import { createChatClient } from './sdk.js';
import { forgetToken, loadSession } from './session.js';

const root = document.getElementById('app')!;

/**
 * One POSIX shell word. The thread and name come from the link, which anyone can write, and the
 * operator may paste this command into a shell: nothing in them may end the quoting.
 */
const shellWord = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

function inviteHint(threadId?: string, name?: string): HTMLElement {
  const cmd = `npx parley invite ${threadId ? shellWord(threadId) : '<threadId>'} --name ${shellWord(name || 'Your name')}`;
  return h('div', {}, h('p', {}, 'Ask whoever invited you for a new link. On the machine that runs parley, an operator makes one with:'), h('code', { class: 'cmd' }, cmd));
}

function signedOut(problem: 'missing' | 'invalid' | 'expired', threadId?: string, name?: string): void {
  forgetToken();
  const titles = { missing: 'Open your invite link', invalid: 'This link is not valid', expired: 'Your link has expired' };
  const why = {
    missing: 'parley chat opens from a personal invite link; this page has none.',
    invalid: 'The sign-in part of the link is damaged or was refused.',
    expired: 'Links sign you in for a limited time, and this one is over (or was revoked).',
  };
  // Someone opening the bare page is often trying parley out: the demo makes two ready links.
  const demo = problem === 'missing' ? h('div', {}, h('p', {}, 'Trying parley out? The demo makes a thread with two people and prints a link for each:'), h('code', { class: 'cmd' }, 'npx parley demo')) : null;
  root.replaceChildren(problemPage(titles[problem], why[problem], inviteHint(threadId, name), ...(demo ? [demo] : [])));
}

async function fetchBot(): Promise<BotInfo | undefined> {
  try {
    const res = await fetch('/parley/bot', { headers: { accept: 'application/json' } });
    if (!res.ok) return undefined;
    const body = (await res.json()) as Partial<BotInfo>;
    return typeof body.userId === 'string' ? { userId: body.userId, displayName: String(body.displayName ?? 'parley') } : undefined;
  } catch {
    return undefined;
  }
}

async function boot(): Promise<void> {
  const result = loadSession();
  if (!result.ok) return signedOut(result.problem, result.threadId, result.displayName);
  const { session } = result;
  const ui = buildLayout();
  root.replaceChildren(ui.root);
  let app: ChatApp | undefined = undefined;
  app = new ChatApp({
    session,
    chat: createChatClient(session.token),
    ui,
    fetchBot,
    onSignedOut: () => {
      app?.stop();
      signedOut('expired', session.threadId, session.displayName);
    },
  });
  await app.start();
  ui.box.focus();
}

void boot();
