// Feedback where it happens: the result of an action as a note next to the control that was used
// (kept across re-renders of its row), or as a toast in the viewport when the row went away.
import { el, warningsOf } from './api.js';

const NOTE_MS = 8000;
/** How long after an action its note is kept in view while the page re-renders around it. */
const FRESH_MS = 2000;
const notes = new Map();

/** The note for `key` as an element, or null when there is none (or it has expired). */
export function noteFor(key) {
  const n = notes.get(key);
  if (!n || n.until < Date.now()) {
    notes.delete(key);
    return null;
  }
  return el('span', { class: `note ${n.kind}`, role: n.kind === 'error' ? 'alert' : 'status', 'data-note': key }, n.text);
}

/** Shows `text` next to `anchor` (after it, or inside it when it is a `.note-slot`), under `key`. */
export function noteAt(key, anchor, text, kind = 'ok') {
  notes.set(key, { text, kind, at: Date.now(), until: Date.now() + (kind === 'ok' ? NOTE_MS : 2 * NOTE_MS) });
  document.querySelectorAll(`[data-note="${CSS.escape(key)}"]`).forEach((n) => n.remove());
  const note = noteFor(key);
  if (anchor?.classList?.contains('note-slot')) anchor.replaceChildren(note);
  else anchor?.after(note);
  // Where the person is looking: a note that landed just below the fold is brought into view.
  note.scrollIntoView({ block: 'nearest' });
  setTimeout(() => note.isConnected && noteFor(key) === null && note.remove(), NOTE_MS * 2 + 50);
}

/**
 * Keeps the notes of the last moments in view after a re-render moved them (a row added above a
 * form pushes its note down): call after each render.
 */
export function keepNotesInView() {
  for (const [key, n] of notes) {
    if (Date.now() - n.at > FRESH_MS) continue;
    document.querySelector(`[data-note="${CSS.escape(key)}"]`)?.scrollIntoView({ block: 'nearest' });
  }
}

/** A toast at the bottom of the viewport, for results whose control is gone (a removed row). */
export function toast(text, kind = 'ok') {
  const box = document.getElementById('toasts');
  const item = el('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
  item.append(el('button', { type: 'button', class: 'close', 'aria-label': 'Dismiss', onclick: () => item.remove() }, '×'));
  box.append(item);
  setTimeout(() => item.remove(), kind === 'ok' ? NOTE_MS : 2 * NOTE_MS);
}

/**
 * Runs an action: the button is disabled meanwhile; its result (or error, or the API's warnings)
 * goes to `where(result)` — `{ key, anchor }` for a note, or nothing for a toast — then refreshes.
 */
export function action(fn, done, refresh, where = () => null) {
  return async (event) => {
    event?.preventDefault();
    const button = event?.currentTarget instanceof HTMLButtonElement ? event.currentTarget : event?.submitter;
    if (button) button.disabled = true;
    let text;
    let kind = 'ok';
    try {
      const answer = await fn();
      text = typeof done === 'function' ? done(answer) : done;
      const warnings = warningsOf(answer);
      if (warnings) [text, kind] = [`${text} ${warnings}`, 'warn'];
    } catch (err) {
      [text, kind] = [`Failed: ${err.message}`, 'error'];
    } finally {
      if (button) button.disabled = false;
    }
    const place = where(kind);
    if (place?.anchor?.isConnected) noteAt(place.key, place.anchor, text, kind);
    else toast(text, kind);
    refresh();
  };
}
