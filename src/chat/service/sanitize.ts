import sanitizeHtml from 'sanitize-html';

/**
 * Sanitizes an `html` chat message with sanitize-html: scripts, styles, iframes, event handlers and
 * `javascript:` URLs go; formatting, links, lists, tables, code and ACS mention spans stay.
 */
const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, 'span', 'img', 'del', 's', 'u'],
  allowedAttributes: {
    a: ['href', 'title', 'target', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    span: ['itemtype', 'itemscope', 'itemid', 'title'],
    td: ['colspan', 'rowspan'],
    th: ['colspan', 'rowspan'],
    code: ['class'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
};

export function sanitizeMessageHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS);
}
