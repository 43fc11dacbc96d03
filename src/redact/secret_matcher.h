// SecretMatcher: finds the values of a task's secrets in a text, all of them in one pass.
//
// An Aho-Corasick automaton over the bytes of every value and of the value without surrounding blanks
// and line breaks. A text is matched as it is and, when it holds an escape character, also as
// decoded: percent-decoded (a URL or a form body: "%2f" and "%2F" alike, values of which every
// character is encoded, and '+' for a space when some value has one) and
// with JSON string escapes undone (JSON text that was itself put in a string: \", \\, \u0041 with hex
// digits of either case). Matches in a decoding cover the escapes they came from. Matching is linear
// in the text whatever the values, and overlapping or nested occurrences ("abcabc" and "cabca") are
// covered completely, not just the leftmost one. Immutable after construction; Find is safe to call
// from any number of threads at once.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "redact/rules.h"

namespace taskshare::redact {

// Values shorter than this are ignored: a two- or three-character value ("on", "42", "dev") occurs all
// over any transcript, so redacting it would deface the text and, by where the markers fall, give the
// value away rather than hide it.
inline constexpr size_t kMinSecretLength = 4;

class SecretMatcher {
 public:
  explicit SecretMatcher(const std::vector<std::string>& values);

  // True if no value was long enough to be kept.
  [[nodiscard]] bool empty() const { return nodes_.size() == 1; }

  // Appends to `out` Rule::kSecret spans covering every byte of `text` that lies in an occurrence of a
  // value (overlapping occurrences become one span), in increasing order.
  void Find(std::string_view text, std::vector<Span>& out) const;

  // The heap memory the automaton holds: about 60 bytes per byte of the values it was built from.
  [[nodiscard]] size_t memory_bytes() const;

 private:
  struct Node {
    std::vector<std::pair<unsigned char, int32_t>> next;  // sorted by byte; the root uses root_next_
    int32_t fail = 0;      // the node of the longest proper suffix that is also in the trie
    uint32_t longest = 0;  // length of the longest value that is a suffix of this node's path, or 0
  };

  // Find over `text` as it is, without decodings; spans appended in increasing order, merged.
  void Scan(std::string_view text, std::vector<Span>& out) const;
  [[nodiscard]] int32_t Child(int32_t node, unsigned char c) const;
  void Insert(std::string_view value);
  void Link();

  std::vector<Node> nodes_;
  std::array<int32_t, 256> root_next_{};  // 0 (the root itself) where the root has no child
  bool spaces_ = false;                   // some value holds a space
};

}  // namespace taskshare::redact
