// Database URLs as they appear in logs: every secret masked whatever the text's shape, everything
// else kept, and everything after the scheme hidden when the text cannot be read with certainty.
#include "storage/database_url.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/store.h"

namespace taskshare {
namespace {

TEST(UrlForLogsTest, MasksPasswordsOnly) {
  EXPECT_EQ(UrlForLogs("postgresql://app:s3cr3t@db.internal:5432/taskshare"),
            "postgresql://app:***@db.internal:5432/taskshare");
  EXPECT_EQ(UrlForLogs("postgres://db.internal/taskshare?user=app&password=s3cr3t&sslmode=require"),
            "postgres://db.internal/taskshare?user=app&password=***&sslmode=require");
  EXPECT_EQ(UrlForLogs("postgresql://app@db.internal/taskshare"), "postgresql://app@db.internal/taskshare");
  EXPECT_EQ(UrlForLogs("sqlite:taskshare.db"), "sqlite:taskshare.db");
  EXPECT_EQ(UrlForLogs("data/taskshare.db"), "data/taskshare.db");
}

TEST(UrlForLogsTest, MasksEverySecretParameterOfAUrl) {
  EXPECT_EQ(UrlForLogs("postgresql://db/x?sslmode=verify-full&sslpassword=k3y&sslcert=/c.pem"),
            "postgresql://db/x?sslmode=verify-full&sslpassword=***&sslcert=/c.pem");
  // libpq percent-decodes parameter names: pass%77ord is password.
  EXPECT_EQ(UrlForLogs("postgresql://db/x?pass%77ord=s3cr3t"), "postgresql://db/x?pass%77ord=***");
  EXPECT_EQ(UrlForLogs("POSTGRESQL://app:s3cr3t@[::1]:5432,db2:5433/x?PASSWORD=s3cr3t"),
            "POSTGRESQL://app:***@[::1]:5432,db2:5433/x?PASSWORD=***");
  EXPECT_EQ(UrlForLogs("postgresql://:s3cr%2Ft@db/x"), "postgresql://:***@db/x");
  EXPECT_EQ(UrlForLogs("postgresql://app:s3:cr3t@db"), "postgresql://app:***@db");
}

TEST(UrlForLogsTest, MasksKeyValueConnectionStrings) {
  EXPECT_EQ(UrlForLogs("host=db port=5432 password=s3cr3t sslpassword=k3y dbname=x"),
            "host=db port=5432 password=*** sslpassword=*** dbname=x");
  EXPECT_EQ(UrlForLogs("host=db  password = 'a b\\' c'\tuser=app"), "host=db  password = ***\tuser=app");
  EXPECT_EQ(UrlForLogs("dbname='postgresql://app:s3cr3t@db/x' application_name=t"),
            "dbname='postgresql://app:***@db/x' application_name=t");
  EXPECT_EQ(UrlForLogs("dbname=postgresql://app:s3cr3t@db/x"), "dbname=postgresql://app:***@db/x");
  EXPECT_EQ(UrlForLogs("host=db sslmode=require"), "host=db sslmode=require");
}

// Characters RFC 3986 wants encoded but libpq takes as they are, even '?' before the '@', leave the
// URL readable.
TEST(UrlForLogsTest, ReadsAUrlAsLibpqDoes) {
  for (const char* url :
       {"postgresql://app:s3 cr3t@db/x", "postgresql://app:s3?cr3t@db/x", "postgresql://app:s3#cr3t\"<>@db/x",
        "postgresql://app:s3cr3t:x@db/x", "postgresql://app:s3&cr3t=x@db/x"}) {
    EXPECT_EQ(UrlForLogs(url), "postgresql://app:***@db/x") << url;
    EXPECT_TRUE(IsReadWithCertainty(url)) << url;
  }
  EXPECT_EQ(UrlForLogs("postgresql://db/x?application_name=me@home&password=s3cr3t"),
            "postgresql://db/x?application_name=me@home&password=***");
}

// Text that cannot be read with certainty hides everything after its scheme.
TEST(UrlForLogsTest, HidesEverythingAfterTheSchemeWhenTheTextIsNotReadWithCertainty) {
  for (const char* url : {
           "postgresql://app:s3cr3t@x@db/x",  // a second '@' (libpq's host would be "x@db")
           "postgresql://app:s3/cr3t@db/x",   // a '/' in the password (libpq's port would be "s3")
           "postgresql://app:s3cr3t/@db",     // the same without a database name
           "postgresql://app:s3/cr3t@db?sslmode=require",
           "postgresql://app:s3cr%zz@db/x",  // a bad percent escape
           "postgresql://app:s3cr3t%4@db/x",
           "postgresql://app:s3cr3t\n@db/x",  // a control character
           "postgresql://app:s3cr3t\x7f@db/x",
           "postgresql://db/x?s3cr3t",  // a parameter without '='
           "postgresql://db/x?password=s3cr3t&s3cr3t",
           "postgresql://db/x?=s3cr3t",
       }) {
    EXPECT_EQ(UrlForLogs(url), "postgresql://***") << url;
    EXPECT_FALSE(IsReadWithCertainty(url)) << url;
  }
  EXPECT_EQ(UrlForLogs("postgresql:app:s3cr3t@db/x"), "postgresql:***");
  EXPECT_EQ(UrlForLogs("mysql:/app:s3cr3t@db"), "mysql:***");
  EXPECT_EQ(UrlForLogs("host=db password='s3cr3t"), "***");     // an unterminated quote
  EXPECT_EQ(UrlForLogs("host=db password s3cr3t x=y"), "***");  // a keyword without '='
  EXPECT_EQ(UrlForLogs("host=db password=s3cr3t\\"), "***");    // an escape left open
  EXPECT_EQ(UrlForLogs("=s3cr3t"), "***");
  EXPECT_FALSE(IsReadWithCertainty("=s3cr3t"));
  EXPECT_TRUE(IsReadWithCertainty("sqlite:taskshare.db"));
}

// Whatever surrounds it, a password given in any of the shapes never comes back.
TEST(UrlForLogsTest, NoShapeShowsThePassword) {
  const std::string secret = "Zq7-s3cr3t";
  const std::vector<std::string> shapes = {
      "postgresql://app:" + secret + "@db/x",
      "postgresql://app:" + secret + "@db/x?sslpassword=" + secret,
      "postgres://db?password=" + secret,
      "postgresql://app:" + secret + " @db",
      "postgresql://app:" + secret + "@@db",
      "postgresql://app:" + secret + "/@db",
      "postgresql://app:" + secret + "%@db",
      "postgresql://app:" + secret + "@db?x",
      "postgresql:/app:" + secret + "@db",
      "password=" + secret,
      "host=db password='" + secret + " x'",
      "host=db password='" + secret,
      "host=db sslpassword=" + secret + " dbname=postgresql://app:" + secret + "@db",
      "x y password=" + secret,
  };
  for (const std::string& url : shapes) {
    EXPECT_EQ(UrlForLogs(url).find(secret), std::string::npos) << url << " -> " << UrlForLogs(url);
  }
}

TEST(UrlSchemeTest, IsTheRfc3986SchemeOrNothing) {
  EXPECT_EQ(UrlScheme("sqlite:x.db"), "sqlite");
  EXPECT_EQ(UrlScheme("postgresql+ssl://db"), "postgresql+ssl");
  EXPECT_EQ(UrlScheme("data/x.db"), "");
  EXPECT_EQ(UrlScheme("host=db:5432"), "");
  EXPECT_EQ(UrlScheme("1x:y"), "");
  EXPECT_EQ(UrlScheme(":x"), "");
}

// libpq's reason for refusing a URL quotes the part it stumbled on, which can be the password: the
// Status shows the reason without it.
TEST(OpenStoreTest, AMalformedPostgresUrlIsRefusedWithoutQuotingIt) {
  for (const char* url : {"postgresql://app:s3cr3t%zz@127.0.0.1/db", "postgresql://127.0.0.1/db?s3cr3t",
                          "postgresql://127.0.0.1/db?password=s3cr3t=x", "postgresql://[::1/s3cr3t",
                          "postgresql://127.0.0.1/db?s3cr3t=x"}) {
    const Status s = OpenStore({.url = url, .connections = 1, .replica_url = {}}).status();
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << url;
    EXPECT_TRUE(s.message().starts_with("invalid PostgreSQL URL: ")) << s.message();
    EXPECT_EQ((s.message() + s.detail()).find("s3cr3t"), std::string::npos) << s.message();
  }
  // libpq takes these, but would read part of the password as a host or a port.
  for (const char* url :
       {"postgresql://app:s3cr3t@x@127.0.0.1/db", "postgresql://app:s3/cr3t@127.0.0.1/db"}) {
    const Status s = OpenStore({.url = url, .connections = 1, .replica_url = {}}).status();
    EXPECT_EQ(
        s.message(),
        "invalid PostgreSQL URL: it cannot be read with certainty; percent-encode any '@' or '/' in the "
        "user name or password (%40, %2F)")
        << url;
  }
  const Status s =
      OpenStore({.url = "postgresql://127.0.0.1/db?password", .connections = 1, .replica_url = {}}).status();
  EXPECT_EQ(s.message(),
            "invalid PostgreSQL URL: missing key/value separator \"=\" in URI query parameter: \"***\"");
}

}  // namespace
}  // namespace taskshare
