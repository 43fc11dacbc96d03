#include "domain/email.h"

#include <cstdint>

#include "common/strings.h"

namespace taskshare {
namespace {

Status Invalid(std::string_view rule) {
  return Status::InvalidArgument("invalid email address: " + std::string(rule));
}

// The code point of the well-formed UTF-8 sequence at s[i] (RFC 3629: no overlong forms, surrogates or
// values past U+10FFFF), and its length in `length`; -1 if none starts there.
std::int32_t DecodeUtf8(std::string_view s, std::size_t i, std::size_t& length) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  std::int32_t cp = 0;
  std::int32_t min = 0;
  if (lead < 0x80) {
    length = 1;
    return lead;
  }
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, cp = lead & 0x1F, min = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, cp = lead & 0x0F, min = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, cp = lead & 0x07, min = 0x10000;
  } else {
    return -1;
  }
  if (i + length > s.size()) return -1;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  return cp;
}

bool IsSpaceOrControl(std::int32_t cp) {
  return cp <= 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0xA0 || cp == 0x2028 || cp == 0x2029;
}

// Whether `domain` holds a '.', with a label on each side of every '.'.
bool HasDottedLabels(std::string_view domain) {
  return domain.find('.') != std::string_view::npos && !domain.starts_with('.') && !domain.ends_with('.') &&
         domain.find("..") == std::string_view::npos;
}

}  // namespace

Status ValidateEmail(std::string_view email) {
  if (email.size() > kMaxEmailBytes) return Invalid("it must have at most 254 bytes");
  for (std::size_t i = 0, length = 0; i < email.size(); i += length) {
    const std::int32_t cp = DecodeUtf8(email, i, length);
    if (cp < 0) return Invalid("it must be valid UTF-8");
    if (IsSpaceOrControl(cp)) return Invalid("it must not hold spaces or control characters");
    if (cp == '<' || cp == '>' || cp == '"') return Invalid("it must not hold < > or \"");
  }
  const std::size_t at = email.find('@');
  if (at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) {
    return Invalid("it must have exactly one '@'");
  }
  if (at == 0) return Invalid("it must have a name before its '@'");
  if (!HasDottedLabels(email.substr(at + 1))) {
    return Invalid("it must have a domain with a '.' after its '@' (as in name@example.com)");
  }
  return Status::Ok();
}

std::string NormalizeEmail(std::string_view email) { return AsciiLower(email); }

std::vector<std::string> EmailLookupOrder(std::string_view email) {
  std::vector<std::string> spellings{NormalizeEmail(email)};
  if (spellings.front() != email) spellings.emplace_back(email);
  return spellings;
}

}  // namespace taskshare
