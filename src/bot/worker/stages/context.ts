import type { WireMessage } from '../../../client/chat-rest-client.js';
import type { ContextMessage } from '../../../providers/types.js';
import { engineHonours } from '../../decide/engine-limits.js';
import { classifyIncoming } from '../../decide/message-filter.js';
import { htmlToText } from '../../decide/text.js';
import { qualityOf } from '../../settings-store.js';
import { fromWire } from './classify.js';
import { needs, type Stage } from './job-context.js';

/**
 * Messages of up to this many words get context: a short line ("It is fixed now.", "Did that
 * work?") often means nothing without what came before. Longer ones mostly carry their own, and
 * keep hitting the translation cache (a translation made with context is cached under it).
 */
export const SHORT_MESSAGE_WORDS = 8;
/** Messages read back from the thread to find the earlier ones (newer ones may come first). */
const SCAN_EXTRA = 20;

/**
 * context: for a short message, the thread's earlier messages by people (not the bot's posts, not
 * commands), oldest first, up to the thread's `context` setting — read from the backend, and only
 * for an engine that can use them.
 */
export const contextStage: Stage = {
  name: 'context',
  async run(ctx) {
    const { deps, data } = ctx;
    if (!ctx.targets.length || !engineHonours(deps.provider.name).context) return;
    const wanted = qualityOf(needs(ctx.settings, 'settings')).context;
    if (wanted === 0 || !isShort(ctx.plain)) return;
    const earlier: ContextMessage[] = [];
    let scanned = 0;
    const limit = wanted + SCAN_EXTRA;
    // Newest first: the first page holds the messages just before this one.
    for await (const m of deps.client.listMessages(data.threadId, { maxPageSize: limit })) {
      if (++scanned > limit || earlier.length >= wanted) break;
      if (!(Number(m.id) < Number(data.messageId))) continue;
      const text = contextText(m, deps.botId);
      if (text) earlier.push({ sender: m.senderDisplayName || undefined, text });
    }
    if (earlier.length) ctx.context = earlier.reverse();
  },
};

/** At most {@link SHORT_MESSAGE_WORDS} words (a long text is not even counted). */
const isShort = (text: string) => text.length <= 40 * SHORT_MESSAGE_WORDS && (text.match(/[\p{L}\p{N}]+/gu)?.length ?? 0) <= SHORT_MESSAGE_WORDS;

/** A message's plain text when a person wrote it as chat, else `null`. */
function contextText(m: WireMessage, botId: string): string | null {
  if (m.deletedOn) return null;
  const message = fromWire(m);
  const decision = classifyIncoming({ type: message.type, senderId: message.senderId, content: message.content, metadata: message.metadata }, botId);
  if (!decision.handle) return null;
  const text = (decision.format === 'html' ? htmlToText(message.content) : message.content).trim();
  return text || null;
}
