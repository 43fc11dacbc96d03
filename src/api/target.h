// Target: a request target parsed once, for routing. It checks that the target is in origin-form
// (RFC 9112 §3.2.1: an absolute path of RFC 3986 characters and percent-escapes, then optionally "?"
// and a query; no fragment) and splits the path into segments, percent-decoded, the way
// boost::urls::parse_origin_form and its segments() do ("/" has no segment, "/a/" has "a" and "", and
// a leading "/./" is dropped: "/./a" has the one segment "a").
// Only the first kMaxSegments segments are kept: a longer path matches no route, so size() says only
// that there are more.
//
// Segments are views into the target or, for those holding percent-escapes, into the Target's own
// buffer: the Target must not outlive the text it was built from, and it cannot be copied or moved.
// Parsing allocates nothing unless the path holds percent-escapes and is longer than kInlineBytes.
// Not thread-safe to build; a built Target is immutable.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace taskshare::api {

class Target {
 public:
  static constexpr std::size_t kMaxSegments = 6;
  static constexpr std::size_t kInlineBytes = 256;

  explicit Target(std::string_view target);
  Target(const Target&) = delete;
  Target& operator=(const Target&) = delete;

  // False when the target is not in origin-form; a Target that is not valid has no segments.
  bool valid() const { return valid_; }
  // The number of path segments, or kMaxSegments + 1 when there are more than kMaxSegments.
  std::size_t size() const { return size_; }
  // Segment `i` (< min(size(), kMaxSegments)), percent-decoded.
  std::string_view operator[](std::size_t i) const { return segments_[i]; }
  // Whether the target has a "?", and the text after it (still percent-encoded).
  bool has_query() const { return has_query_; }
  std::string_view query() const { return query_; }

 private:
  // Stores the segment `encoded`, decoding it into the buffer if it holds escapes.
  void Add(std::string_view encoded);

  bool valid_ = false;
  bool has_query_ = false;
  std::size_t size_ = 0;
  std::array<std::string_view, kMaxSegments> segments_;
  std::string_view query_;
  // Decoded segments: in inline_ while they fit, else in overflow_ (reserved once, never moved).
  std::array<char, kInlineBytes> inline_;
  std::string overflow_;
  char* decoded_ = nullptr;  // where the next decoded segment goes
};

}  // namespace taskshare::api
