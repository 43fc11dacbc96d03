#include "redact/secret_matcher.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>

#include "common/strings.h"
#include "redact/decodings.h"

namespace taskshare::redact {

SecretMatcher::SecretMatcher(const std::vector<std::string>& values) {
  nodes_.emplace_back();
  for (const std::string& value : values) {
    // A value read from a file often ends in a line break that the transcript does not show.
    const std::string_view trimmed = Trim(value);
    for (std::string_view v : {std::string_view(value), trimmed}) {
      if (v.size() < kMinSecretLength) continue;
      Insert(v);
      spaces_ = spaces_ || v.find(' ') != std::string_view::npos;
    }
  }
  Link();
}

size_t SecretMatcher::memory_bytes() const {
  size_t bytes = nodes_.capacity() * sizeof(Node);
  // Each node's list of children is an allocation of its own; malloc rounds it up and keeps a header.
  constexpr size_t kAllocationOverhead = 16;
  for (const Node& node : nodes_) {
    if (node.next.capacity() != 0)
      bytes += node.next.capacity() * sizeof(node.next.front()) + kAllocationOverhead;
  }
  return sizeof(*this) + bytes;
}

int32_t SecretMatcher::Child(int32_t node, unsigned char c) const {
  if (node == 0) return root_next_[c] != 0 ? root_next_[c] : -1;
  const auto& next = nodes_[node].next;
  auto it = std::lower_bound(
      next.begin(), next.end(), c,
      [](const std::pair<unsigned char, int32_t>& e, unsigned char b) { return e.first < b; });
  return it != next.end() && it->first == c ? it->second : -1;
}

void SecretMatcher::Insert(std::string_view value) {
  int32_t node = 0;
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    int32_t child = Child(node, c);
    if (child < 0) {
      child = static_cast<int32_t>(nodes_.size());
      nodes_.emplace_back();
      if (node == 0) {
        root_next_[c] = child;
      }
      auto& next = nodes_[node].next;  // after emplace_back: nodes_ may have moved
      next.insert(std::lower_bound(next.begin(), next.end(), std::pair<unsigned char, int32_t>(c, 0)),
                  {c, child});
    }
    node = child;
  }
  nodes_[node].longest = static_cast<uint32_t>(value.size());
}

void SecretMatcher::Link() {
  // Breadth first, so that a node's failure link (a shallower node) is final before the node is used.
  std::deque<int32_t> queue;
  for (const auto& [c, child] : nodes_[0].next) queue.push_back(child);
  while (!queue.empty()) {
    const int32_t node = queue.front();
    queue.pop_front();
    for (const auto& [c, child] : nodes_[node].next) {
      int32_t f = nodes_[node].fail;
      int32_t target = Child(f, c);
      while (target < 0 && f != 0) {
        f = nodes_[f].fail;
        target = Child(f, c);
      }
      nodes_[child].fail = target < 0 ? 0 : target;
      if (nodes_[child].longest == 0) nodes_[child].longest = nodes_[nodes_[child].fail].longest;
      queue.push_back(child);
    }
  }
}

void SecretMatcher::Scan(std::string_view text, std::vector<Span>& out) const {
  const size_t first = out.size();
  int32_t node = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    int32_t next = Child(node, c);
    while (next < 0 && node != 0) {
      node = nodes_[node].fail;
      next = Child(node, c);
    }
    node = next < 0 ? 0 : next;
    if (const uint32_t len = nodes_[node].longest; len != 0) {
      // Occurrences end in increasing order but a longer one can start before earlier ones: fold every
      // span it overlaps into it.
      size_t begin = i + 1 - len;
      while (out.size() > first && out.back().end > begin) {
        begin = std::min(begin, out.back().begin);
        out.pop_back();
      }
      out.push_back({begin, i + 1, Rule::kSecret});
    }
  }
}

void SecretMatcher::Find(std::string_view text, std::vector<Span>& out) const {
  if (empty()) return;
  const size_t first = out.size();
  Scan(text, out);
  // The encoded forms: matches in a decoding of the text, moved back onto the bytes they came from.
  // Decoding the text rather than encoding the values catches every spelling of an escape (either case
  // of hex digits, characters encoded that need not be) at the cost of one pass over texts that hold
  // an escape character at all.
  bool moved = false;
  auto scan_decoded = [&](const Decoded& d) {
    std::vector<Span> found;
    Scan(d.bytes, found);
    d.MapBack(found, out);
    moved = moved || !found.empty();
  };
  if (text.find('%') != std::string_view::npos) scan_decoded(PercentDecoded(text, false));
  if (spaces_ && text.find('+') != std::string_view::npos) scan_decoded(PercentDecoded(text, true));
  if (text.find('\\') != std::string_view::npos) scan_decoded(JsonUnescaped(text));
  if (!moved) return;
  // Back in increasing order, overlapping spans merged, as the contract says.
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
            [](const Span& a, const Span& b) { return a.begin < b.begin; });
  size_t kept = first;
  for (size_t k = first; k < out.size(); ++k) {
    if (kept > first && out[k].begin < out[kept - 1].end) {
      out[kept - 1].end = std::max(out[kept - 1].end, out[k].end);
    } else {
      out[kept++] = out[k];
    }
  }
  out.resize(kept);
}

}  // namespace taskshare::redact
