// Users' email addresses: the one validation rule and the one normal form (domain/email.h).
#include "domain/email.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace taskshare {
namespace {

TEST(EmailTest, AcceptsAddresses) {
  for (const std::string email : {"a@b.co", "Alice.Smith+tag@Example.COM", "o'brien@mail.example.ie",
                                  "x@sub.domain.example", "ünïcode@exämple.de"}) {
    EXPECT_TRUE(ValidateEmail(email).ok()) << email << ": " << ValidateEmail(email).message();
  }
  EXPECT_TRUE(ValidateEmail(std::string(254 - 12, 'a') + "@example.com").ok());
}

TEST(EmailTest, RefusesWhatIsNotAnAddressNamingTheRule) {
  const auto message = [](const std::string& email) {
    const Status s = ValidateEmail(email);
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << email;
    EXPECT_EQ(s.message().find(email.empty() ? std::string("\x01") : email), std::string::npos)
        << "the message does not quote the address";
    return s.message();
  };
  const std::string one_at = "invalid email address: it must have exactly one '@'";
  EXPECT_EQ(message(""), one_at);
  EXPECT_EQ(message("alice"), one_at);
  EXPECT_EQ(message("a@b@example.com"), one_at);
  EXPECT_EQ(message("@example.com"), "invalid email address: it must have a name before its '@'");
  const std::string domain =
      "invalid email address: it must have a domain with a '.' after its '@' (as in name@example.com)";
  for (const char* email : {"alice@", "alice@localhost", "alice@.example.com", "alice@example.com.",
                            "alice@example..com", "alice@."}) {
    EXPECT_EQ(message(email), domain) << email;
  }
  const std::string blank = "invalid email address: it must not hold spaces or control characters";
  for (const std::string& email : {std::string("al ice@example.com"), std::string("alice@example.com "),
                                   std::string("alice\t@example.com"), std::string("alice@exa\nmple.com"),
                                   std::string("alice\r@example.com"),
                                   std::string("al\x7f"
                                               "ice@x.com"),
                                   std::string("al\0ice@example.com", 18), std::string("al\u00a0ice@x.com"),
                                   std::string("al\u0085ice@x.com"), std::string("al\u2028ice@x.com")}) {
    EXPECT_EQ(message(email), blank) << email;
  }
  for (const char* email : {"<alice@example.com>", "\"alice\"@example.com", "alice@example.com>"}) {
    EXPECT_EQ(message(email), "invalid email address: it must not hold < > or \"") << email;
  }
  for (const std::string& email :
       {std::string("al\xff"
                    "ice@x.com"),
        std::string("al\xc3@x.com"), std::string("al\xc0\xa0@x.com"), std::string("al\xed\xa0\x80@x.com")}) {
    EXPECT_EQ(message(email), "invalid email address: it must be valid UTF-8");
  }
  EXPECT_EQ(message(std::string(254 - 11, 'a') + "@example.com"),
            "invalid email address: it must have at most 254 bytes");
}

TEST(EmailTest, NormalFormLowerCasesAsciiLettersOnly) {
  EXPECT_EQ(NormalizeEmail("Alice.Smith+TAG@Example.COM"), "alice.smith+tag@example.com");
  EXPECT_EQ(NormalizeEmail("alice@example.com"), "alice@example.com");
  EXPECT_EQ(NormalizeEmail("ÉLISE@EXÄMPLE.DE"), "Élise@exÄmple.de");
  EXPECT_EQ(NormalizeEmail(NormalizeEmail("MiXeD@X.ORG")), NormalizeEmail("MiXeD@X.ORG"));
}

TEST(EmailTest, LooksUpTheNormalFormThenTheSpellingGiven) {
  EXPECT_EQ(EmailLookupOrder("ALICE@x.org"), (std::vector<std::string>{"alice@x.org", "ALICE@x.org"}));
  EXPECT_EQ(EmailLookupOrder("alice@x.org"), (std::vector<std::string>{"alice@x.org"}));
}

}  // namespace
}  // namespace taskshare
