/**
 * EC2 filter values are patterns: `*` any run, `?` one character, `\` escapes the next character.
 * Parsed once here for both matchers: in memory (regular expressions) and in SQL (src/store/sql.ts).
 */
export type WildcardToken = '*' | '?' | { lit: string };

export function wildcardTokens(value: string): WildcardToken[] {
  const out: WildcardToken[] = [];
  let lit = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && i + 1 < value.length) lit += value[++i];
    else if (c === '*' || c === '?') {
      if (lit) out.push({ lit });
      lit = '';
      out.push(c);
    } else lit += c;
  }
  if (lit) out.push({ lit });
  return out;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function wildcardRegExp(value: string): RegExp {
  const re = wildcardTokens(value).map((t) => (t === '*' ? '[\\s\\S]*' : t === '?' ? '[\\s\\S]' : escapeRe(t.lit))).join('');
  return new RegExp(`^${re}$`);
}
