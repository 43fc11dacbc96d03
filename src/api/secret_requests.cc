#include "api/secret_requests.h"

#include <boost/json/value.hpp>

#include "domain/json_reader.h"
#include "redact/secret_matcher.h"

namespace taskshare::api {
namespace {

namespace json = boost::json;

static_assert(kMinSecretValueBytes >= redact::kMinSecretLength,
              "values the redactor ignores must be refused");

bool NameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '-';
}

}  // namespace

Status CheckSecretName(std::string_view name) {
  bool ok = !name.empty() && name.size() <= kMaxSecretNameBytes;
  for (const char c : name) ok = ok && NameChar(c);
  if (ok) return Status::Ok();
  return Status::InvalidArgument("secret names are 1 to " + std::to_string(kMaxSecretNameBytes) +
                                 " characters of A-Z, a-z, 0-9, '_', '.' and '-'");
}

Result<NewSecret> ParseCreateSecret(std::string_view body) {
  // ParseJsonObject's messages name a position, never the text around it, so no value leaks through them.
  auto parsed = ParseJsonObject(body);
  if (!parsed.ok()) return parsed.status();
  JsonReader r(parsed->get_object(), "");
  auto name = r.String("name", Need::kRequired);
  auto value = r.String("value", Need::kRequired);
  if (Status s = r.Finish(); !s.ok()) return s;
  if (Status s = CheckSecretName(*name); !s.ok()) return Status::InvalidArgument("name: " + s.message());
  if (value->size() < kMinSecretValueBytes || value->size() > kMaxSecretValueBytes) {
    return Status::InvalidArgument("value must be " + std::to_string(kMinSecretValueBytes) + " to " +
                                   std::to_string(kMaxSecretValueBytes) +
                                   " bytes (shorter values are too common in any text to be redacted)");
  }
  return NewSecret{std::move(*name), std::move(*value)};
}

}  // namespace taskshare::api
