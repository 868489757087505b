/**
 * Rendering `html` messages: the backend already sanitized them, and the page does not rely on it.
 * The markup is parsed into an inert document (no scripts run, nothing loads) and rebuilt from an
 * allow-list — formatting tags only, `href` only for http(s) and mailto links, no other attribute —
 * with every text as a text node. Anything else is dropped, its text kept.
 */

const ALLOWED = new Set(['b', 'strong', 'i', 'em', 'u', 's', 'strike', 'del', 'ins', 'sub', 'sup', 'p', 'br', 'div', 'span', 'ul', 'ol', 'li', 'blockquote', 'code', 'pre', 'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'hr']);
/** Elements whose content is not text for a reader. */
const DROPPED_WITH_CONTENT = new Set(['script', 'style', 'template', 'iframe', 'object', 'embed', 'noscript', 'svg', 'math', 'head', 'title']);
const MAX_NODES = 5000;

interface InertPolicy {
  createHTML(input: string): unknown;
}
declare global {
  interface Window {
    trustedTypes?: { createPolicy(name: string, rules: { createHTML: (s: string) => string }): InertPolicy };
  }
}

// Trusted Types: the only HTML sink the page uses is DOMParser, whose document is inert.
let policy: InertPolicy | undefined;
const inert = (html: string): string => {
  policy ??= window.trustedTypes?.createPolicy('parley-inert', { createHTML: (s) => s }) ?? { createHTML: (s: string) => s };
  return policy.createHTML(html) as string;
};

/** A fragment holding the allowed part of `html`. */
export function sanitizedFragment(html: string): DocumentFragment {
  const doc = new DOMParser().parseFromString(inert(html), 'text/html');
  const out = document.createDocumentFragment();
  let budget = MAX_NODES;
  const copy = (from: Node, to: Node): void => {
    for (const child of Array.from(from.childNodes)) {
      if (--budget < 0) return;
      if (child.nodeType === Node.TEXT_NODE) {
        to.appendChild(document.createTextNode(child.textContent ?? ''));
        continue;
      }
      if (child.nodeType !== Node.ELEMENT_NODE) continue;
      const tag = (child as Element).localName;
      if (DROPPED_WITH_CONTENT.has(tag)) continue;
      if (!ALLOWED.has(tag)) {
        copy(child, to);
        continue;
      }
      const el = document.createElement(tag);
      if (tag === 'a') linkAttributes(child as Element, el);
      copy(child, el);
      to.appendChild(el);
    }
  };
  copy(doc.body, out);
  return out;
}

function linkAttributes(from: Element, to: HTMLElement): void {
  const href = from.getAttribute('href')?.trim();
  if (!href) return;
  let url: URL | undefined;
  try {
    // Absolute links only: a relative one would point into this page.
    url = new URL(href);
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === 'https:' || url.protocol === 'http:' || url.protocol === 'mailto:')) {
    to.setAttribute('href', url.href);
    to.setAttribute('target', '_blank');
    to.setAttribute('rel', 'noopener noreferrer nofollow');
  }
}
