import fs from 'node:fs';
import path from 'node:path';
import safeRegex from 'safe-regex2';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Static ReDoS audit: every regular expression in `src/**\/*.ts` — literals, and `new RegExp(…)`
 * whose pattern can be worked out statically — must pass safe-regex2 (no nested quantifiers,
 * the exponential kind). safe-regex2 cannot see the polynomial kind (`\S+@\S+\.\S+`, `<[^>]+>`);
 * those are covered by the adversarial timing tests in `regex-timing.test.ts`.
 */
const SRC = path.resolve(import.meta.dirname, '../../../src');

/**
 * Where safe-regex2 reports a nested quantifier that cannot backtrack, each with why it is linear
 * (and a timing test in regex-timing.test.ts that would catch a mistake here). safe-regex2 counts
 * every `?`, `{m,n}` as a repetition, so an optional part inside a repeated group is "nested".
 *
 * `fragments`: shared building blocks (exported `*_SOURCE` constants), replaced by a plain atom
 * before the check, so the rest of every pattern that embeds them is still audited.
 * `patterns`: whole expressions, keyed `file#binding`.
 */
const ALLOWED = {
  fragments: {
    EMOJI_SOURCE:
      'nested repetition over emoji atoms, but wherever it is used nothing follows it, so the first (greedy) match is accepted and never backtracked into',
    TAG_CHAR_SOURCE: 'its three alternatives start with different characters (plain, ", \'), so every character has exactly one way to match',
  } as Record<string, string>,
  patterns: {
    'providers/local-entities.ts#PhoneNumber': 'bounded quantifiers only ({1,3}, {2,4}, {2,3}): an attempt reads at most 26 characters',
    'providers/local-entities.ts#Quantity': 'each repeated group starts with a mandatory [.,] after digits (one way to split), and the lookbehind starts attempts only at the beginning of a number',
    'providers/apertium-modes.ts#MODE_NAME': 'anchored, optional suffix after a literal "_": one way to match; reads installed file names, not messages',
    'bot/decide/glossary.ts#m': 'anchored; each part is delimited by a literal (":", "=") its neighbours cannot match except [^=]+ before "=": one way to split; reads a setting, at most one line',
    'lib/rfc3339.ts#DATE_TIME': 'anchored, and every quantifier is bounded ({2}, {4}, {1,9} inside an optional part): an attempt reads at most 35 characters',
  } as Record<string, string>,
};

interface Found {
  where: string;
  key: string;
  source: string;
  flags: string;
}

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** The name a node is bound to (`const NAME = …`, `{ category: 'NAME', regex: … }`), for the allow-list. */
function bindingName(node: ts.Node): string {
  const property = node.parent;
  if (property && ts.isPropertyAssignment(property) && ts.isObjectLiteralExpression(property.parent)) {
    const label = property.parent.properties.find((p) => ts.isPropertyAssignment(p) && p !== property && ts.isStringLiteral(p.initializer));
    if (label && ts.isPropertyAssignment(label)) return (label.initializer as ts.StringLiteral).text;
  }
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isVariableDeclaration(n) || ts.isPropertyAssignment(n)) return n.name.getText();
    if (ts.isFunctionLike(n)) return n.name?.getText() ?? '(function)';
  }
  return '(module)';
}

/** Evaluates a pattern argument made of string literals, templates and imported `*_SOURCE` constants. */
function staticString(node: ts.Expression, constants: Map<string, string>): string | undefined {
  if (ts.isStringLiteralLike(node)) return node.text;
  if (ts.isTaggedTemplateExpression(node) && node.tag.getText() === 'String.raw') {
    const t = node.template;
    if (ts.isNoSubstitutionTemplateLiteral(t)) return t.rawText;
    let out = t.head.rawText ?? '';
    for (const span of t.templateSpans) {
      const v = staticString(span.expression, constants);
      if (v === undefined) return undefined;
      out += v + (span.literal.rawText ?? '');
    }
    return out;
  }
  if (ts.isTemplateExpression(node)) {
    let out = node.head.text;
    for (const span of node.templateSpans) {
      const v = staticString(span.expression, constants);
      if (v === undefined) return undefined;
      out += v + span.literal.text;
    }
    return out;
  }
  if (ts.isIdentifier(node)) return constants.get(node.text);
  if (ts.isPropertyAccessExpression(node) && node.name.text === 'source') {
    return constants.get(`${node.expression.getText()}.source`);
  }
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'join' && ts.isArrayLiteralExpression(node.expression.expression)) {
    const sep = node.arguments[0] ? staticString(node.arguments[0], constants) : ',';
    const parts = node.expression.expression.elements.map((e) => staticString(e, constants));
    return sep === undefined || parts.some((p) => p === undefined) ? undefined : parts.join(sep);
  }
  return undefined;
}

