#include "redact/decodings.h"

#include <array>

#include "redact/json_string.h"

namespace taskshare::redact {

Decoded PercentDecoded(std::string_view text, bool plus_is_space) {
  Decoded d;
  d.bytes.reserve(text.size());
  d.from.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 && HexValue(text[i + 2]) >= 0) {
      const char c = static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      d.Add(std::string_view(&c, 1), i, i + 3);
      i += 3;
    } else if (text[i] == '+' && plus_is_space) {
      d.Add(" ", i, i + 1);
      ++i;
    } else {
      d.Add(text.substr(i, 1), i, i + 1);
      ++i;
    }
  }
  return d;
}

Decoded JsonUnescaped(std::string_view text) {
  Decoded d;
  d.bytes.reserve(text.size());
  d.from.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '\\') {
      if (const JsonUnit u = DecodeJsonUnit(text, i); u.next != kBadEscape) {
        d.Add(std::string_view(u.bytes.data(), u.size), i, u.next);
        i = u.next;
        continue;
      }
    }
    d.Add(text.substr(i, 1), i, i + 1);
    ++i;
  }
  return d;
}

namespace {

// The named character references of ASCII punctuation (HTML5), without their '&' and ';'.
struct Named {
  std::string_view name;
  char c;
};
constexpr Named kNamed[] = {
    {"excl", '!'},         {"quot", '"'},     {"QUOT", '"'},   {"num", '#'},
    {"dollar", '$'},       {"percnt", '%'},   {"amp", '&'},    {"AMP", '&'},
    {"apos", '\''},        {"lpar", '('},     {"rpar", ')'},   {"ast", '*'},
    {"midast", '*'},       {"plus", '+'},     {"comma", ','},  {"period", '.'},
    {"sol", '/'},          {"colon", ':'},    {"semi", ';'},   {"lt", '<'},
    {"LT", '<'},           {"equals", '='},   {"gt", '>'},     {"GT", '>'},
    {"quest", '?'},        {"commat", '@'},   {"lsqb", '['},   {"lbrack", '['},
    {"bsol", '\\'},        {"rsqb", ']'},     {"rbrack", ']'}, {"Hat", '^'},
    {"lowbar", '_'},       {"UnderBar", '_'}, {"grave", '`'},  {"DiacriticalGrave", '`'},
    {"lcub", '{'},         {"lbrace", '{'},   {"verbar", '|'}, {"vert", '|'},
    {"VerticalLine", '|'}, {"rcub", '}'},     {"rbrace", '}'}, {"tilde", '~'},
};

bool IsAsciiPunctuation(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
}

// The character reference at text[i] ('&'): its decoding appended to `out` and the index past it, or
// 0 if there is none.
size_t CharacterReference(std::string_view text, size_t i, std::string& out) {
  // The longest reference decoded here is "&DiacriticalGrave;" (18 bytes) or "&#1114111;": looking
  // no further keeps a text of many '&' linear.
  constexpr size_t kLongest = 20;
  const size_t found = text.substr(i + 1, kLongest).find(';');
  if (found == std::string_view::npos) return 0;
  const size_t semi = i + 1 + found;
  const std::string_view body = text.substr(i + 1, semi - i - 1);
  if (body.size() >= 2 && body[0] == '#') {
    const bool hex = body[1] == 'x' || body[1] == 'X';
    const std::string_view digits = body.substr(hex ? 2 : 1);
    if (digits.empty() || digits.size() > (hex ? 6u : 7u)) return 0;
    uint32_t cp = 0;
    for (char c : digits) {
      const int d = hex ? HexValue(c) : (c >= '0' && c <= '9' ? c - '0' : -1);
      if (d < 0) return 0;
      cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(d);
    }
    // As CommonMark: 0 and code points past Unicode or in the surrogate range become U+FFFD.
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    std::array<char, 4> bytes{};
    out.append(bytes.data(), EncodeUtf8(cp, bytes));
    return semi + 1;
  }
  for (const Named& n : kNamed) {
    if (n.name == body) {
      out += n.c;
      return semi + 1;
    }
  }
  return 0;
}

}  // namespace

Decoded MarkupDecoded(std::string_view text) {
  Decoded d;
  d.bytes.reserve(text.size());
  d.from.reserve(text.size());
  std::string piece;
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '\\' && i + 1 < text.size() && IsAsciiPunctuation(text[i + 1])) {
      d.Add(text.substr(i + 1, 1), i, i + 2);
      i += 2;
      continue;
    }
    if (text[i] == '&') {
      piece.clear();
      if (const size_t next = CharacterReference(text, i, piece); next != 0) {
        d.Add(piece, i, next);
        i = next;
        continue;
      }
    }
    d.Add(text.substr(i, 1), i, i + 1);
    ++i;
  }
  return d;
}

bool HoldsMarkup(std::string_view text) {
  std::string scratch;
  for (size_t i = text.find_first_of("\\&"); i != std::string_view::npos;
       i = text.find_first_of("\\&", i + 1)) {
    if (text[i] == '\\' ? i + 1 < text.size() && IsAsciiPunctuation(text[i + 1])
                        : CharacterReference(text, i, scratch) != 0) {
      return true;
    }
  }
  return false;
}

}  // namespace taskshare::redact
