/**
 * Script-injection vectors for tests that render user content: the cases of the backend's sanitizer
 * tests (test/unit/chat/sanitize.test.ts) plus classic and mutation-XSS payloads (OWASP filter
 * evasion cheat sheet, PortSwigger's XSS cheat sheet, DOMPurify's mXSS cases). Every payload that
 * runs calls `window.__xss(<n>)`, so a test can tell that nothing executed.
 */
const call = (n: number) => `window.__xss(${n})`;

const templates: Array<(c: string) => string> = [
  (c) => `a<script>${c}</script>b`,
  (c) => `<style>body{display:none}</style><b onclick="${c}" onmouseover="${c}">bold</b>`,
  (c) => `<img src="https://e.example/a.png" onerror="${c}">`,
  (c) => `<img src=x onerror=${c}>`,
  (c) => `<a href="javascript:${c}">go</a>`,
  (c) => `<a href="  JaVaScRiPt:${c}">go</a>`,
  (c) => `<a href="jav&#x09;ascript:${c}">tab</a>`,
  (c) => `<img src="data:text/html;base64,PHNjcmlwdD4=">`.replace('>', ` onload="${c}">`),
  (c) => `x<iframe src="javascript:${c}"></iframe>y`,
  (c) => `<iframe srcdoc="<script>parent.${c}</script>"></iframe>z`,
  (c) => `<object data="javascript:${c}"></object><embed src="javascript:${c}">z`,
  (c) => `<form action="javascript:${c}"><button>k</button></form>`,
  (c) => `<svg onload="${c}"><circle r="1"/></svg>`,
  (c) => `<svg><script>${c}</script></svg>`,
  (c) => `<math><mtext><table><mglyph><style><img src=x onerror="${c}">`,
  (c) => `<details open ontoggle="${c}">d</details>`,
  (c) => `<body onload="${c}">`,
  (c) => `<video><source onerror="${c}"></video>`,
  (c) => `<audio src=x onerror="${c}">`,
  (c) => `<input autofocus onfocus="${c}">`,
  (c) => `<marquee onstart="${c}">m</marquee>`,
  (c) => `<div style="background:url(javascript:${c})">s</div>`,
  (c) => `<meta http-equiv="refresh" content="0;url=javascript:${c}">`,
  (c) => `<base href="javascript:${c}//"><a href="/x">b</a>`,
  (c) => `<noscript><p title="</noscript><img src=x onerror=${c}>"></noscript>`,
  (c) => `<template><img src=x onerror="${c}"></template>t`,
  (c) => `<p title="&lt;img src=x onerror=${c}&gt;">attr</p>`,
  (c) => `<scr<script>ipt>${c}</scr</script>ipt>`,
  (c) => `"><img src=x onerror=${c}>`,
  (c) => `'-${c}-'`,
  (c) => `<a href="https://example.com" onclick="${c}">link</a>`,
  (c) => `<span itemscope itemtype="http://schema.skype.com/Mention" itemid="0" onmouseover="${c}">@Bob</span>`,
  (c) => `<table background="javascript:${c}"><tr><td>t</td></tr></table>`,
  (c) => `<isindex type=image src=1 onerror=${c}>`,
  (c) => `<xmp><img src=x onerror=${c}></xmp>`,
  (c) => `<textarea><img src=x onerror=${c}></textarea>`,
  (c) => `<select><option><img src=x onerror=${c}></option></select>`,
  (c) => `<a href="data:text/html,<script>${c}</script>">data link</a>`,
  (c) => `<link rel="stylesheet" href="javascript:${c}">`,
  (c) => `<img src="x:x" onerror="eval(atob('${Buffer.from(c).toString('base64')}'))">`,
];

/** The corpus: each payload with its number. */
export const XSS_CORPUS: ReadonlyArray<{ n: number; payload: string }> = templates.map((t, i) => ({ n: i + 1, payload: t(call(i + 1)) }));
