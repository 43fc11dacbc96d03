// ByteScan: finds where a text holds any of a few bytes or byte pairs, the primitive under the
// redactor's fast paths. Every rule needs one of a handful of them (a separator, a byte of a token
// prefix), so texts are skipped sixteen bytes at a time until one turns up. Uses SSE2 where the compiler
// targets it (every x86-64 CPU) and a plain loop elsewhere; both give the same answers. Stateless;
// thread-safe.
//
//   using Separators = ByteScan<AnyOf<':', '='>>;
//   using Prefixes = ByteScan<AnyOf<'-', '_'>, Pair<'e', 'y'>>;  // '-', '_', or "ey" (at its 'e')
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace taskshare::redact {

// Any one of `kBytes`.
template <char... kBytes>
struct AnyOf {
  static constexpr size_t kLookahead = 0;  // bytes read past the position
  static bool At(std::string_view text, size_t i) { return ((text[i] == kBytes) || ...); }
#if defined(__SSE2__)
  static __m128i Match(__m128i here, __m128i /*next*/) {
    __m128i eq = _mm_setzero_si128();
    ((eq = _mm_or_si128(eq, _mm_cmpeq_epi8(here, _mm_set1_epi8(kBytes)))), ...);
    return eq;
  }
#endif
};

// `kFirst` followed by `kSecond`, found at the position of `kFirst`. A pair is much rarer than either
// of its bytes, so an anchor that is a common letter costs few false hits this way.
template <char kFirst, char kSecond>
struct Pair {
  static_assert(kSecond != '\0');  // ByteScan reads past the end of a short text as zeros
  static constexpr size_t kLookahead = 1;
  static bool At(std::string_view text, size_t i) {
    return text[i] == kFirst && i + 1 < text.size() && text[i + 1] == kSecond;
  }
#if defined(__SSE2__)
  static __m128i Match(__m128i here, __m128i next) {
    return _mm_and_si128(_mm_cmpeq_epi8(here, _mm_set1_epi8(kFirst)),
                         _mm_cmpeq_epi8(next, _mm_set1_epi8(kSecond)));
  }
#endif
};

template <class... Anchors>
struct ByteScan {
  static_assert(sizeof...(Anchors) > 0);

  // Whether an anchor is at text[i].
  static bool At(std::string_view text, size_t i) { return (Anchors::At(text, i) || ...); }

  // The first position at or after `from` where an anchor is, or text.size() if there is none.
  static size_t Find(std::string_view text, size_t from) {
    const size_t n = text.size();
    size_t i = from;
#if defined(__SSE2__)
    if (n >= kSpan) {
      for (; i + kSpan <= n; i += kBlock) {
        if (const uint32_t mask = Mask(text.data() + i); mask != 0) return i + std::countr_zero(mask);
      }
      // The positions left before the last kLookahead: the final whole block, less those already seen.
      const size_t base = n - kSpan;
      if (i < n - kLookahead) {
        if (const uint32_t mask = Mask(text.data() + base) >> (i - base); mask != 0) {
          return i + std::countr_zero(mask);
        }
      }
      i = std::max(i, n - kLookahead);
    } else if (i < n) {
      const uint32_t mask = ShortMask(text) >> i;
      return mask != 0 ? i + std::countr_zero(mask) : n;
    }
#endif
    for (; i < n; ++i) {
      if (At(text, i)) return i;
    }
    return n;
  }

  // Calls f(i) for every position i of `text` where an anchor is, in increasing order.
  template <class F>
  static void ForEach(std::string_view text, F&& f) {
    const size_t n = text.size();
    size_t i = 0;
#if defined(__SSE2__)
    if (n >= kSpan) {
      for (; i + kSpan <= n; i += kBlock) {
        for (uint32_t mask = Mask(text.data() + i); mask != 0; mask &= mask - 1)
          f(i + std::countr_zero(mask));
      }
      const size_t base = n - kSpan;
      if (i < n - kLookahead) {
        for (uint32_t mask = Mask(text.data() + base) >> (i - base); mask != 0; mask &= mask - 1) {
          f(i + std::countr_zero(mask));
        }
      }
      i = n - kLookahead;
    } else {
      for (uint32_t mask = ShortMask(text); mask != 0; mask &= mask - 1) f(std::countr_zero(mask));
      return;
    }
#endif
    for (; i < n; ++i) {
      if (At(text, i)) f(i);
    }
  }

 private:
#if defined(__SSE2__)
  static constexpr size_t kBlock = 16;
  static constexpr size_t kLookahead = std::max({Anchors::kLookahead...});
  static constexpr size_t kSpan = kBlock + kLookahead;  // the bytes that one block reads

  // Bit k set if an anchor is at p[k], for k in [0, 16).
  static uint32_t Mask(const char* p) {
    const __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i next = here;
    if constexpr (kLookahead != 0) next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 1));
    return Mask(here, next);
  }

  static uint32_t Mask(__m128i here, __m128i next) {
    __m128i eq = _mm_setzero_si128();
    ((eq = _mm_or_si128(eq, Anchors::Match(here, next))), ...);
    return static_cast<uint32_t>(_mm_movemask_epi8(eq));
  }

  // The mask of a text of at most 16 bytes, as if zeros followed it.
  static uint32_t ShortMask(std::string_view text) {
    const __m128i here = LoadShort(text.data(), text.size());
    return Mask(here, _mm_srli_si128(here, 1)) & ((uint32_t{1} << text.size()) - 1);
  }

  // The n <= 16 bytes at p, zeros after them. Built in registers from loads that stay inside the text:
  // a copy to a stack buffer would be read back before its stores could be forwarded, a stall that
  // costs more than the scan of a short string.
  static __m128i LoadShort(const char* p, size_t n) {
    uint64_t lo = 0;
    uint64_t hi = 0;
    if (n >= 8) {
      std::memcpy(&lo, p, 8);
      if (n > 8) {
        std::memcpy(&hi, p + n - 8, 8);
        hi >>= 8 * (16 - n);  // little-endian: keep bytes [8, n)
      }
    } else if (n >= 4) {
      uint32_t first = 0;
      uint32_t last = 0;
      std::memcpy(&first, p, 4);
      std::memcpy(&last, p + n - 4, 4);
      lo = first | (uint64_t{last} << (8 * (n - 4)));  // they overlap with equal bytes
    } else if (n > 0) {
      const auto byte = [p](size_t k) { return uint64_t{static_cast<unsigned char>(p[k])} << (8 * k); };
      lo = byte(0) | byte(n / 2) | byte(n - 1);
    }
    return _mm_set_epi64x(static_cast<long long>(hi), static_cast<long long>(lo));
  }
#endif
};

}  // namespace taskshare::redact
