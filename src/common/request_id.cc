#include "common/request_id.h"

#include <openssl/rand.h>

#include <cstdint>
#include <cstdlib>
#include <random>

namespace taskshare {
namespace {

thread_local const RequestId* current = nullptr;

std::mt19937_64& Generator() {
  thread_local std::mt19937_64 generator = [] {
    std::uint64_t seed = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&seed), sizeof seed) != 1) std::abort();
    return std::mt19937_64(seed);
  }();
  return generator;
}

}  // namespace

RequestId NewRequestId() {
  static constexpr char kDigits[] = "0123456789abcdef";
  RequestId id;
  std::mt19937_64& g = Generator();
  for (int half = 0; half < 2; ++half) {
    std::uint64_t bits = g();
    for (int i = 0; i < 16; ++i, bits >>= 4)
      id.hex[static_cast<std::size_t>(half * 16 + i)] = kDigits[bits & 15];
  }
  return id;
}

std::string_view CurrentRequestId() { return current != nullptr ? current->view() : std::string_view{}; }

RequestIdScope::RequestIdScope(const RequestId& id) : previous_(current) { current = &id; }

RequestIdScope::~RequestIdScope() { current = previous_; }

}  // namespace taskshare
