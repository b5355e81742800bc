/**
 * Fitting text into channel limits without breaking it: cuts never split a surrogate pair (characters) or a
 * UTF-8 sequence (bytes), and say that something was cut. Values that come from CloudTrail (user agents,
 * resource names) are attacker-influenced: control characters are removed before they reach a message. Pure.
 */

export const ELLIPSIS = '…';

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** At most `max` UTF-16 code units (Slack and SNS count characters), ending with `marker` when cut. */
export function truncateChars(text: string, max: number, marker = ELLIPSIS): string {
  if (text.length <= max) return text;
  if (max <= marker.length) return marker.slice(0, Math.max(0, max));
  let end = max - marker.length;
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return text.slice(0, end) + marker;
}

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** At most `maxBytes` bytes of UTF-8, ending with `marker` when cut (never a broken character). */
export function truncateUtf8(text: string, maxBytes: number, marker = ELLIPSIS): string {
  if (utf8Length(text) <= maxBytes) return text;
  const budget = maxBytes - utf8Length(marker);
  if (budget <= 0) return truncateUtf8(marker, maxBytes, '');
  // Binary search on code-unit length: the longest prefix (not ending inside a pair) that fits.
  let low = 0;
  let high = Math.min(text.length, budget);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (utf8Length(text.slice(0, mid)) <= budget) low = mid;
    else high = mid - 1;
  }
  let end = low;
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return text.slice(0, end) + marker;
}

/** C0 and C1 controls (not newline and tab), line/paragraph separators, bidirectional overrides and isolates. */
function isControl(code: number): boolean {
  return (
    code <= 0x08 ||
    code === 0x0b ||
    code === 0x0c ||
    (code >= 0x0e && code <= 0x1f) ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

/** Multi-line text without control characters or bidirectional overrides (newlines and tabs kept). */
export function withoutControlCharacters(text: string): string {
  let out = '';
  for (const ch of text.replace(/\r\n?/g, '\n')) if (!isControl(ch.charCodeAt(0))) out += ch;
  return out;
}

/** One line: line breaks and tabs become spaces, control characters go, runs of spaces collapse. */
export function singleLine(text: string): string {
  return withoutControlCharacters(text)
    .replace(/[\n\t]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

const ASCII_LOOKALIKES: Record<string, string> = {
  '—': '-',
  '–': '-',
  '‐': '-',
  '→': '->',
  '‘': "'",
  '’': "'",
  '“': '"',
  '”': '"',
  '…': '...',
  '·': '-',
  '×': 'x',
};

/**
 * Printable ASCII only (SNS subjects must be ASCII without line breaks): accents dropped, common punctuation
 * replaced by its ASCII look-alike, anything else by `?`.
 */
export function asciiOnly(text: string): string {
  return singleLine(text)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]/gu, (ch) => ASCII_LOOKALIKES[ch] ?? '?');
}
