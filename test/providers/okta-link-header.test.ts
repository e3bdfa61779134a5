import { describe, expect, it } from 'vitest';
import { nextLinkOf, parseLinkHeader } from '../../src/providers/okta/link-header.js';

describe('Okta Link header parsing', () => {
  it('reads self and next from two header lines joined by fetch', () => {
    const h = new Headers();
    h.append('link', '<https://acme.okta.com/api/v1/users?limit=200>; rel="self"');
    h.append('link', '<https://acme.okta.com/api/v1/users?after=00u5x2k9QwErTy0h7357&limit=200>; rel="next"');
    expect(h.get('link')).toContain(', ');
    expect(nextLinkOf(h, 'https://acme.okta.com/api/v1/users?limit=200')).toBe('https://acme.okta.com/api/v1/users?after=00u5x2k9QwErTy0h7357&limit=200');
  });

  it('keeps commas and semicolons inside the URL, and the URL unchanged', () => {
    const next = 'https://acme.okta.com/api/v1/users?filter=lastUpdated%20gt%20%221970%22&fields=id,status;x&after=00u1';
    const value = `<https://acme.okta.com/api/v1/users?fields=id,status>; rel="self", <${next}>; rel="next"`;
    const links = parseLinkHeader(value);
    expect(links).toEqual([
      { url: 'https://acme.okta.com/api/v1/users?fields=id,status', rels: ['self'] },
      { url: next, rels: ['next'] },
    ]);
  });

  it('accepts unquoted rel, extra params, several rels and odd spacing', () => {
    const links = parseLinkHeader(' <https://x/a>;rel=next ; title="a, b; c" ,<https://x/b>; type="text/html"; rel="prev LAST"');
    expect(links).toEqual([
      { url: 'https://x/a', rels: ['next'] },
      { url: 'https://x/b', rels: ['prev', 'last'] },
    ]);
  });

  it('finds no next link when there is none or the header is garbage', () => {
    expect(nextLinkOf(new Headers({ link: '<https://x/a>; rel="self"' }), 'https://x/')).toBeNull();
    expect(nextLinkOf(new Headers(), 'https://x/')).toBeNull();
    expect(parseLinkHeader('garbage, more garbage; rel=next')).toEqual([]);
    expect(parseLinkHeader('<https://x/unterminated; rel="next"')).toEqual([]);
  });

  it('resolves a relative next link against the page URL', () => {
    expect(nextLinkOf(new Headers({ link: '</api/v1/users?after=00u2>; rel="next"' }), 'https://acme.okta.com/api/v1/users?limit=2')).toBe(
      'https://acme.okta.com/api/v1/users?after=00u2',
    );
  });
});
