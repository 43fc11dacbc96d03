#include "web/html.h"

#include <algorithm>

namespace taskshare::web {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The length of the valid UTF-8 sequence starting at s[i], or 0 if none starts there (overlong forms,
// surrogates and code points past U+10FFFF are invalid).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return 1;
  auto cont = [&](size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    if (i + k >= s.size()) return false;
    const auto b = static_cast<unsigned char>(s[i + k]);
    return b >= lo && b <= hi;
  };
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if (b0 == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (b0 >= 0xE1 && b0 <= 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (b0 == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xF1 && b0 <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

bool IsHiddenControl(unsigned char c) {
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F;
}

// U+2400 + c for C0 controls, U+2421 for DEL: three bytes E2 90 xx.
void AppendControlPicture(std::string& out, unsigned char c) {
  out += '\xE2';
  out += '\x90';
  out += static_cast<char>(c == 0x7F ? 0xA1 : 0x80 + c);
}

bool IsFoldableSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// The number of bytes AppendEscaped writes for the character of `text` that starts at `i`; `*length` is
// set to the bytes it reads there. The two must agree with AppendEscaped.
size_t EscapedUnit(std::string_view text, size_t i, size_t* length) {
  const auto c = static_cast<unsigned char>(text[i]);
  *length = 1;
  switch (c) {
    case '&':
    case '\'':
      return 5;  // &amp; &#39;
    case '<':
    case '>':
      return 4;  // &lt; &gt;
    case '"':
      return 6;  // &quot;
    default:
      break;
  }
  if (c < 0x80) return IsHiddenControl(c) ? 3 : 1;
  if (const size_t n = Utf8SequenceLength(text, i); n != 0) {
    *length = n;
    return n;
  }
  return kReplacement.size();
}

}  // namespace

void AppendEscaped(std::string& out, std::string_view text) {
  out.reserve(out.size() + text.size() + text.size() / 8);
  size_t run = 0;  // start of the pending run of bytes copied as they are
  size_t i = 0;
  auto flush = [&] { out.append(text.data() + run, i - run); };
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::string_view entity;
    switch (c) {
      case '&':
        entity = "&amp;";
        break;
      case '<':
        entity = "&lt;";
        break;
      case '>':
        entity = "&gt;";
        break;
      case '"':
        entity = "&quot;";
        break;
      case '\'':
        entity = "&#39;";
        break;
      default:
        break;
    }
    if (!entity.empty()) {
      flush();
      out.append(entity);
      run = ++i;
    } else if (c < 0x80) {
      if (IsHiddenControl(c)) {
        flush();
        AppendControlPicture(out, c);
        run = ++i;
      } else {
        ++i;
      }
    } else if (size_t n = Utf8SequenceLength(text, i); n != 0) {
      i += n;
    } else {
      flush();
      out.append(kReplacement);
      run = ++i;
    }
  }
  flush();
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  AppendEscaped(out, text);
  return out;
}

size_t EscapedSize(std::string_view text) {
  size_t size = 0;
  for (size_t i = 0, length = 0; i < text.size(); i += length) size += EscapedUnit(text, i, &length);
  return size;
}

size_t EscapedPrefix(std::string_view text, size_t max_bytes) {
  size_t size = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t length = 0;
    const size_t unit = EscapedUnit(text, i, &length);
    if (size + unit > max_bytes) break;
    size += unit;
    i += length;
  }
  return i;
}

void ReplaceControlCharacters(std::string& html) {
  if (std::none_of(html.begin(), html.end(), [](char c) { return IsHiddenControl(c); })) return;
  std::string out;
  out.reserve(html.size() + 16);
  for (char c : html) {
    if (IsHiddenControl(static_cast<unsigned char>(c))) {
      AppendControlPicture(out, static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  html.swap(out);
}

std::string Excerpt(std::string_view text, size_t max_chars) {
  std::string out;
  size_t chars = 0;
  bool pending_space = false;
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (IsFoldableSpace(c)) {
      pending_space = !out.empty();
      ++i;
      continue;
    }
    if (chars + (pending_space ? 1 : 0) >= max_chars) {
      out += "\xE2\x80\xA6";  // …
      break;
    }
    if (pending_space) {
      out += ' ';
      ++chars;
      pending_space = false;
    }
    const size_t n = Utf8SequenceLength(text, i);
    if (n == 0) {
      out.append(kReplacement);
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
    ++chars;
  }
  return out;
}

std::string HumanUtc(UnixMicros t) {
  // FormatRfc3339 gives "YYYY-MM-DDTHH:MM:SS[.f]Z"; people read the date and the time to the second.
  std::string rfc = FormatRfc3339(t);
  const size_t tee = rfc.find('T');
  if (tee == std::string::npos || rfc.size() < tee + 9) return rfc;
  return rfc.substr(0, tee) + " " + rfc.substr(tee + 1, 8) + " UTC";
}

void AppendTime(std::string& out, UnixMicros t) {
  out += "<time datetime=\"";
  AppendEscaped(out, FormatRfc3339(t));
  out += "\">";
  AppendEscaped(out, HumanUtc(t));
  out += "</time>";
}

size_t CountLines(std::string_view text) {
  if (text.empty()) return 0;
  const auto feeds = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
  return text.back() == '\n' ? feeds : feeds + 1;
}

void AppendPreBlock(std::string& out, std::string_view text, std::string_view pre_class) {
  out += "<pre class=\"";
  out += pre_class;
  out += "\">";
  if (text.size() <= kPreMaxBytes && CountLines(text) <= kPreMaxLines) {
    AppendEscaped(out, text);
    out += "</pre>";
    return;
  }
  // The head ends after kPreMaxLines lines or at kPreMaxBytes, whichever comes first; a byte cut moves
  // back to the last line end when there is one in its second half, else to a code point boundary.
  size_t cut = std::min(text.size(), kPreMaxBytes);
  size_t lines = 0;
  for (size_t i = 0; i < cut; ++i) {
    if (text[i] == '\n' && ++lines == kPreMaxLines) {
      cut = i + 1;
      break;
    }
  }
  if (lines < kPreMaxLines && cut < text.size()) {
    const size_t nl = text.rfind('\n', cut - 1);
    if (nl != std::string_view::npos && nl + 1 >= cut / 2) {
      cut = nl + 1;
    } else {
      while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    }
  }
  const size_t total = CountLines(text);
  AppendEscaped(out, text.substr(0, cut));
  out += "</pre><details class=\"more\"><summary>Show all ";
  out += std::to_string(total);
  out += total == 1 ? " line" : " lines";
  out += " (";
  out += std::to_string((text.size() + 1023) / 1024);
  out += " KB)</summary><pre class=\"";
  out += pre_class;
  out += "\">";
  AppendEscaped(out, text.substr(cut));
  out += "</pre></details>";
}

}  // namespace taskshare::web
