#include "common/lz4.h"

#include <lz4.h>

#include <limits>

namespace taskshare {

std::string Lz4Compress(std::string_view raw) {
  if (raw.size() > static_cast<std::size_t>(LZ4_MAX_INPUT_SIZE)) return {};
  const int size = static_cast<int>(raw.size());
  std::string out(static_cast<std::size_t>(LZ4_compressBound(size)), '\0');
  const int n = LZ4_compress_default(raw.data(), out.data(), size, static_cast<int>(out.size()));
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  out.shrink_to_fit();
  return out;
}

bool Lz4DecompressInto(std::string_view data, char* out, std::size_t raw_size) {
  constexpr auto kMax = static_cast<std::size_t>(std::numeric_limits<int>::max());
  if (data.size() > kMax || raw_size > kMax) return false;
  const int n =
      LZ4_decompress_safe(data.data(), out, static_cast<int>(data.size()), static_cast<int>(raw_size));
  return n >= 0 && static_cast<std::size_t>(n) == raw_size;
}

}  // namespace taskshare
