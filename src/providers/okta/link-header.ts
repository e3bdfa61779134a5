/**
 * RFC 8288 `Link` header parsing. Okta sends `self` and `next` as separate header lines; fetch's
 * `Headers.get` joins them with ", ", and a URL may itself contain commas or semicolons, so the value
 * is tokenised (`<uri>` then `;param=value` pairs) rather than split on commas.
 */
export interface LinkValue {
  url: string;
  /** Lower-cased relation types; `rel="next last"` gives two. */
  rels: string[];
}

export function parseLinkHeader(value: string | null | undefined): LinkValue[] {
  const links: LinkValue[] = [];
  if (!value) return links;
  const s = value;
  let i = 0;
  const skipWs = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  while (i < s.length) {
    skipWs();
    if (s[i] === ',') {
      i++;
      continue;
    }
    if (s[i] !== '<') {
      // not a link-value: skip to the next one
      const next = s.indexOf(',', i);
      if (next < 0) break;
      i = next + 1;
      continue;
    }
    const end = s.indexOf('>', i + 1);
    if (end < 0) break;
    const url = s.slice(i + 1, end).trim();
    i = end + 1;
    const rels: string[] = [];
    for (;;) {
      skipWs();
      if (s[i] !== ';') break;
      i++;
      skipWs();
      const nameMatch = /^[^=;,\s]+/.exec(s.slice(i));
      if (!nameMatch) continue;
      const name = nameMatch[0].toLowerCase();
      i += nameMatch[0].length;
      skipWs();
      let paramValue = '';
      if (s[i] === '=') {
        i++;
        skipWs();
        if (s[i] === '"') {
          i++;
          while (i < s.length && s[i] !== '"') {
            if (s[i] === '\\' && i + 1 < s.length) i++;
            paramValue += s[i];
            i++;
          }
          i++; // closing quote
        } else {
          const tok = /^[^;,\s]*/.exec(s.slice(i))![0];
          paramValue = tok;
          i += tok.length;
        }
      }
      if (name === 'rel') rels.push(...paramValue.toLowerCase().split(/\s+/).filter(Boolean));
    }
    links.push({ url, rels });
  }
  return links;
}

/** The `rel="next"` URL exactly as sent (Okta's cursor is opaque: never rebuilt), resolved against the
 * page's URL only if it is relative. */
export function nextLinkOf(headers: Headers, pageUrl: string): string | null {
  const next = parseLinkHeader(headers.get('link')).find((l) => l.rels.includes('next'));
  if (!next || next.url === '') return null;
  if (/^https?:\/\//i.test(next.url)) return next.url;
  try {
    return new URL(next.url, pageUrl).toString();
  } catch {
    return null;
  }
}
