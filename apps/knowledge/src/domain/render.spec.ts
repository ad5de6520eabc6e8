import fc from 'fast-check';
import { renderMarkdown } from './render';

/**
 * Whether rendered HTML holds active content. The output of sanitize-html is well-formed (every tag it writes is
 * `<name attr="value" …>` with values quoted and `"` escaped as `&quot;`), so it can be read with regular expressions:
 * - a `<script` (or style, iframe, object, embed) tag opening anywhere;
 * - an attribute whose name starts with `on` inside a tag (`<… onload=…>`): the attribute part of each tag is matched
 *   up to its closing `>`; text between tags may contain "on…=" freely, since it is not markup;
 * - an href or src whose value, once entities are decoded and whitespace and control characters removed (as a browser
 *   does before reading the scheme), starts with a scheme other than http, https and mailto.
 */
function activeContent(html: string): string[] {
  const found: string[] = [];
  if (/<\s*(script|style|iframe|object|embed)\b/i.test(html)) found.push('forbidden tag');
  for (const [, attributes = ''] of html.matchAll(/<[a-z][a-z0-9]*((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*\/?>/gi)) {
    for (const [, name = '', value = ''] of attributes.matchAll(/\s+([^\s=>]+)(?:="([^"]*)")?/g)) {
      if (/^on/i.test(name)) found.push(`event attribute ${name}`);
      if (/^(href|src)$/i.test(name)) {
        // eslint-disable-next-line no-control-regex -- a browser drops control characters before reading the scheme
        const url = decodeEntities(value).replace(/[\s\u0000-\u001f]/g, '');
        const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
        if (scheme !== undefined && !['http', 'https', 'mailto'].includes(scheme)) found.push(`${name} with scheme ${scheme}`);
        if (url.startsWith('//')) found.push(`${name} protocol-relative`);
      }
    }
  }
  return found;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16) % 0x110000))
    .replace(/&#([0-9]+);?/g, (_, dec: string) => String.fromCodePoint(Number.parseInt(dec, 10) % 0x110000))
    .replace(/&colon;/gi, ':')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

describe('renderMarkdown', () => {
  describe('ordinary Markdown', () => {
    it('renders headings, emphasis and paragraphs', () => {
      expect(renderMarkdown('# Printer offline\n\nTurn it *off* and **on** again.')).toBe('<h1>Printer offline</h1>\n<p>Turn it <em>off</em> and <strong>on</strong> again.</p>\n');
    });

    it('renders ordered and unordered lists', () => {
      expect(renderMarkdown('1. Open the tray\n2. Remove the paper\n\n- toner\n- drum')).toBe(
        '<ol>\n<li>Open the tray</li>\n<li>Remove the paper</li>\n</ol>\n<ul>\n<li>toner</li>\n<li>drum</li>\n</ul>\n',
      );
    });

    it('renders inline code and fenced code blocks, escaping markup inside them', () => {
      expect(renderMarkdown('Run `lpstat -p`.\n\n```sh\necho "<b>" && lpq\n```')).toBe(
        '<p>Run <code>lpstat -p</code>.</p>\n<pre><code>echo "&lt;b&gt;" &amp;&amp; lpq\n</code></pre>\n',
      );
    });

    it('renders block quotes, rules and line breaks', () => {
      expect(renderMarkdown('> Note  \n> twice\n\n---')).toBe('<blockquote>\n<p>Note<br />\ntwice</p>\n</blockquote>\n<hr />\n');
    });

    it('renders tables, dropping the alignment style', () => {
      expect(renderMarkdown('| Model | Port |\n|:--|--:|\n| HP 400 | 9100 |')).toBe(
        '<table>\n<thead>\n<tr>\n<th>Model</th>\n<th>Port</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>HP 400</td>\n<td>9100</td>\n</tr>\n</tbody>\n</table>\n',
      );
    });

    it('renders links with their title and rel="noopener noreferrer nofollow"', () => {
      expect(renderMarkdown('[Drivers](https://example.com/drivers "Driver page")')).toBe(
        '<p><a href="https://example.com/drivers" title="Driver page" rel="noopener noreferrer nofollow">Drivers</a></p>\n',
      );
    });

    it('keeps relative and mailto links', () => {
      expect(renderMarkdown('[KB](/v1/knowledge/articles/1) [mail](mailto:help@example.com)')).toBe(
        '<p><a href="/v1/knowledge/articles/1" rel="noopener noreferrer nofollow">KB</a> <a href="mailto:help@example.com" rel="noopener noreferrer nofollow">mail</a></p>\n',
      );
    });

    it('turns bare URLs into links (linkify)', () => {
      expect(renderMarkdown('See https://example.com/status now')).toBe('<p>See <a href="https://example.com/status" rel="noopener noreferrer nofollow">https://example.com/status</a> now</p>\n');
    });

    it('renders angle-bracket autolinks', () => {
      expect(renderMarkdown('<https://example.com>')).toBe('<p><a href="https://example.com" rel="noopener noreferrer nofollow">https://example.com</a></p>\n');
    });

    it('renders images with src and alt', () => {
      expect(renderMarkdown('![Tray](https://example.com/tray.png)')).toBe('<p><img src="https://example.com/tray.png" alt="Tray" /></p>\n');
    });
  });

  describe('hostile input', () => {
    it.each([
      ['a script tag', '<script>alert(1)</script>'],
      ['a script tag inside a paragraph', 'Hello <script src="https://evil.example/x.js"></script> world'],
      ['an image with onerror', '<img src=x onerror=alert(1)>'],
      ['an svg with onload', '<svg onload=alert(1)>'],
      ['an iframe', '<iframe src="https://evil.example"></iframe>'],
      ['a style tag', '<style>body{display:none}</style>'],
      ['an object', '<object data="x.swf"></object>'],
      ['a raw html link to javascript:', '<a href="javascript:alert(1)">x</a>'],
    ])('shows %s as text, never as markup', (_, source) => {
      const html = renderMarkdown(source);
      expect(activeContent(html)).toEqual([]);
      // a URL inside the escaped text may still be linkified: that link is checked like any other
      expect(html).not.toMatch(/<(script|img|svg|iframe|style|object)\b/i);
      expect(html).not.toMatch(/<a href="javascript/i);
      expect(html).toContain('&lt;');
    });

    it.each([
      ['javascript:', '[x](javascript:alert(1))'],
      ['JavaScript: in mixed case', '[x](JaVaScRiPt:alert(1))'],
      ['javascript: behind an entity', '[x](jav&#x61;script:alert(1))'],
      ['javascript: behind a decimal entity', '[x](&#106;avascript:alert(1))'],
      ['javascript: behind &colon;', '[x](javascript&colon;alert(1))'],
      ['vbscript:', '[x](vbscript:msgbox(1))'],
      ['data:', '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
      ['a protocol-relative URL', '[x](//evil.example/steal)'],
      ['a reference link to javascript:', '[x][r]\n\n[r]: javascript:alert(1)'],
      ['an autolink to javascript:', '<javascript:alert(1)>'],
    ])('gives a link to %s no href', (_, source) => {
      const html = renderMarkdown(source);
      expect(activeContent(html)).toEqual([]);
      expect(html).not.toMatch(/href=/);
    });

    it.each([
      ['javascript:', '![x](javascript:alert(1))'],
      ['data:', '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)'],
      ['vbscript:', '![x](vbscript:msgbox(1))'],
      ['javascript: behind an entity', '![x](jav&#x61;script:alert(1))'],
    ])('gives an image pointing at %s no src', (_, source) => {
      const html = renderMarkdown(source);
      expect(activeContent(html)).toEqual([]);
      expect(html).not.toMatch(/src=/);
    });

    it('percent-encodes a tab hidden in a scheme, which leaves a harmless relative URL', () => {
      const html = renderMarkdown('[x](java&#9;script:alert(1))');
      expect(activeContent(html)).toEqual([]);
      expect(html).toBe('<p><a href="java%09script:alert(1)" rel="noopener noreferrer nofollow">x</a></p>\n');
    });

    it('keeps an attribute-breaking title inside its quotes', () => {
      const html = renderMarkdown('[x](https://example.com "a\\" onmouseover=\\"alert(1)")');
      expect(activeContent(html)).toEqual([]);
      expect(html).toContain('title="a&quot; onmouseover=&quot;alert(1)"');
    });

    it('sets its own rel on every link', () => {
      expect(renderMarkdown('[x](https://example.com)')).toMatch(/<a href="https:\/\/example.com" rel="noopener noreferrer nofollow">/);
    });
  });

  describe('the checker used below', () => {
    it.each([
      ['<script>alert(1)</script>', 'forbidden tag'],
      ['<img src="x" onerror="alert(1)" />', 'event attribute onerror'],
      ['<a href="javascript:alert(1)">x</a>', 'href with scheme javascript'],
      ['<a href="jav&#x61;script:alert(1)">x</a>', 'href with scheme javascript'],
      ['<img src="data:image/png;base64,xx" />', 'src with scheme data'],
    ])('finds active content in %s', (html, finding) => {
      expect(activeContent(html)).toContain(finding);
    });

    it('finds none in plain text that only looks like markup', () => {
      expect(activeContent('<p>write onerror=alert(1) or javascript:alert(1) as text</p>')).toEqual([]);
    });
  });

  describe('properties', () => {
    const hostileArb = fc
      .array(
        fc.oneof(
          fc.constantFrom('<', '>', '"', "'", '`', '=', ' ', '\n', '\t', '/', ':', '(', ')', '[', ']', '!', '&#x61;', '&#106;', '&colon;', '\\'),
          fc.constantFrom('on', 'onerror=', 'onload=', 'javascript:', 'JavaScript:', 'vbscript:', 'data:', 'script', 'img', 'a href=', 'src=', 'svg', 'iframe'),
          fc.constantFrom('](', '![x](', '[x](', '<http://', 'https://ex.com', 'alert(1)'),
          fc.constantFrom('<script>', '</script>', '<img src=x onerror=alert(1)>', '<a href="javascript:alert(1)">', '<svg/onload=alert(1)>', '<iframe src=//x>', '\n\n<div onclick="x">'),
          fc.string({ maxLength: 4 }),
        ),
        { maxLength: 40 },
      )
      .map((parts) => parts.join(''));

    it.each([
      ['fc.string', fc.string({ maxLength: 200 })],
      ['full unicode strings', fc.string({ unit: 'binary', maxLength: 200 })],
      ['a mix of markup and script fragments', hostileArb],
    ])('never outputs active content for %s', (_, arb) => {
      fc.assert(
        fc.property(arb, (source) => {
          const html = renderMarkdown(source);
          expect(activeContent(html)).toEqual([]);
          expect(html).not.toMatch(/<script/i);
        }),
        { numRuns: 500 },
      );
    });
  });
});
