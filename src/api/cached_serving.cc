#include "api/cached_serving.h"

#include "api/negotiation.h"

namespace taskshare::api {
namespace {

bool NeedsGzip(const CachedResponse& cached, const Request& request) {
  return cached.status() == 200 && !cached.has_gzip_attempted() && AcceptsGzip(request.accept_encoding);
}

}  // namespace

std::optional<Response> ServeFromCache(ResponseCache& cache, CachedView view, std::string_view id,
                                       const Request& request) {
  auto cached = cache.Get(id, view);
  if (!cached || NeedsGzip(*cached, request)) return std::nullopt;
  return Serve(std::move(cached), request);
}

Response ServeThroughCache(ResponseCache& cache, CachedView view, const std::string& id, const Request& request,
                           const std::function<BuiltResponse()>& build) {
  // The ticket comes first: whatever is read after it is dropped by Fill() if a write lands meanwhile.
  const ResponseCache::Ticket ticket = cache.BeginFill(id);
  auto cached = cache.Peek(id, view);
  bool fresh = false;
  PackedBody packed;
  if (!cached) {
    BuiltResponse built = build();
    if (!built.cacheable) return Serve(std::move(built.response), request);
    cached = std::move(built.response);
    packed = std::move(built.packed);
    fresh = true;
  }
  if (NeedsGzip(*cached, request)) {
    cached = cached->WithGzip();
    fresh = true;
  }
  // This request is answered from the body as built; the cache keeps it packed when it can be.
  if (fresh) cache.Fill(ticket, id, view, packed.empty() ? cached : cached->Packed(std::move(packed)));
  return Serve(std::move(cached), request);
}

}  // namespace taskshare::api
