#include "cache/cached_response.h"

#include <gtest/gtest.h>
#include <libdeflate.h>

#include <cstddef>
#include <memory>
#include <random>
#include <regex>
#include <string>
#include <string_view>

#include "common/lz4.h"

namespace taskshare {
namespace {

using Policy = CachedResponse::Policy;
using Variant = CachedResponse::Variant;

constexpr std::string_view kJson = "application/json";

// A transcript-like body that compresses well: repeated JSON messages with varying numbers.
std::string CompressibleBody(std::size_t approx_bytes) {
  std::string body = R"({"task":{"id":"5f0c6f5e-8a3e-4c57-9d7e-2b8f3f0a9c11"},"messages":[)";
  for (int i = 0; body.size() < approx_bytes; ++i) {
    if (i > 0) body += ',';
    body += R"({"role":"assistant","parts":[{"type":"text","text":"found open port )" + std::to_string(i) +
            R"( missing X-Frame-Options header on /api/v1/users"}]})";
  }
  body += R"(],"is_shared":true,"read_only":true})";
  return body;
}

std::string RandomBytes(std::size_t n) {
  std::mt19937_64 rng(42);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

std::string Gunzip(const std::string& gz, std::size_t expected_size) {
  struct Deleter {
    void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
  };
  std::unique_ptr<libdeflate_decompressor, Deleter> d(libdeflate_alloc_decompressor());
  EXPECT_NE(d, nullptr);
  std::string out(expected_size, '\0');
  std::size_t actual = 0;
  const libdeflate_result r =
      libdeflate_gzip_decompress(d.get(), gz.data(), gz.size(), out.data(), out.size(), &actual);
  EXPECT_EQ(r, LIBDEFLATE_SUCCESS);
  out.resize(actual);
  return out;
}

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

std::string ContentLength(std::size_t n) { return "Content-Length: " + std::to_string(n) + "\r\n"; }

TEST(CachedResponseTest, MakeKeepsStatusAndBody) {
  auto r = CachedResponse::Make(200, kJson, "{\"a\":1}", Policy::kRevalidate);
  EXPECT_EQ(r->status(), 200);
  EXPECT_EQ(r->body(), "{\"a\":1}");
  EXPECT_EQ(r->body(Variant::kIdentity), "{\"a\":1}");
  EXPECT_EQ(r->gzip(), nullptr);
  EXPECT_FALSE(r->has_gzip_attempted());
}

TEST(CachedResponseTest, EtagIsQuoted32LowercaseHex) {
  auto r = CachedResponse::Make(200, kJson, CompressibleBody(2000), Policy::kRevalidate);
  const std::string etag(r->etag());
  EXPECT_TRUE(std::regex_match(etag, std::regex("^\"[0-9a-f]{32}\"$"))) << etag;
  EXPECT_EQ(r->etag(Variant::kIdentity), r->etag());
}

TEST(CachedResponseTest, SameBodySameEtagDifferentBodyDifferentEtag) {
  auto a = CachedResponse::Make(200, kJson, "{\"x\":1}", Policy::kRevalidate);
  auto b = CachedResponse::Make(200, kJson, "{\"x\":1}", Policy::kRevalidate);
  auto c = CachedResponse::Make(200, kJson, "{\"x\":2}", Policy::kRevalidate);
  auto empty = CachedResponse::Make(200, kJson, "", Policy::kRevalidate);
  EXPECT_EQ(a->etag(), b->etag());
  EXPECT_NE(a->etag(), c->etag());
  EXPECT_NE(a->etag(), empty->etag());
  EXPECT_FALSE(empty->etag().empty());
}

TEST(CachedResponseTest, RevalidateHeadersCarryNoCacheVaryEtagAndLength) {
  const std::string body = CompressibleBody(3000);
  auto r = CachedResponse::Make(200, kJson, body, Policy::kRevalidate);
  const std::string_view h = r->headers(Variant::kIdentity);
  EXPECT_TRUE(Contains(h, "Content-Type: application/json\r\n")) << h;
  EXPECT_TRUE(Contains(h, "Cache-Control: no-cache\r\n")) << h;
  EXPECT_TRUE(Contains(h, "Vary: Accept-Encoding\r\n")) << h;
  EXPECT_TRUE(Contains(h, "ETag: " + std::string(r->etag()) + "\r\n")) << h;
  EXPECT_TRUE(Contains(h, ContentLength(body.size()))) << h;
  EXPECT_FALSE(Contains(h, "Content-Encoding")) << h;
  EXPECT_FALSE(Contains(h, "no-store")) << h;
  EXPECT_TRUE(h.ends_with("\r\n"));
  EXPECT_FALSE(h.ends_with("\r\n\r\n"));

  const std::string_view nm = r->not_modified_headers(Variant::kIdentity);
  EXPECT_TRUE(Contains(nm, "ETag: " + std::string(r->etag()) + "\r\n")) << nm;
  EXPECT_TRUE(Contains(nm, "Cache-Control: no-cache\r\n")) << nm;
  EXPECT_TRUE(Contains(nm, "Vary: Accept-Encoding\r\n")) << nm;
}

TEST(CachedResponseTest, NoStoreHasNoEtag) {
  const std::string body = R"({"error":"Task is not shared","code":"forbidden"})";
  auto r = CachedResponse::Make(403, kJson, body, Policy::kNoStore);
  EXPECT_EQ(r->status(), 403);
  EXPECT_TRUE(r->etag().empty());
  const std::string_view h = r->headers(Variant::kIdentity);
  EXPECT_TRUE(Contains(h, "Cache-Control: no-store\r\n")) << h;
  EXPECT_TRUE(Contains(h, ContentLength(body.size()))) << h;
  EXPECT_TRUE(Contains(h, "Content-Type: application/json\r\n")) << h;
  EXPECT_FALSE(Contains(h, "ETag")) << h;
  EXPECT_FALSE(Contains(h, "no-cache")) << h;
  EXPECT_FALSE(r->MatchesIfNoneMatch(R"("anything")", Variant::kIdentity));
}

TEST(CachedResponseTest, GzipVariantDecompressesToTheBody) {
  const std::string body = CompressibleBody(20000);
  auto plain = CachedResponse::Make(200, kJson, body, Policy::kRevalidate);
  auto r = plain->WithGzip();
  ASSERT_NE(r->gzip(), nullptr);
  EXPECT_TRUE(r->has_gzip_attempted());
  EXPECT_LT(r->gzip()->size(), body.size());
  EXPECT_EQ(Gunzip(*r->gzip(), body.size()), body);
  EXPECT_EQ(&r->body(Variant::kGzip), r->gzip());
  EXPECT_EQ(r->body(), body);
  EXPECT_EQ(r->status(), 200);
  // The original is immutable and the new object shares its identity body.
  EXPECT_EQ(plain->gzip(), nullptr);
  EXPECT_FALSE(plain->has_gzip_attempted());
  EXPECT_EQ(&plain->body(), &r->body());
}

TEST(CachedResponseTest, GzipVariantHasItsOwnEtagAndHeaders) {
  const std::string body = CompressibleBody(20000);
  auto r = CachedResponse::Make(200, kJson, body, Policy::kRevalidate)->WithGzip();
  ASSERT_NE(r->gzip(), nullptr);
  const std::string id_etag(r->etag(Variant::kIdentity));
  const std::string gz_etag(r->etag(Variant::kGzip));
  EXPECT_NE(id_etag, gz_etag);
  EXPECT_EQ(gz_etag, id_etag.substr(0, id_etag.size() - 1) + "-gzip\"");
  EXPECT_TRUE(std::regex_match(gz_etag, std::regex("^\"[0-9a-f]{32}-gzip\"$"))) << gz_etag;

  const std::string_view ih = r->headers(Variant::kIdentity);
  EXPECT_TRUE(Contains(ih, ContentLength(body.size()))) << ih;
  EXPECT_TRUE(Contains(ih, "ETag: " + id_etag + "\r\n")) << ih;
  EXPECT_FALSE(Contains(ih, "Content-Encoding")) << ih;

  const std::string_view gh = r->headers(Variant::kGzip);
  EXPECT_TRUE(Contains(gh, ContentLength(r->gzip()->size()))) << gh;
  EXPECT_FALSE(Contains(gh, ContentLength(body.size()))) << gh;
  EXPECT_TRUE(Contains(gh, "Content-Encoding: gzip\r\n")) << gh;
  EXPECT_TRUE(Contains(gh, "ETag: " + gz_etag + "\r\n")) << gh;
  EXPECT_TRUE(Contains(gh, "Cache-Control: no-cache\r\n")) << gh;
  EXPECT_TRUE(Contains(gh, "Vary: Accept-Encoding\r\n")) << gh;
  EXPECT_TRUE(Contains(gh, "Content-Type: application/json\r\n")) << gh;

  const std::string_view gnm = r->not_modified_headers(Variant::kGzip);
  EXPECT_TRUE(Contains(gnm, "ETag: " + gz_etag + "\r\n")) << gnm;
  EXPECT_TRUE(Contains(gnm, "Vary: Accept-Encoding\r\n")) << gnm;
  const std::string_view inm = r->not_modified_headers(Variant::kIdentity);
  EXPECT_TRUE(Contains(inm, "ETag: " + id_etag + "\r\n")) << inm;
}

TEST(CachedResponseTest, IncompressibleBodyGetsNoGzipVariant) {
  const std::string body = RandomBytes(8192);
  auto plain = CachedResponse::Make(200, "application/octet-stream", body, Policy::kRevalidate);
  auto r = plain->WithGzip();
  EXPECT_EQ(r->gzip(), nullptr);
  EXPECT_TRUE(r->has_gzip_attempted());
  EXPECT_EQ(r->body(), body);
  EXPECT_EQ(r->etag(), plain->etag());
  EXPECT_EQ(r->headers(Variant::kIdentity), plain->headers(Variant::kIdentity));
  EXPECT_FALSE(r->MatchesIfNoneMatch("*", Variant::kGzip));
}

TEST(CachedResponseTest, EmptyBodyGetsNoGzipVariant) {
  auto r = CachedResponse::Make(200, kJson, "", Policy::kRevalidate)->WithGzip();
  EXPECT_EQ(r->gzip(), nullptr);
  EXPECT_TRUE(Contains(r->headers(Variant::kIdentity), ContentLength(0)));
}

// Whatever WithGzip() does with a no-store response, a gzip variant it offers must be sendable: its
// header block names its encoding and its own length, and says no-store.
TEST(CachedResponseTest, NoStoreResponseGetsNoGzipVariant) {
  auto r = CachedResponse::Make(403, kJson, CompressibleBody(20000), Policy::kNoStore)->WithGzip();
  EXPECT_EQ(r->gzip(), nullptr);
  EXPECT_TRUE(r->has_gzip_attempted());
  EXPECT_TRUE(Contains(r->headers(Variant::kIdentity), "Cache-Control: no-store\r\n"));
}

TEST(CachedResponseTest, IfNoneMatchExactAndWeak) {
  auto r = CachedResponse::Make(200, kJson, CompressibleBody(1000), Policy::kRevalidate);
  const std::string etag(r->etag());
  EXPECT_TRUE(r->MatchesIfNoneMatch(etag, Variant::kIdentity));
  EXPECT_TRUE(r->MatchesIfNoneMatch("W/" + etag, Variant::kIdentity));
  EXPECT_TRUE(r->MatchesIfNoneMatch("  " + etag + "\t", Variant::kIdentity));
  EXPECT_FALSE(r->MatchesIfNoneMatch(etag.substr(1, etag.size() - 2), Variant::kIdentity))
      << "an unquoted tag is not the same entity tag";
  EXPECT_FALSE(r->MatchesIfNoneMatch(R"("00000000000000000000000000000000")", Variant::kIdentity));
  EXPECT_FALSE(r->MatchesIfNoneMatch("", Variant::kIdentity));
}

TEST(CachedResponseTest, IfNoneMatchListsAndStar) {
  auto r = CachedResponse::Make(200, kJson, CompressibleBody(1000), Policy::kRevalidate);
  const std::string etag(r->etag());
  EXPECT_TRUE(r->MatchesIfNoneMatch(R"("aaa", )" + etag + R"(, "bbb")", Variant::kIdentity));
  EXPECT_TRUE(r->MatchesIfNoneMatch(R"("aaa",)" + etag, Variant::kIdentity));
  EXPECT_TRUE(r->MatchesIfNoneMatch(R"(W/"aaa" ,  W/)" + etag, Variant::kIdentity));
  EXPECT_TRUE(r->MatchesIfNoneMatch(etag + R"( , "zzz")", Variant::kIdentity));
  EXPECT_FALSE(r->MatchesIfNoneMatch(R"("aaa", "bbb", W/"ccc")", Variant::kIdentity));
  EXPECT_TRUE(r->MatchesIfNoneMatch("*", Variant::kIdentity));
  EXPECT_TRUE(r->MatchesIfNoneMatch(" * ", Variant::kIdentity));
}

TEST(CachedResponseTest, IfNoneMatchIsVariantSpecific) {
  auto r = CachedResponse::Make(200, kJson, CompressibleBody(20000), Policy::kRevalidate)->WithGzip();
  ASSERT_NE(r->gzip(), nullptr);
  const std::string id_etag(r->etag(Variant::kIdentity));
  const std::string gz_etag(r->etag(Variant::kGzip));
  EXPECT_TRUE(r->MatchesIfNoneMatch(id_etag, Variant::kIdentity));
  EXPECT_FALSE(r->MatchesIfNoneMatch(id_etag, Variant::kGzip));
  EXPECT_TRUE(r->MatchesIfNoneMatch(gz_etag, Variant::kGzip));
  EXPECT_FALSE(r->MatchesIfNoneMatch(gz_etag, Variant::kIdentity));
  EXPECT_TRUE(r->MatchesIfNoneMatch("W/" + gz_etag, Variant::kGzip));
  EXPECT_TRUE(r->MatchesIfNoneMatch(id_etag + ", " + gz_etag, Variant::kGzip));
  EXPECT_TRUE(r->MatchesIfNoneMatch("*", Variant::kGzip));
}

TEST(CachedResponseTest, BytesGrowWithTheBodyAndTheGzipVariant) {
  auto small = CachedResponse::Make(200, kJson, std::string(100, 'a'), Policy::kRevalidate);
  auto large = CachedResponse::Make(200, kJson, std::string(100000, 'a'), Policy::kRevalidate);
  EXPECT_GE(small->bytes(), 100u);
  EXPECT_GE(large->bytes(), 100000u);
  EXPECT_GE(large->bytes() - small->bytes(), 100000u - 100u);
  auto gz = large->WithGzip();
  ASSERT_NE(gz->gzip(), nullptr);
  EXPECT_GE(gz->bytes(), large->bytes() + gz->gzip()->size());
}

// A body packed as the share endpoint packs it: a raw head, LZ4-compressed middles, a raw tail.
PackedBody PackLikeAShare(const std::string& body) {
  PackedBody packed;
  const std::size_t head = 20, tail = 30, half = (body.size() - head - tail) / 2;
  packed.Add(std::string_view(body).substr(0, head), head, false);
  packed.Add(Lz4Compress(std::string_view(body).substr(head, half)), half, true);
  const std::size_t rest = body.size() - head - tail - half;
  packed.Add(Lz4Compress(std::string_view(body).substr(head + half, rest)), rest, true);
  packed.Add(std::string_view(body).substr(body.size() - tail), tail, false);
  return packed;
}

TEST(CachedResponseTest, APackedBodyUnpacksToTheBodyWithTheSameHeadersInLessMemory) {
  const std::string body = CompressibleBody(20000);
  auto plain = CachedResponse::Make(200, kJson, body, Policy::kRevalidate);
  auto packed = plain->Packed(PackLikeAShare(body));
  ASSERT_TRUE(packed->packed());
  EXPECT_FALSE(plain->packed());
  std::string out = "previous content";
  ASSERT_TRUE(packed->UnpackBody(out));
  EXPECT_EQ(out, body);
  EXPECT_EQ(packed->body_size(Variant::kIdentity), body.size());
  EXPECT_EQ(packed->etag(), plain->etag());
  EXPECT_EQ(packed->headers(Variant::kIdentity), plain->headers(Variant::kIdentity));
  EXPECT_EQ(packed->not_modified_headers(Variant::kIdentity),
            plain->not_modified_headers(Variant::kIdentity));
  EXPECT_LT(packed->bytes() * 3, plain->bytes()) << "a transcript packs to well under a third";
  // An unpacked response unpacks to its body too.
  ASSERT_TRUE(plain->UnpackBody(out));
  EXPECT_EQ(out, body);
}

TEST(CachedResponseTest, APackedResponseGetsAGzipVariantOfItsBodyAndStaysPacked) {
  const std::string body = CompressibleBody(20000);
  auto r =
      CachedResponse::Make(200, kJson, body, Policy::kRevalidate)->Packed(PackLikeAShare(body))->WithGzip();
  ASSERT_NE(r->gzip(), nullptr);
  EXPECT_EQ(Gunzip(*r->gzip(), body.size()), body);
  EXPECT_TRUE(r->packed());
  std::string out;
  ASSERT_TRUE(r->UnpackBody(out));
  EXPECT_EQ(out, body);
  // And a response that has its gzip variant keeps it when packed.
  auto gz_first = CachedResponse::Make(200, kJson, body, Policy::kRevalidate)->WithGzip();
  auto then_packed = gz_first->Packed(PackLikeAShare(body));
  EXPECT_EQ(then_packed->gzip(), gz_first->gzip());
  EXPECT_EQ(then_packed->headers(Variant::kGzip), gz_first->headers(Variant::kGzip));
}

TEST(CachedResponseTest, PiecesThatDoNotAddUpToTheBodyAreNotKept) {
  const std::string body = CompressibleBody(5000);
  auto plain = CachedResponse::Make(200, kJson, body, Policy::kRevalidate);
  PackedBody short_of_it;
  short_of_it.Add(std::string_view(body).substr(0, 100), 100, false);
  auto r = plain->Packed(std::move(short_of_it));
  EXPECT_FALSE(r->packed());
  EXPECT_EQ(r->body(), body);
}

TEST(CachedResponseTest, ADamagedPieceFailsToUnpackAndGivesNothing) {
  const std::string body = CompressibleBody(5000);
  PackedBody damaged;
  std::string lz4 = Lz4Compress(body);
  lz4.resize(lz4.size() / 2);
  damaged.Add(lz4, body.size(), true);
  auto r = CachedResponse::Make(200, kJson, body, Policy::kRevalidate)->Packed(std::move(damaged));
  ASSERT_TRUE(r->packed());
  std::string out = "previous content";
  EXPECT_FALSE(r->UnpackBody(out));
  EXPECT_TRUE(out.empty());
  out = "previous content";
  EXPECT_FALSE(r->BodyToSend(Variant::kIdentity, out).has_value());
  EXPECT_TRUE(out.empty());
}

TEST(CachedResponseTest, TheBytesToSendAreEachVariantsBodyUnpackedIntoTheCallersBufferOnlyWhenPacked) {
  const std::string body = CompressibleBody(20000);
  auto plain = CachedResponse::Make(200, kJson, body, Policy::kRevalidate)->WithGzip();
  auto packed = plain->Packed(PackLikeAShare(body));
  ASSERT_TRUE(packed->packed());
  ASSERT_NE(packed->gzip(), nullptr);
  std::string scratch = "previous content";
  // Kept whole, the bytes are the response's own, and the buffer is left alone.
  const auto whole = plain->BodyToSend(Variant::kIdentity, scratch);
  ASSERT_TRUE(whole.has_value());
  EXPECT_EQ(*whole, body);
  EXPECT_EQ(whole->data(), plain->body().data());
  EXPECT_EQ(scratch, "previous content");
  // Kept packed, they are unpacked into the buffer.
  const auto unpacked = packed->BodyToSend(Variant::kIdentity, scratch);
  ASSERT_TRUE(unpacked.has_value());
  EXPECT_EQ(*unpacked, body);
  EXPECT_EQ(unpacked->data(), scratch.data());
  // The gzip variant is never packed.
  const auto gzip = packed->BodyToSend(Variant::kGzip, scratch);
  ASSERT_TRUE(gzip.has_value());
  EXPECT_EQ(gzip->data(), packed->gzip()->data());
}

}  // namespace
}  // namespace taskshare
