// Fuzz target "redact": redact::Redactor::RedactText and RedactJson, over secret values and text
// from the input.
//
// Input: one byte whose value % 4 is the number of secret values, then that many NUL-terminated
// values, then the text. Properties checked besides memory safety and the linear-time promise (left to
// libFuzzer's -timeout):
//   - no secret value (of kMinSecretLength bytes or more) survives RedactText, once the
//     "[REDACTED:rule]" markers are taken out of the output;
//   - RedactJson of valid JSON is valid JSON, and of anything else is RedactText of it (its contract).
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "redact/redactor.h"

namespace taskshare::fuzz {
namespace {

// Valid JSON at any depth (the redactor does not limit nesting).
bool IsJson(std::string_view text) {
  boost::json::parse_options options;
  options.max_depth = static_cast<std::size_t>(-1);
  boost::system::error_code ec;
  boost::json::parse(text, ec, {}, options);
  return !ec;
}

// `text` with each "[REDACTED:name]" marker replaced by one \x01 byte, so that a secret cannot be
// seen in the marker's own letters, nor put together from the text on either side of it.
std::string WithoutMarkers(std::string_view text) {
  constexpr std::string_view kOpen = "[REDACTED:";
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (text.substr(i, kOpen.size()) == kOpen) {
      const size_t close = text.find(']', i + kOpen.size());
      if (close != std::string_view::npos) {
        out += '\x01';
        i = close + 1;
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

}  // namespace
}  // namespace taskshare::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace taskshare;
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<std::string> secrets;
  for (int i = data[0] % 4; i > 0; --i) {
    const size_t nul = rest.find('\0');
    if (nul == std::string_view::npos) break;
    secrets.emplace_back(rest.substr(0, nul));
    rest.remove_prefix(nul + 1);
  }
  const redact::Redactor redactor(secrets);

  const std::string text = redactor.RedactText(rest);
  const std::string seen = fuzz::WithoutMarkers(text);
  for (const std::string& secret : secrets) {
    if (secret.size() < redact::kMinSecretLength || secret.find('\x01') != std::string::npos) continue;
    fuzz::Require(seen.find(secret) == std::string::npos, "a secret value survives RedactText");
  }

  const std::string json = redactor.RedactJson(rest);
  if (fuzz::IsJson(rest)) {
    fuzz::Require(fuzz::IsJson(json), "RedactJson of valid JSON is not valid JSON");
  } else if (json != text) {
    std::fprintf(stderr, "RedactText: %s\nRedactJson: %s\n", text.c_str(), json.c_str());
    fuzz::Require(false, "RedactJson of invalid JSON differs from RedactText");
  }
  return 0;
}
