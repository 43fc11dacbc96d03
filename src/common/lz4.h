// LZ4 block compression (liblz4): the form in which message blocks are stored and response bodies are
// kept in the ResponseCache. Chosen for its decompression, several gigabytes a second, since a cached
// body is decompressed each time it is sent. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace taskshare {

// `raw` as one LZ4 block, in LZ4's high-compression mode (see lz4.cc): its blocks are ordinary LZ4
// blocks, read by the same decompressor. Its decompressed size is not recorded in it: the caller keeps
// raw.size() beside it. Empty if `raw` is larger than LZ4 takes (about 2 GB).
std::string Lz4Compress(std::string_view raw);

// Decompresses the LZ4 block `data` into exactly `raw_size` bytes at `out`; false (and `out` left in
// an unspecified state) unless `data` is a well-formed block of exactly that size. Never reads or
// writes outside `data` and out[0, raw_size).
bool Lz4DecompressInto(std::string_view data, char* out, std::size_t raw_size);

}  // namespace taskshare
