// Fuzz target "ids": the small parsers of identifiers a client controls: UUIDs (CanonicalUuid,
// IsCanonicalUuid), API key shapes, list cursors (DecodeCursor/EncodeCursor), the list query
// (ParseListQuery, fed "k=v&k=v" split here without percent-decoding) and RFC 3339 times.
//
// Input: any bytes; each parser gets all of them. Properties checked besides memory safety: a
// canonical UUID is its own canonical form; a cursor or a time that parses comes back unchanged when
// written out and read again, and a time is always written as RFC 3339 that parses.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/task_requests.h"
#include "common/ids.h"
#include "common/time.h"
#include "fuzz_check.h"

namespace taskshare::fuzz {
namespace {

void CheckUuid(std::string_view text) {
  const std::optional<std::string> canonical = CanonicalUuid(text);
  if (IsCanonicalUuid(text)) Require(canonical && *canonical == text, "canonical UUID changed");
  if (canonical) {
    Require(IsCanonicalUuid(*canonical), "CanonicalUuid returned a non-canonical UUID");
    Require(CanonicalUuid(*canonical) == canonical, "CanonicalUuid is not idempotent");
  }
}

void CheckCursor(std::string_view text) {
  auto position = api::DecodeCursor(text);
  if (!position.ok()) return;
  auto back = api::DecodeCursor(api::EncodeCursor(*position));
  Require(back.ok() && back->created_at == position->created_at && back->seq == position->seq,
          "cursor does not survive EncodeCursor");
}

void CheckTime(std::string_view text) {
  const std::optional<UnixMicros> t = ParseRfc3339(text);
  if (!t) return;
  const std::string written = FormatRfc3339(*t);
  Require(ParseRfc3339(written) == t, "a parsed time is written as text that does not parse back");
}

void CheckListQuery(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> params;
  while (!text.empty()) {
    const size_t amp = text.find('&');
    const std::string_view param = text.substr(0, amp);
    const size_t eq = param.find('=');
    params.emplace_back(std::string(param.substr(0, eq)),
                        eq == std::string_view::npos ? std::string() : std::string(param.substr(eq + 1)));
    text.remove_prefix(amp == std::string_view::npos ? text.size() : amp + 1);
  }
  auto query = api::ParseListQuery(params, "00000000-0000-4000-8000-000000000000");
  if (query.ok()) Require(query->limit >= 1 && query->limit <= 100, "limit out of range");
}

}  // namespace
}  // namespace taskshare::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace taskshare;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz::CheckUuid(text);
  (void)IsWellFormedApiKey(text);
  fuzz::CheckCursor(text);
  fuzz::CheckTime(text);
  fuzz::CheckListQuery(text);
  return 0;
}
