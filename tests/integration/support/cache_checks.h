// Checks of the caching headers of share responses, for the cache integration tests.
//
// A 200 or 304 from the share endpoint may be kept by a cache only if it is revalidated before each
// reuse: it carries a strong ETag of 32 lowercase hex digits (with "-gzip" before the closing quote
// for the gzip variant), `Cache-Control: no-cache`, `Vary: Accept-Encoding` and a `Date`, each
// once. A 403 or 404 must not be kept at all: `Cache-Control: no-store` and no ETag.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <ctime>
#include <regex>
#include <string>
#include <string_view>

#include "http_client.h"

namespace taskshare::testing {

// The gzip variant's ETag for an identity ETag: "-gzip" before the closing quote.
inline std::string GzipETag(const std::string& identity_etag) {
  if (identity_etag.size() < 2) return identity_etag + "-gzip";
  return identity_etag.substr(0, identity_etag.size() - 1) + "-gzip\"";
}

// Success when `r` has `status` (200 or 304) and the headers of a response that is revalidated
// before reuse; `gzip` when it should be the gzip variant (Content-Encoding: gzip and a -gzip tag),
// otherwise the identity one (no Content-Encoding). A 200 must also be application/json; a 304 must
// have an empty body.
inline ::testing::AssertionResult IsRevalidated(const Response& r, int status, bool gzip = false) {
  auto fail = [&r]() {
    auto f = ::testing::AssertionFailure() << "HTTP " << r.status << ", headers:";
    for (const auto& [name, value] : r.fields) f << "\n    " << name << ": " << value;
    return f << "\n  ";
  };
  if (r.status != status) return fail() << "expected status " << status << "; body: " << r.body;
  for (std::string_view name : {"ETag", "Cache-Control", "Vary", "Date"}) {
    if (r.Count(name) != 1) return fail() << name << " should appear once, not " << r.Count(name);
  }
  static const std::regex kIdentityTag(R"("[0-9a-f]{32}")");
  static const std::regex kGzipTag(R"("[0-9a-f]{32}-gzip")");
  if (!std::regex_match(r.Header("etag"), gzip ? kGzipTag : kIdentityTag)) {
    return fail() << "ETag should be " << (gzip ? "\"<32 lowercase hex>-gzip\"" : "\"<32 lowercase hex>\"");
  }
  if (r.Header("cache-control") != "no-cache") return fail() << "Cache-Control should be no-cache";
  std::string vary = r.Header("vary");
  for (char& c : vary) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const std::regex kVaryAcceptEncoding(R"((^|[ ,])accept-encoding($|[ ,]))");
  if (!std::regex_search(vary, kVaryAcceptEncoding)) return fail() << "Vary should name Accept-Encoding";

  static const std::regex kImfDate(
      R"((Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} )"
      R"(\d\d:\d\d:\d\d GMT)");
  const std::string date = r.Header("date");
  if (!std::regex_match(date, kImfDate)) return fail() << "Date should be an IMF-fixdate";
  std::tm tm{};
  ::strptime(date.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  const auto skew = std::chrono::system_clock::from_time_t(::timegm(&tm)) - std::chrono::system_clock::now();
  if (skew > std::chrono::minutes(5) || skew < -std::chrono::minutes(5)) {
    return fail() << "Date is more than 5 minutes from now";
  }

  if (status == 304) {
    if (!r.body.empty()) return fail() << "a 304 must have no body, got " << r.body.size() << " bytes";
    return ::testing::AssertionSuccess();
  }
  if (r.Count("Content-Type") != 1 || r.Header("content-type").rfind("application/json", 0) != 0) {
    return fail() << "Content-Type should be application/json, once";
  }
  if (gzip && r.Header("content-encoding") != "gzip") return fail() << "Content-Encoding should be gzip";
  if (!gzip && r.Count("Content-Encoding") != 0) return fail() << "there should be no Content-Encoding";
  return ::testing::AssertionSuccess();
}

// Success when `r` must not be stored by any cache: Cache-Control: no-store and no ETag.
inline ::testing::AssertionResult IsNoStore(const Response& r) {
  if (r.Header("cache-control") == "no-store" && r.Count("ETag") == 0) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "HTTP " << r.status << " should carry Cache-Control: no-store"
                                       << " and no ETag; got Cache-Control '" << r.Header("cache-control")
                                       << "', ETag '" << r.Header("etag") << "'";
}

}  // namespace taskshare::testing
