// CachedResponse: one response, ready to send many times.
//
// It holds the body, a strong ETag computed from the body (XXH3-128), an optional gzip variant with an
// ETag of its own (a strong validator names one representation: `"<hash>-gzip"`), and the header lines
// of each variant already rendered, so that serving it costs no formatting and no
// allocation: the network layer writes a status line, its own Date and Connection lines, one of these
// header blocks and the body, straight from this object. Immutable once made, so it is shared between
// threads freely through std::shared_ptr<const CachedResponse>; adding the gzip variant makes a new
// object that shares the identity body.
//
// The identity body may instead be kept packed (Packed()): in pieces, some of them LZ4-compressed
// (common/lz4.h), about a quarter of its size for a transcript. A packed body is decompressed each time
// it is sent (UnpackBody), a few microseconds for a typical transcript, which lets a cache budget hold
// three to four times as many responses.
#pragma once

#include <boost/container/small_vector.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace taskshare {

// A body kept in pieces, each either as it is or LZ4-compressed (common/lz4.h), all in one buffer.
class PackedBody {
 public:
  // `body` in pieces of `piece_bytes` (the last one shorter), each LZ4-compressed unless that would
  // not make it smaller.
  static PackedBody Of(std::string_view body, std::size_t piece_bytes = std::size_t{1} << 20);

  // Reserves room for `bytes` bytes of pieces.
  void Reserve(std::size_t bytes) { buffer_.reserve(bytes); }
  // Appends a piece: `bytes` standing for the body's next `raw_size` bytes, LZ4-compressed if `lz4`,
  // else as they are (raw_size is then bytes.size()).
  void Add(std::string_view bytes, std::size_t raw_size, bool lz4);
  bool empty() const { return pieces_.empty(); }
  // The size of the body it stands for.
  std::size_t raw_size() const { return raw_size_; }
  // The body into `out` (its content replaced); false, with `out` emptied, if a piece fails to
  // decompress.
  bool UnpackInto(std::string& out) const;
  // Gives back unused capacity.
  void ShrinkToFit();
  // The heap memory it holds (allocator rounding included).
  std::size_t heap_bytes() const;

 private:
  struct Piece {
    std::uint32_t size = 0;
    std::uint32_t raw_size = 0;
    bool lz4 = false;
  };
  // A transcript of one block has three pieces (head, block, tail), kept inside the object.
  static constexpr std::size_t kInlinePieces = 3;
  std::string buffer_;
  boost::container::small_vector<Piece, kInlinePieces> pieces_;
  std::size_t raw_size_ = 0;
};

class CachedResponse {
 public:
  // How intermediaries may keep the response: kRevalidate ("no-cache", with ETag and Vary: a cache may
  // store it but must ask again before each reuse, so a revoke is honoured at once) for 200s; kNoStore
  // for everything else; kPrivate ("private, no-store") for what one signed-in reader is shown, which
  // no cache, shared or the browser's own, may keep. Only kRevalidate responses get a gzip variant.
  enum class Policy { kRevalidate, kNoStore, kPrivate };

  // A response with `status` and an identity `body`. `content_type` must outlive the response (a string
  // literal). `extra_headers` (complete lines, each ending in
  // CRLF) go out with every variant of it, but not with its 304s. `expires_at` (Unix microseconds; 0:
  // never) is the instant from which the response must no longer be served: ResponseCache::Get()
  // misses it from then on.
  static std::shared_ptr<const CachedResponse> Make(int status, std::string_view content_type,
                                                    std::string body, Policy policy,
                                                    std::string_view extra_headers = {},
                                                    std::int64_t expires_at = 0);

  // A copy that also carries the body gzip-compressed (libdeflate). The copy has no gzip variant if
  // compression does not make the body smaller, or for a kNoStore response.
  std::shared_ptr<const CachedResponse> WithGzip() const;

