#include "api/forms.h"

#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

namespace taskshare::api {

QueryParams FormFields(std::string_view body) {
  QueryParams fields;
  // Checked first, so that the view below, which throws on a query it cannot parse, never does.
  if (body.empty() || !boost::urls::parse_query(body)) return fields;
  for (auto p : boost::urls::params_view(body))
    fields.emplace_back(p.key, p.has_value ? p.value : std::string());
  return fields;
}

std::optional<std::string> FieldValue(const QueryParams& fields, std::string_view name) {
  std::optional<std::string> found;
  for (const auto& [k, v] : fields) {
    if (k != name) continue;
    if (found) return std::nullopt;
    found = v;
  }
  return found;
}

}  // namespace taskshare::api