/**
 * Rewrites syntax that safe-regex2's parser (ret) does not know into syntax of the same nesting:
 * Unicode property escapes and `\u{…}` become a plain class, lookbehinds become lookaheads, named
 * groups plain groups. Allow-listed fragments become a single atom.
 */
function forSafeRegex(source: string, constants: Map<string, string>): string {
  let out = source;
  for (const name of Object.keys(ALLOWED.fragments)) {
    const fragment = constants.get(name);
    if (fragment) out = out.split(fragment).join('(?:x)');
  }
  return out
    .replace(/\\[pP]\{[^}]*\}/g, 'a')
    .replace(/\\u\{[0-9a-fA-F]+\}/g, 'a')
    .replace(/\(\?<([=!])/g, '(?$1')
    .replace(/\(\?<[A-Za-z_]\w*>/g, '(');
}

function collect(): { found: Found[]; unresolved: string[]; constants: Map<string, string> } {
  const sources = files(SRC).map((f) => ts.createSourceFile(f, fs.readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true));
  // String constants anywhere in src (the *_SOURCE building blocks), and regex literals' sources.
  const constants = new Map<string, string>();
  for (let pass = 0; pass < 3; pass++) {
    for (const sf of sources) {
      const visit = (n: ts.Node) => {
        if (ts.isVariableDeclaration(n) && n.initializer && ts.isIdentifier(n.name)) {
          if (ts.isRegularExpressionLiteral(n.initializer)) {
            const text = n.initializer.text;
            constants.set(`${n.name.text}.source`, text.slice(1, text.lastIndexOf('/')));
          } else {
            const v = staticString(n.initializer, constants);
            if (v !== undefined) constants.set(n.name.text, v);
          }
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
    }
  }
  const found: Found[] = [];
  const unresolved: string[] = [];
  for (const sf of sources) {
    const rel = path.relative(SRC, sf.fileName);
    const visit = (n: ts.Node) => {
      const where = `${rel}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
      if (ts.isRegularExpressionLiteral(n)) {
        const slash = n.text.lastIndexOf('/');
        found.push({ where, key: `${rel}#${bindingName(n)}`, source: n.text.slice(1, slash), flags: n.text.slice(slash + 1) });
      } else if ((ts.isNewExpression(n) || ts.isCallExpression(n)) && n.expression.getText() === 'RegExp' && n.arguments?.[0]) {
        const source = staticString(n.arguments[0], constants);
        const flags = n.arguments[1] ? staticString(n.arguments[1], constants) : '';
        if (source === undefined || flags === undefined) unresolved.push(where);
        else found.push({ where, key: `${rel}#${bindingName(n)}`, source, flags });
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return { found, unresolved, constants };
}

const collected = collect();
const { found, constants } = collected;

/** Patterns built at run time, audited by hand: file → why they are linear. */
const BUILT_AT_RUN_TIME: Record<string, string> = {
  'providers/glossary-tokens.ts': 'an alternation of escaped literals (glossary terms) between lookarounds: no quantifier at all',
};
const unresolved = collected.unresolved.filter((where) => !BUILT_AT_RUN_TIME[where.slice(0, where.lastIndexOf(':'))]);

describe('regular expressions in src/ (static ReDoS audit)', () => {
  it('finds the project\'s expressions', () => {
    expect(found.length).toBeGreaterThan(50);
    // A pattern built at run time from something this audit cannot follow must be audited by hand.
    expect(unresolved).toEqual([]);
  });

  it('every expression compiles as written', () => {
    for (const r of found) expect(() => new RegExp(r.source, r.flags), r.where).not.toThrow();
  });

  it('has no nested quantifiers (safe-regex2), except the allow-listed ones, each with a reason', () => {
    const unsafe = found
      .filter((r) => !ALLOWED.patterns[r.key] && !safeRegex(forSafeRegex(r.source, constants)))
      .map((r) => `${r.where} ${r.key} /${r.source}/${r.flags}`);
    expect(unsafe).toEqual([]);
  });

  it('would catch a nested quantifier (the check itself works)', () => {
    expect(safeRegex(forSafeRegex(String.raw`(?<![\p{L}])(a+)+$`, constants))).toBe(false);
    expect(safeRegex(forSafeRegex(String.raw`(?<![\p{L}])a+$`, constants))).toBe(true);
  });

  it('keeps the allow-list tiny and current', () => {
    const keys = new Set(found.map((r) => r.key));
    expect(Object.keys(ALLOWED.patterns).filter((k) => !keys.has(k))).toEqual([]);
    expect(Object.keys(ALLOWED.fragments).filter((k) => !constants.has(k))).toEqual([]);
    expect(Object.keys(ALLOWED.patterns).length + Object.keys(ALLOWED.fragments).length).toBeLessThanOrEqual(7);
  });
});