  // A copy whose identity body is kept as `packed` instead, which the caller promises unpacks to body()
  // (only its size is checked here: if it differs from the body's, the copy keeps the body as it is).
  // Everything else, the gzip variant included, is the same.
  std::shared_ptr<const CachedResponse> Packed(PackedBody packed) const;
  bool packed() const { return !packed_.empty(); }
  // A copy of a packed response with its identity body whole again (what Packed() was made from);
  // nullptr if a piece fails to decompress.
  std::shared_ptr<const CachedResponse> Unpacked() const;
  // The identity body into `out` (its content replaced), from its packed form if it has one; false,
  // with `out` emptied, if a piece fails to decompress.
  bool UnpackBody(std::string& out) const;

  int status() const { return status_; }
  // Unix microseconds from which it is stale; 0 if it never is.
  std::int64_t expires_at() const { return expires_at_; }
  bool ExpiredAt(std::int64_t now) const { return expires_at_ != 0 && now >= expires_at_; }
  // The identity body; not for a packed response (see UnpackBody).
  const std::string& body() const { return *body_; }
  // The gzip variant's bytes, or nullptr when there is none.
  const std::string* gzip() const { return gzip_.get(); }
  bool has_gzip_attempted() const { return gzip_attempted_; }
  // The variants: identity, or gzip when the client accepts it and gzip() is set.
  enum class Variant { kIdentity, kGzip };

  // The variant's ETag with its quotes; empty for kNoStore responses.
  std::string_view etag(Variant v = Variant::kIdentity) const { return Rendered(v).etag(); }
  // The variant's bytes; not the identity variant of a packed response (see UnpackBody).
  const std::string& body(Variant v) const { return v == Variant::kGzip ? *gzip_ : *body_; }
  // The size of the variant's bytes.
  std::size_t body_size(Variant v) const { return v == Variant::kGzip ? gzip_->size() : body_size_; }
  // The variant's bytes, ready to send: the body itself or, when it is kept packed, its bytes unpacked
  // into `scratch` (the caller's buffer, reused from one response to the next); nullopt, with `scratch`
  // emptied, if a piece fails to decompress. The view lives as long as this response and `scratch`.
  std::optional<std::string_view> BodyToSend(Variant v, std::string& scratch) const;

  // Header lines, each ending in CRLF, of a variant and of a 304 for it; without the status line, Date,
  // Connection and the blank line that ends the header.
  std::string_view headers(Variant v) const { return Rendered(v).lines; }
  std::string_view not_modified_headers(Variant v) const { return Rendered(v).not_modified(); }

  // True if an If-None-Match header value matches the variant's ETag (weak comparison, as RFC 9110
  // requires for If-None-Match; "*" matches any).
  bool MatchesIfNoneMatch(std::string_view if_none_match, Variant v) const;

  // The memory this response holds, charged against the cache budget: the objects and the blocks the
  // allocator gave their strings (its rounding included), so that the budget bounds resident memory.
  std::size_t bytes() const;

  // Use Make().
  CachedResponse() = default;

 private:
  // A variant's header lines in one string, and where inside them lie the lines of its 304 (its
  // validators) and its ETag.
  struct VariantHeaders {
    std::string lines;
    std::uint32_t not_modified_at = 0;
    std::uint32_t not_modified_size = 0;
    std::uint32_t etag_at = 0;
    std::uint32_t etag_size = 0;

    std::string_view not_modified() const {
      return std::string_view(lines).substr(not_modified_at, not_modified_size);
    }
    std::string_view etag() const { return std::string_view(lines).substr(etag_at, etag_size); }
  };

  const VariantHeaders& Rendered(Variant v) const {
    return v == Variant::kGzip ? gzip_headers_ : identity_headers_;
  }
  // Renders the header lines of both variants; `etag` is the identity variant's (empty for kNoStore).
  void RenderHeaders(std::string_view etag);

  int status_ = 200;
  std::int64_t expires_at_ = 0;
  std::shared_ptr<const std::string> body_;  // null when packed
  PackedBody packed_;
  std::size_t body_size_ = 0;
  std::shared_ptr<const std::string> gzip_;
  bool gzip_attempted_ = false;
  std::string_view content_type_;  // a string literal
  std::string extra_headers_;
  Policy policy_ = Policy::kNoStore;
  VariantHeaders identity_headers_;
  VariantHeaders gzip_headers_;
};

}  // namespace taskshare
