#include "api/secrets_api.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/errors.h"
#include "api/secret_requests.h"
#include "common/time.h"

namespace taskshare::api {
namespace {

namespace json = boost::json;

// Ok if `caller` may store a secret named `name`: one they hold already, or a new one within their
// quota.
Status CheckSecretRoom(Store& store, const Quotas& quotas, const User& caller, std::string_view name) {
  auto held = store.ListSecrets(caller.id);
  if (!held.ok()) return held.status();
  for (const SecretInfo& s : *held) {
    if (s.name == name) return Status::Ok();
  }
  return CheckNewSecret(quotas, static_cast<std::int64_t>(held->size()));
}

json::object SecretJson(const SecretInfo& s) {
  return {{"name", s.name},
          {"created_at", FormatRfc3339(s.created_at)},
          {"updated_at", FormatRfc3339(s.updated_at)}};
}

}  // namespace

Response CreateSecret(Store& store, const secrets::SecretBox* secrets, const Quotas& quotas,
                      const User& caller, std::string_view body, UnixMicros now) {
  if (secrets == nullptr)
    return ErrorResponse(Status::Unavailable("secrets are not configured on this server"));
  auto in = ParseCreateSecret(body);
  if (!in.ok()) return ErrorResponse(in.status());
  if (Status s = CheckSecretValue(quotas, in->value.size()); !s.ok()) return ErrorResponse(s);
  if (Status s = CheckSecretRoom(store, quotas, caller, in->name); !s.ok()) return ErrorResponse(s);
  const std::string sealed = secrets->Seal(caller.id, in->name, in->value);
  auto stored = store.PutSecret(caller.id, in->name, sealed, now);
  if (!stored.ok()) return ErrorResponse(stored.status());
  return JsonResponse(json::serialize(json::object{{"secret", SecretJson(*stored)}}), 201);
}

Response ListSecrets(Store& store, const User& caller) {
  auto list = store.ListSecrets(caller.id);
  if (!list.ok()) return ErrorResponse(list.status());
  json::array out;
  out.reserve(list->size());
  for (const SecretInfo& s : *list) out.emplace_back(SecretJson(s));
  return JsonResponse(json::serialize(json::object{{"secrets", std::move(out)}}));
}

Response DeleteSecret(Store& store, const User& caller, std::string_view name) {
  if (Status s = CheckSecretName(name); !s.ok()) return ErrorResponse(s);
  if (Status s = store.DeleteSecret(caller.id, name); !s.ok()) return ErrorResponse(s);
  Response r;
  r.status = 204;
  r.content_type = {};
  return r;
}

}  // namespace taskshare::api
