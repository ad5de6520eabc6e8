import fc from 'fast-check';
import { snippetHtml } from './known-error-search';

describe('search snippet', () => {
  it('escapes the text and marks only the words found', () => {
    expect(snippetHtml('Run <script>alert("x")</script> & retry \u0002VPN\u0003 now')).toBe('Run &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; retry <b>VPN</b> now');
  });

  it('never lets markup of the text through', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const html = snippetHtml(text.replaceAll(String.fromCharCode(2), '').replaceAll(String.fromCharCode(3), ''));
        expect(html).not.toMatch(/<(?!\/?b>)/);
        expect(html.replace(/<\/?b>/g, '')).not.toMatch(/[<>"']/);
      }),
    );
  });
});
