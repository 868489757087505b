/**
 * The web chat's HTML shell and its headers. The page holds no data: app.js reads the invite link
 * fragment and fills it through the official SDK.
 */

/**
 * No inline script or style, nothing from other origins, no framing; Trusted Types on, so no string
 * can reach an HTML sink except through the one policy that feeds the inert parser of the sanitizer.
 */
export const WEBCHAT_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "require-trusted-types-for 'script'",
    'trusted-types parley-inert',
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // The token lives in the fragment, which browsers never send; no referrer at all, to be sure.
  'referrer-policy': 'no-referrer',
};

export function webchatPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>parley chat</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/webchat/app.css">
<script type="module" src="/webchat/app.js"></script></head>
<body><div id="app" class="app"><p class="boot" role="status">Loading parley chat…</p></div>
<noscript><p class="boot">The parley web chat needs JavaScript.</p></noscript></body></html>`;
}
