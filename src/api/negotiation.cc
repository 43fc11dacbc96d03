#include "api/negotiation.h"

#include "common/strings.h"

namespace taskshare::api {
namespace {

// True if the parameters of one coding (";q=0.5") give it a weight of zero.
bool ZeroWeight(std::string_view params) {
  while (!params.empty()) {
    const std::size_t semi = params.find(';');
    std::string_view p = Trim(params.substr(0, semi));
    if (p.size() >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
      p.remove_prefix(2);
      return p.find_first_not_of("0.") == std::string_view::npos;
    }
    if (semi == std::string_view::npos) break;
    params.remove_prefix(semi + 1);
  }
  return false;
}

}  // namespace

bool AcceptsGzip(std::string_view value) {
  while (!value.empty()) {
    const std::size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    const std::size_t semi = item.find(';');
    const std::string_view coding = Trim(item.substr(0, semi));
    if (EqualsIgnoringCase(coding, "gzip") || EqualsIgnoringCase(coding, "x-gzip") || coding == "*") {
      return semi == std::string_view::npos || !ZeroWeight(item.substr(semi + 1));
    }
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

Response Serve(std::shared_ptr<const CachedResponse> cached, const Request& request) {
  Response r;
  r.variant = cached->gzip() != nullptr && AcceptsGzip(request.accept_encoding)
                  ? CachedResponse::Variant::kGzip
                  : CachedResponse::Variant::kIdentity;
  r.not_modified =
      !request.if_none_match.empty() && cached->MatchesIfNoneMatch(request.if_none_match, r.variant);
  r.status = r.not_modified ? 304 : cached->status();
  r.cached = std::move(cached);
  return r;
}

}  // namespace taskshare::api
