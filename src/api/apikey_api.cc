#include "api/apikey_api.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/errors.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/time.h"
#include "domain/json_reader.h"

namespace taskshare::api {
namespace {

namespace json = boost::json;

Response NoStoreJson(const json::object& o, int status) {
  Response r = JsonResponse(json::serialize(o), status);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace

Response GetApiKey(Store& store, const User& caller) {
  auto key = store.GetApiKey(caller.id);
  if (!key.ok()) return ErrorResponse(key.status());
  json::object o;
  o["prefix"] = key->prefix ? json::value(*key->prefix) : json::value(nullptr);
  o["created_at"] = FormatRfc3339(key->created_at);
  return NoStoreJson(o, 200);
}

Response RotateApiKey(Store& store, const User& caller, std::optional<std::string_view> presented_key_hash,
                      std::string_view body, UnixMicros now) {
  if (Status s = CheckEmptyBody(body, "key rotation"); !s.ok()) return ErrorResponse(s);
  const std::string key = NewApiKey();
  const StoredApiKey stored{
      .key_hash = Sha256Hex(key), .prefix = std::string(ApiKeyPrefix(key)), .created_at = now};
  if (Status s = store.RotateApiKey(caller.id, presented_key_hash, stored); !s.ok()) {
    // The key was rotated away between authentication and this rotation's commit.
    if (s.code() == Code::kNotFound) return ErrorResponse(Status::Unauthenticated("invalid API key"));
    return ErrorResponse(s);
  }
  LogInfo("API key of " + caller.email + " rotated; new key " + *stored.prefix + "...");
  return NoStoreJson(
      {{"api_key", key}, {"prefix", *stored.prefix}, {"created_at", FormatRfc3339(stored.created_at)}}, 201);
}

}  // namespace taskshare::api
