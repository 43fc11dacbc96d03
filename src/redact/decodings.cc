#include "redact/decodings.h"

namespace taskshare::redact {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Appends the UTF-8 encoding of `cp` to `out`.
void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The four hex digits at text[i, i + 4) as a number, or -1.
int32_t Hex4At(std::string_view text, size_t i) {
  if (i + 4 > text.size()) return -1;
  int32_t v = 0;
  for (size_t k = i; k < i + 4; ++k) {
    const int d = HexDigit(text[k]);
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

}  // namespace

Decoded PercentDecoded(std::string_view text, bool plus_is_space) {
  Decoded d;
  d.bytes.reserve(text.size());
  d.from.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '%' && i + 2 < text.size() && HexDigit(text[i + 1]) >= 0 && HexDigit(text[i + 2]) >= 0) {
      const char c = static_cast<char>(HexDigit(text[i + 1]) * 16 + HexDigit(text[i + 2]));
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
    if (text[i] == '\\' && i + 1 < text.size()) {
      const char e = text[i + 1];
      char simple = 0;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          simple = e;
          break;
        case 'b':
          simple = '\b';
          break;
        case 'f':
          simple = '\f';
          break;
        case 'n':
          simple = '\n';
          break;
        case 'r':
          simple = '\r';
          break;
        case 't':
          simple = '\t';
          break;
        default:
          break;
      }
      if (simple != 0) {
        d.Add(std::string_view(&simple, 1), i, i + 2);
        i += 2;
        continue;
      }
      int32_t cp = e == 'u' ? Hex4At(text, i + 2) : -1;
      size_t next = i + 6;
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        const int32_t low = next + 1 < text.size() && text[next] == '\\' && text[next + 1] == 'u'
                                ? Hex4At(text, next + 2)
                                : -1;
        cp = low >= 0xDC00 && low <= 0xDFFF ? 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00) : -1;
        next += 6;
      } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        cp = -1;
      }
      if (cp >= 0) {
        std::string utf8;
        AppendUtf8(static_cast<uint32_t>(cp), utf8);
        d.Add(utf8, i, next);
        i = next;
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
      const int d = hex ? HexDigit(c) : (c >= '0' && c <= '9' ? c - '0' : -1);
      if (d < 0) return 0;
      cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(d);
    }
    // As CommonMark: 0 and code points past Unicode or in the surrogate range become U+FFFD.
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    AppendUtf8(cp, out);
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
