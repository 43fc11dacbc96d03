#include "redact/json_string.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "redact/byte_scan.h"

namespace taskshare::redact {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

namespace {

// The four hex digits at raw[i..i+4), or -1.
int32_t Hex4(std::string_view raw, size_t i) {
  if (i + 4 > raw.size()) return -1;
  int32_t v = 0;
  for (size_t k = i; k < i + 4; ++k) {
    const int d = HexValue(raw[k]);
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

}  // namespace

size_t EncodeUtf8(uint32_t cp, std::array<char, 4>& b) {
  if (cp < 0x80) {
    b[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    b[0] = static_cast<char>(0xC0 | (cp >> 6));
    b[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    b[0] = static_cast<char>(0xE0 | (cp >> 12));
    b[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    b[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  b[0] = static_cast<char>(0xF0 | (cp >> 18));
  b[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  b[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  b[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

namespace {

char SimpleEscape(char c) {
  switch (c) {
    case '"':
      return '"';
    case '\\':
      return '\\';
    case '/':
      return '/';
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    default:
      return 0;
  }
}

}  // namespace

JsonUnit DecodeJsonUnit(std::string_view raw, size_t i) {
  JsonUnit u{i + 1, 1, {raw[i]}};
  if (raw[i] != '\\') return u;
  if (i + 1 >= raw.size()) return {kBadEscape, 0, {}};
  if (raw[i + 1] != 'u') {
    u.bytes[0] = SimpleEscape(raw[i + 1]);
    u.next = u.bytes[0] == 0 ? kBadEscape : i + 2;
    return u;
  }
  int32_t cp = Hex4(raw, i + 2);
  if (cp < 0) return {kBadEscape, 0, {}};
  u.next = i + 6;
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    const int32_t low =
        u.next + 1 < raw.size() && raw[u.next] == '\\' && raw[u.next + 1] == 'u' ? Hex4(raw, u.next + 2) : -1;
    if (low >= 0xDC00 && low <= 0xDFFF) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      u.next += 6;
    } else {
      cp = 0xFFFD;
    }
  } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
    cp = 0xFFFD;
  }
  u.size = EncodeUtf8(static_cast<uint32_t>(cp), u.bytes);
  return u;
}

bool DecodeJsonString(std::string_view raw, std::string& out) {
  out.clear();
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size();) {
    const size_t escape = ByteScan<AnyOf<'\\'>>::Find(raw, i);
    out.append(raw.substr(i, escape - i));  // a run without escapes, copied whole
    if (escape == raw.size()) break;
    if (escape + 1 < raw.size() && raw[escape + 1] != 'u') {  // \n and the like, the most common
      const char c = SimpleEscape(raw[escape + 1]);
      if (c == 0) return false;
      out += c;
      i = escape + 2;
      continue;
    }
    const JsonUnit u = DecodeJsonUnit(raw, escape);
    if (u.next == kBadEscape) return false;
    out.append(u.bytes.data(), u.size);
    i = u.next;
  }
  return true;
}

void MapSpansToRaw(std::string_view raw, std::vector<Span>& spans) {
  std::vector<Span> mapped;
  auto add = [&mapped](Span m) {
    if (!mapped.empty() && m.begin < mapped.back().end) {  // two spans ended and began in one escape
      Span& prev = mapped.back();
      if (m.end - m.begin > prev.end - prev.begin) prev.rule = m.rule;
      prev.end = std::max(prev.end, m.end);
    } else {
      mapped.push_back(m);
    }
  };
  size_t k = 0;  // the next span to open or close
  bool open = false;
  Span current;
  size_t decoded = 0;  // offset in the decoding of the unit at raw[i]
  for (size_t i = 0; i < raw.size() && k < spans.size();) {
    const JsonUnit u = DecodeJsonUnit(raw, i);
    if (u.next == kBadEscape) break;  // not reached for text that DecodeJsonString accepted
    const size_t decoded_end = decoded + u.size;
    while (k < spans.size()) {
      if (!open) {
        if (spans[k].begin >= decoded_end) break;
        current = {i, raw.size(), spans[k].rule};
        open = true;
      }
      if (spans[k].end > decoded_end) break;
      current.end = u.next;
      add(current);
      open = false;
      ++k;
    }
    decoded = decoded_end;
    i = u.next;
  }
  if (open) add(current);
  spans = std::move(mapped);
}

}  // namespace taskshare::redact
