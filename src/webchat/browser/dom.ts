/**
 * Building DOM without HTML strings: every text goes in as a text node, every attribute through
 * `setAttribute`. Nothing in the web chat assigns `innerHTML`.
 */

type Child = Node | string | null | undefined | false;
type Handlers = Partial<Record<string, (e: Event) => void>>;
type Attrs = { [name: string]: string | number | boolean | null | undefined | Handlers; on?: Handlers };

/** `h('button', { class: 'x', type: 'button', on: { click } }, 'Send')`. `false`/`null` attributes are left out. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'on' || value === null || value === undefined || value === false || typeof value === 'object') continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const [type, handler] of Object.entries(attrs.on ?? {})) if (handler) el.addEventListener(type, handler);
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

/** Replaces an element's children. */
export function setChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}
