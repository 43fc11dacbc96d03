// What every fuzz target uses to report a broken property: Require() prints why and aborts, which
// libFuzzer reports as a crash and saves the input. Plain functions; thread-safe.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace taskshare::fuzz {

inline void Require(bool ok, std::string_view what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz property broken: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

}  // namespace taskshare::fuzz
