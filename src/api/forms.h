// The fields of an HTML form as a browser posts them (application/x-www-form-urlencoded), for the
// signed-in pages' forms (api/dashboard_api.h, api/sign_in_api.h). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace taskshare::api {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// The fields of a form body, decoded ('+' as a space), in order; empty for a body that does not parse.
QueryParams FormFields(std::string_view body);

// The value of field (or query parameter) `name`; nullopt when it is absent or given more than once
// (two values are one too many to trust).
std::optional<std::string> FieldValue(const QueryParams& fields, std::string_view name);

}  // namespace taskshare::api
