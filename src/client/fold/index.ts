/**
 * `parley/client`: what one reader sees of a thread whose messages parley translates — for any app
 * built on the official ACS chat SDK. Pure and typed; runs in browsers and Node.
 */
export { foldThread, compareVersions, senderIdOf } from './fold-thread.js';
export { readBotPost, textsFromContent, type BotPost, type LanguageResult } from './bot-post.js';
export type { CommandReply, FoldedMessage, FoldedThread, FoldInput, FoldOptions, OriginalReason, ReaderState, Sentiment } from './types.js';
