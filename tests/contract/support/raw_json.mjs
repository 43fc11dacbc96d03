// The source text of JSON values, for checking that the server returns each message exactly as it was
// sent: JSON.parse would turn 1.50 into 1.5 and 1e400 into Infinity, hiding any change of text.
//
// Texts are handled as "binary strings" (one character per byte, see bytesOf) so that comparisons are
// of bytes, not of decoded characters. Every function expects valid JSON and throws on anything else it
// trips over; none of them validates fully.

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

// `text` (a string, Buffer or ArrayBuffer) as a string with one character per byte of its UTF-8 form.
export function bytesOf(text) {
  if (typeof text === 'string') return Buffer.from(text, 'utf8').toString('latin1');
  return Buffer.from(text).toString('latin1');
}

function skipWhitespace(s, i) {
  while (i < s.length && WHITESPACE.has(s[i])) i++;
  return i;
}

function endOfString(s, i) {
  if (s[i] !== '"') throw new Error(`expected a string at offset ${i}`);
  for (i++; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"') return i + 1;
  }
  throw new Error('unterminated string');
}

// Calls visit(keyText, start, end) for each member of an object, or visit(null, start, end) for each
// element of an array, starting at s[i] (the opening bracket); returns the offset after the closing one.
function walkContainer(s, i, visit) {
  const isObject = s[i] === '{';
  const close = isObject ? '}' : ']';
  i = skipWhitespace(s, i + 1);
  if (s[i] === close) return i + 1;
  for (;;) {
    let key = null;
    if (isObject) {
      const keyEnd = endOfString(s, i);
      key = s.slice(i, keyEnd);
      i = skipWhitespace(s, keyEnd);
      if (s[i] !== ':') throw new Error(`expected ':' at offset ${i}`);
      i = skipWhitespace(s, i + 1);
    }
    const end = endOfValue(s, i);
    visit?.(key, i, end);
    i = skipWhitespace(s, end);
    if (s[i] === close) return i + 1;
    if (s[i] !== ',') throw new Error(`expected ',' or '${close}' at offset ${i}`);
    i = skipWhitespace(s, i + 1);
  }
}

// The offset just after the value that starts at s[i].
function endOfValue(s, i) {
  const c = s[i];
  if (c === '"') return endOfString(s, i);
  if (c === '{' || c === '[') return walkContainer(s, i);
  let j = i;
  while (j < s.length && /[-+.0-9a-zA-Z]/.test(s[j])) j++;
  if (j === i) throw new Error(`expected a value at offset ${i}`);
  return j;
}

function valueSpan(s) {
  const start = skipWhitespace(s, 0);
  const end = endOfValue(s, start);
  if (skipWhitespace(s, end) !== s.length) throw new Error('trailing characters after the JSON value');
  return start;
}

// `text` without the whitespace between tokens.
export function compact(text) {
  let out = '';
  for (let i = 0; i < text.length;) {
    if (text[i] === '"') {
      const end = endOfString(text, i);
      out += text.slice(i, end);
      i = end;
    } else {
      if (!WHITESPACE.has(text[i])) out += text[i];
      i++;
    }
  }
  return out;
}

// The source text of the member `key` of the object `text`, or undefined.
export function rawMember(text, key) {
  const start = valueSpan(text);
  if (text[start] !== '{') throw new Error('not a JSON object');
  let found;
  walkContainer(text, start, (k, from, to) => {
    if (JSON.parse(Buffer.from(k, 'latin1').toString('utf8')) === key) found = text.slice(from, to);
  });
  return found;
}

// The source text of each element of the array `text`.
export function rawElements(text) {
  const start = valueSpan(text);
  if (text[start] !== '[') throw new Error('not a JSON array');
  const elements = [];
  walkContainer(text, start, (_, from, to) => elements.push(text.slice(from, to)));
  return elements;
}
