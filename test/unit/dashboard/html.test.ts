import { describe, expect, it } from 'vitest';
import { dashboardPage, escapeHtml, loginPage, PAGE_HEADERS } from '../../../src/dashboard/html.js';

describe('dashboard HTML', () => {
  it('escapes markup and quotes', () => {
    expect(escapeHtml(`<script>alert("x")</script>&'\``)).toBe('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;&#38;&#39;&#96;');
  });

  it('interpolates nothing unescaped and runs no inline script', () => {
    const page = dashboardPage({ role: '"><script>x</script>', csrf: '"><img src=x>' });
    expect(page).not.toContain('<script>x');
    expect(page).not.toContain('<img');
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(loginPage('<b>no</b>')).toContain('&#60;b&#62;no');
    expect(PAGE_HEADERS['content-security-policy']).toContain("script-src 'self'");
    expect(PAGE_HEADERS['content-security-policy']).toContain("frame-ancestors 'none'");
  });
});
