#include "cache/cached_response.h"

#include <libdeflate.h>
#include <malloc.h>
#include <xxhash.h>

#include <cstdio>
#include <cstring>
#include <functional>

#include "common/lz4.h"

namespace taskshare {
namespace {

// libdeflate's level 6 compresses transcripts about as well as zlib's 9, several times faster.
constexpr int kGzipLevel = 6;
// What a std::make_shared allocation adds to its object: the control block and the allocator's header.
constexpr std::size_t kSharedBlockBytes = 48;

std::string ComputeEtag(const std::string& body) {
  const XXH128_hash_t h = XXH3_128bits(body.data(), body.size());
  char buf[40];
  std::snprintf(buf, sizeof buf, "\"%016llx%016llx\"", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return buf;
}

std::shared_ptr<const std::string> Gzip(const std::string& body) {
  struct Deleter {
    void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
  };
  std::unique_ptr<libdeflate_compressor, Deleter> c(libdeflate_alloc_compressor(kGzipLevel));
  if (!c) return nullptr;
  std::string out(libdeflate_gzip_compress_bound(c.get(), body.size()), '\0');
  const std::size_t n = libdeflate_gzip_compress(c.get(), body.data(), body.size(), out.data(), out.size());
  if (n == 0 || n >= body.size()) return nullptr;
  out.resize(n);
  out.shrink_to_fit();
  return std::make_shared<const std::string>(std::move(out));
}

// Strips optional whitespace and a weak-validator prefix from one entity tag of a list.
std::string_view OpaqueTag(std::string_view tag) {
  while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
  while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
  if (tag.starts_with("W/")) tag.remove_prefix(2);
  return tag;
}

// The block the allocator gave a string's characters (its usable size, which is what the request was
// rounded up to), or 0 for a string short enough to keep them inside itself.
std::size_t HeapBytes(const std::string& s) {
  const auto* self = reinterpret_cast<const char*>(&s);
  const std::less<const char*> before;
  if (!before(s.data(), self) && before(s.data(), self + sizeof s)) return 0;  // the short-string buffer
  return malloc_usable_size(const_cast<char*>(s.data()));
}

// A string of its own allocation (std::make_shared), with its characters.
std::size_t SharedStringBytes(const std::shared_ptr<const std::string>& s) {
  return s ? kSharedBlockBytes + sizeof(std::string) + HeapBytes(*s) : 0;
}

}  // namespace

PackedBody PackedBody::Of(std::string_view body, std::size_t piece_bytes) {
  PackedBody packed;
  packed.Reserve(body.size() / 3);
  for (std::size_t at = 0; at < body.size(); at += piece_bytes) {
    const std::string_view raw = body.substr(at, piece_bytes);
    const std::string lz4 = Lz4Compress(raw);
    if (!lz4.empty() && lz4.size() < raw.size()) {
      packed.Add(lz4, raw.size(), true);
    } else {
      packed.Add(raw, raw.size(), false);
    }
  }
  packed.ShrinkToFit();
  return packed;
}

void PackedBody::Add(std::string_view bytes, std::size_t raw_size, bool lz4) {
  pieces_.push_back({static_cast<std::uint32_t>(bytes.size()), static_cast<std::uint32_t>(raw_size), lz4});
  buffer_.append(bytes);
  raw_size_ += raw_size;
}

bool PackedBody::UnpackInto(std::string& out) const {
  out.resize(raw_size_);
  char* at = out.data();
  const char* from = buffer_.data();
  for (const Piece& p : pieces_) {
    if (p.lz4) {
      if (!Lz4DecompressInto({from, p.size}, at, p.raw_size)) {
        out.clear();
        return false;
      }
    } else {
      if (p.size != p.raw_size) {
        out.clear();
        return false;
      }
      std::memcpy(at, from, p.size);
    }
    at += p.raw_size;
    from += p.size;
  }
  return true;
}

void PackedBody::ShrinkToFit() {
  buffer_.shrink_to_fit();
  pieces_.shrink_to_fit();
}

std::size_t PackedBody::heap_bytes() const {
  std::size_t n = HeapBytes(buffer_);
  if (pieces_.capacity() > kInlinePieces) n += malloc_usable_size(const_cast<Piece*>(pieces_.data()));
  return n;
}

std::shared_ptr<const CachedResponse> CachedResponse::Make(int status, std::string_view content_type,
                                                           std::string body, Policy policy,
                                                           std::string_view extra_headers,
                                                           std::int64_t expires_at) {
  auto r = std::make_shared<CachedResponse>();
  r->status_ = status;
  r->expires_at_ = expires_at;
  r->policy_ = policy;
  r->content_type_ = content_type;
  r->extra_headers_ = extra_headers;
  r->body_ = std::make_shared<const std::string>(std::move(body));
  r->body_size_ = r->body_->size();
  r->RenderHeaders(policy == Policy::kRevalidate ? ComputeEtag(*r->body_) : std::string());
  return r;
}

std::shared_ptr<const CachedResponse> CachedResponse::WithGzip() const {
  auto r = std::make_shared<CachedResponse>(*this);
  // Only responses that intermediaries may keep are worth a compressed copy; the others are small.
  if (policy_ == Policy::kRevalidate) {
    if (packed()) {
      std::string body;
      if (UnpackBody(body)) r->gzip_ = Gzip(body);
    } else {
      r->gzip_ = Gzip(*body_);
    }
  }
  r->gzip_attempted_ = true;
  r->RenderHeaders(std::string(etag()));
  return r;
}

std::shared_ptr<const CachedResponse> CachedResponse::Packed(PackedBody packed) const {
  auto r = std::make_shared<CachedResponse>(*this);
  if (packed.empty() || packed.raw_size() != body_size_) return r;
  packed.ShrinkToFit();
  r->packed_ = std::move(packed);
  r->body_.reset();
  return r;
}

std::shared_ptr<const CachedResponse> CachedResponse::Unpacked() const {
  std::string body;
  if (!UnpackBody(body)) return nullptr;
  auto r = std::make_shared<CachedResponse>(*this);
  r->body_ = std::make_shared<const std::string>(std::move(body));
  r->packed_ = PackedBody();
  return r;
}

bool CachedResponse::UnpackBody(std::string& out) const {
  if (!packed()) {
    out = *body_;
    return true;
  }
  return packed_.UnpackInto(out);
}

std::optional<std::string_view> CachedResponse::BodyToSend(Variant v, std::string& scratch) const {
  if (v == Variant::kGzip || !packed()) return std::string_view(body(v));
  if (!packed_.UnpackInto(scratch)) return std::nullopt;
  return std::string_view(scratch);
}

void CachedResponse::RenderHeaders(std::string_view etag) {
  const std::string type = "Content-Type: " + std::string(content_type_) + "\r\n" + extra_headers_;
  gzip_headers_ = {};
  if (policy_ != Policy::kRevalidate) {
    const std::string_view cache_control =
        policy_ == Policy::kPrivate ? "Cache-Control: private, no-store\r\n" : "Cache-Control: no-store\r\n";
    identity_headers_ = {type + std::string(cache_control) + "Content-Length: " + std::to_string(body_size_) +
                         "\r\n"};
    return;
  }
  // A cache may store a share response but must revalidate it before each reuse, so that a revoked
  // task is never served from an intermediary; Vary keeps the gzip and identity variants apart.
  const auto render = [&type](std::string_view tag, std::string_view encoding, std::size_t size) {
    const std::string_view before_tag = "Cache-Control: no-cache\r\nVary: Accept-Encoding\r\nETag: ";
    VariantHeaders h;
    h.lines = type;
    h.not_modified_at = static_cast<std::uint32_t>(h.lines.size());
    h.lines += before_tag;
    h.etag_at = static_cast<std::uint32_t>(h.lines.size());
    h.etag_size = static_cast<std::uint32_t>(tag.size());
    h.lines += tag;
    h.lines += "\r\n";
    h.not_modified_size = static_cast<std::uint32_t>(h.lines.size()) - h.not_modified_at;
    h.lines += encoding;
    h.lines += "Content-Length: " + std::to_string(size) + "\r\n";
    return h;
  };
  identity_headers_ = render(etag, "", body_size_);
  if (gzip_) {
    const std::string gzip_etag = std::string(etag.substr(0, etag.size() - 1)) + "-gzip\"";
    gzip_headers_ = render(gzip_etag, "Content-Encoding: gzip\r\n", gzip_->size());
  }
}

bool CachedResponse::MatchesIfNoneMatch(std::string_view value, Variant v) const {
  const std::string_view etag = this->etag(v);
  if (etag.empty()) return false;
  while (!value.empty()) {
    const std::size_t comma = value.find(',');
    const std::string_view tag = OpaqueTag(value.substr(0, comma));
    if (tag == "*" || tag == etag) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

std::size_t CachedResponse::bytes() const {
  std::size_t n =
      kSharedBlockBytes + sizeof(CachedResponse) + SharedStringBytes(body_) + SharedStringBytes(gzip_);
  n += packed_.heap_bytes();
  for (const std::string* s : {&extra_headers_, &identity_headers_.lines, &gzip_headers_.lines}) {
    n += HeapBytes(*s);
  }
  return n;
}

}  // namespace taskshare
