// The browser's side of sign-in (auth/browser_session.h): cookie names and flags, reading one cookie
// out of a Cookie header, CSRF tokens tied to a session, the paths a sign-in may return to, and the
// origin check of state-changing requests.
#include "auth/browser_session.h"

#include <gtest/gtest.h>

#include <string>

#include "common/ids.h"

namespace taskshare::testing {
namespace {

using auth::CookieNamesFor;
using auth::CookieValue;

TEST(BrowserSessionTest, HttpsServersUseHostPrefixedSecureCookies) {
  const auth::CookieNames https = CookieNamesFor("https://share.example.com");
  EXPECT_EQ(https.session, "__Host-taskshare_session");
  EXPECT_TRUE(https.secure);
  const std::string set = auth::SetCookie(https, https.session, "abc", 3600);
  EXPECT_EQ(set, "__Host-taskshare_session=abc; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax; Secure");
  EXPECT_EQ(set.find("Domain"), std::string::npos);

  const auth::CookieNames http = CookieNamesFor("http://127.0.0.1:8080");
  EXPECT_EQ(http.session, "taskshare_session");
  EXPECT_FALSE(http.secure);
  EXPECT_EQ(auth::SetCookie(http, http.sign_in, "", 0),
            "taskshare_sign_in=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
}

TEST(BrowserSessionTest, ACookieIsReadOnlyWhenItIsThereOnce) {
  EXPECT_EQ(CookieValue("a=1; taskshare_session=xyz; b=2", "taskshare_session"), "xyz");
  EXPECT_EQ(CookieValue("taskshare_session=xyz", "taskshare_session"), "xyz");
  EXPECT_EQ(CookieValue(" taskshare_session = xyz ;", "taskshare_session"), "xyz");
  EXPECT_FALSE(CookieValue("taskshare_session=1; taskshare_session=2", "taskshare_session"));
  EXPECT_FALSE(CookieValue("taskshare_session=", "taskshare_session"));
  EXPECT_FALSE(CookieValue("xtaskshare_session=1; taskshare_sessionx=2", "taskshare_session"));
  EXPECT_FALSE(CookieValue("", "taskshare_session"));
  EXPECT_FALSE(CookieValue("taskshare_session", "taskshare_session"));
}

TEST(BrowserSessionTest, ACsrfTokenBelongsToOneSession) {
  const std::string a = NewRandomToken();
  const std::string b = NewRandomToken();
  const std::string token = auth::CsrfToken(a);
  EXPECT_EQ(token.size(), 43u);
  EXPECT_EQ(token, auth::CsrfToken(a));
  EXPECT_NE(token, auth::CsrfToken(b));
  EXPECT_TRUE(auth::CsrfTokenMatches(a, token));
  EXPECT_FALSE(auth::CsrfTokenMatches(b, token));
  EXPECT_FALSE(auth::CsrfTokenMatches(a, ""));
  EXPECT_FALSE(auth::CsrfTokenMatches(a, token.substr(1)));
  EXPECT_FALSE(auth::CsrfTokenMatches(a, a));
}

TEST(BrowserSessionTest, ASignInReturnsOnlyToAPathOnThisServer) {
  for (const char* ok : {"/", "/app", "/share/0f3c2d1e-0000-4000-8000-000000000000", "/app?page=2"}) {
    EXPECT_EQ(auth::SafeReturnPath(ok), std::string(ok)) << ok;
  }
  for (const char* bad : {"", "app", "https://evil.example/", "//evil.example/x", "/\\evil.example",
                          "/\\/evil.example", "http:/evil.example", "/share/../admin", "/a b",
                          "/a\r\nSet-Cookie:x=1", "/a\tb", "\\\\evil.example", "javascript:alert(1)"}) {
    EXPECT_FALSE(auth::SafeReturnPath(bad)) << bad;
  }
  EXPECT_FALSE(auth::SafeReturnPath("/" + std::string(1024, 'a')));
}

TEST(BrowserSessionTest, OnlyOurOwnOriginMayPost) {
  const std::string ours = "https://share.example.com";
  EXPECT_TRUE(auth::FromOurOrigin("https://share.example.com", "", ours));
  EXPECT_TRUE(auth::FromOurOrigin("https://SHARE.example.com:443", "", ours));
  EXPECT_TRUE(auth::FromOurOrigin("", "https://share.example.com/app", ours));
  EXPECT_FALSE(auth::FromOurOrigin("https://evil.example", "https://share.example.com/app", ours));
  EXPECT_FALSE(auth::FromOurOrigin("null", "", ours));
  EXPECT_FALSE(auth::FromOurOrigin("http://share.example.com", "", ours));
  EXPECT_FALSE(auth::FromOurOrigin("https://share.example.com:8443", "", ours));
  EXPECT_FALSE(auth::FromOurOrigin("https://share.example.com.evil.example", "", ours));
  EXPECT_FALSE(auth::FromOurOrigin("", "https://evil.example/?https://share.example.com/", ours));
  EXPECT_FALSE(auth::FromOurOrigin("", "", ours));
  EXPECT_TRUE(auth::FromOurOrigin("http://127.0.0.1:8080", "", "http://127.0.0.1:8080"));
  // A host name that begins like our address is another host (Boost.URL 1.81 reads it as the address).
  EXPECT_TRUE(auth::FromOurOrigin("https://10.0.0.5", "", "https://10.0.0.5"));
  EXPECT_FALSE(auth::FromOurOrigin("https://10.0.0.5.evil.example", "", "https://10.0.0.5"));
  EXPECT_FALSE(auth::FromOurOrigin("", "https://10.0.0.5.evil.example/app", "https://10.0.0.5"));
}

TEST(BrowserSessionTest, Base64UrlHasNoPaddingAndTheUrlAlphabet) {
  EXPECT_EQ(Base64Url(""), "");
  EXPECT_EQ(Base64Url("f"), "Zg");
  EXPECT_EQ(Base64Url("fo"), "Zm8");
  EXPECT_EQ(Base64Url("foo"), "Zm9v");
  EXPECT_EQ(Base64Url("\xfb\xff"), "-_8");
  const std::string token = NewRandomToken();
  EXPECT_EQ(token.size(), 43u);
  EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_NE(token, NewRandomToken());
}

}  // namespace
}  // namespace taskshare::testing
