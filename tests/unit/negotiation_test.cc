#include "api/negotiation.h"

#include <gtest/gtest.h>

namespace taskshare::api {
namespace {

TEST(NegotiationTest, AcceptsGzip) {
  for (const char* yes :
       {"gzip", "GZIP", "gzip, deflate, br", "br;q=1.0, gzip;q=0.5", "x-gzip", "*", " gzip ;q=1"}) {
    EXPECT_TRUE(AcceptsGzip(yes)) << yes;
  }
  for (const char* no : {"", "identity", "br", "gzip;q=0", "gzip; q=0.000", "deflate, gzip;Q=0", "gzipx"}) {
    EXPECT_FALSE(AcceptsGzip(no)) << no;
  }
}

TEST(NegotiationTest, ServePicksTheVariantAndAnswers304ForItsOwnTag) {
  const auto plain = CachedResponse::Make(200, "application/json", std::string(4096, 'a'),
                                          CachedResponse::Policy::kRevalidate);
  const auto both = plain->WithGzip();
  ASSERT_NE(both->gzip(), nullptr);
  Request request;
  request.accept_encoding = "gzip";
  Response r = Serve(both, request);
  EXPECT_EQ(r.variant, CachedResponse::Variant::kGzip);
  EXPECT_FALSE(r.not_modified);

  request.if_none_match = std::string(both->etag(CachedResponse::Variant::kGzip));
  EXPECT_TRUE(Serve(both, request).not_modified);
  request.if_none_match = std::string(both->etag(CachedResponse::Variant::kIdentity));
  EXPECT_FALSE(Serve(both, request).not_modified);  // that tag names the other representation

  request.accept_encoding.clear();
  r = Serve(both, request);
  EXPECT_EQ(r.variant, CachedResponse::Variant::kIdentity);
  EXPECT_TRUE(r.not_modified);
  EXPECT_EQ(r.status, 304);
}

TEST(NegotiationTest, ANoStoreResponseIsNeverNotModified) {
  const auto forbidden =
      CachedResponse::Make(403, "application/json", "{}", CachedResponse::Policy::kNoStore);
  Request request;
  request.if_none_match = "*";
  const Response r = Serve(forbidden, request);
  EXPECT_FALSE(r.not_modified);
  EXPECT_EQ(r.status, 403);
}

}  // namespace
}  // namespace taskshare::api
