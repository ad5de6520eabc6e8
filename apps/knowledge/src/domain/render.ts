import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/**
 * Markdown as written → the HTML stored beside it and shown to readers. markdown-it runs with raw HTML off, so a `<tag>`
 * in the source comes out as text; sanitize-html then keeps only the allow-list below, whatever markdown-it produced
 * (a second line of defence: a link or image whose URL markdown-it let through is still checked here).
 */
const markdown = new MarkdownIt({ html: false, linkify: true });

export const RENDER_ALLOWED_TAGS: readonly string[] = [
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'p', 'ul', 'ol', 'li', 'code', 'pre', 'blockquote',
  'table', 'thead', 'tbody', 'tr', 'th', 'td',
  'a', 'img', 'em', 'strong', 's', 'hr', 'br',
];

/** Only these schemes (and relative URLs) in href and src: no javascript:, data:, vbscript: or protocol-relative hosts. */
export const RENDER_ALLOWED_SCHEMES: readonly string[] = ['http', 'https', 'mailto'];

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...RENDER_ALLOWED_TAGS],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title'],
    // markdown-it marks column alignment with a style attribute; alignment is dropped rather than allowing style
    th: [],
    td: [],
    code: [],
  },
  allowedSchemes: [...RENDER_ALLOWED_SCHEMES],
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer nofollow' } }),
  },
};

/** The sanitized HTML of a Markdown body. */
export function renderMarkdown(body: string): string {
  return sanitizeHtml(markdown.render(body), SANITIZE_OPTIONS);
}
