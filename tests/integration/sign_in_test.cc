// Signed-in readers behind an authenticating proxy (api/sign_in.h), over HTTP against the real server:
// the proxy's header, believed from --trusted-proxy peers only, opens team, support and private links
// on the page for the readers the visibility table lets read them; a signed-in page is built for its
// reader alone, marked private, and never served from or kept in the cache anonymous readers share.
// The "proxy" is a client whose connections come from 127.0.0.2.
#include <gtest/gtest.h>

#include <string>

#include "support/http_client.h"
#include "support/server_process.h"
#include "support/suite_server.h"

namespace taskshare::testing {
namespace {

constexpr char kOwner[] = "owner@signin.test";
constexpr char kHeader[] = "X-Forwarded-Email";
constexpr char kProxy[] = "127.0.0.2";
constexpr char kKey[] = "AKIAIOSFODNN7EXAMPLE";

class SignInTest : public SuiteServer {
 protected:
  static void SetUpTestSuite() {
    StartServer({"--auth-header", kHeader, "--trusted-proxy", kProxy}, kOwner);
    server_->AddUser("mate@signin.test", "red");
    server_->AddUser("outsider@signin.test", "blue");
    server_->AddUser("helper@signin.test", "blue", "support");
  }

  // A task of the owner's (team "red") with one message holding an AWS key id.
  static std::string NewTask(const std::string& visibility) {
    const std::string body = R"({"title": "Audit", "visibility": ")" + visibility + R"("})";
    const std::string id(
        ExpectJson(Client().Post("/api/v1/tasks", body, Auth(owner_key_)), 202).at("id").as_string());
    const std::string message =
        std::string(R"({"messages": [{"role": "user", "content": "key )") + kKey + R"( found"}]})";
    EXPECT_EQ(Client().Post("/api/v1/tasks/" + id + "/messages", message, Auth(owner_key_)).status, 200);
    return id;
  }

  // The page of `id` through the proxy, signed in as `email`.
  static Response AsSignedIn(const std::string& id, const std::string& email) {
    return HttpClient::From(server_->port(), kProxy).Get("/share/" + id, {{kHeader, email}});
  }
};

void ExpectPrivatePage(const Response& r) {
  EXPECT_EQ(r.Header("cache-control"), "private, no-store");
  EXPECT_EQ(r.Count("ETag"), 0u);
  EXPECT_EQ(r.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(r.Header("content-security-policy").find("script"), std::string::npos);
  EXPECT_EQ(r.Header("x-frame-options"), "DENY");
}

TEST_F(SignInTest, ATeammateSignedInThroughTheProxyOpensATeamLinkThatStrangersCannot) {
  const std::string id = NewTask("team");
  const Response mate = AsSignedIn(id, "mate@signin.test");
  ASSERT_EQ(mate.status, 200) << mate.body;
  ExpectPrivatePage(mate);
  EXPECT_NE(mate.body.find(" found"), std::string::npos);
  // A teammate sees the share view, never the original.
  EXPECT_EQ(mate.body.find(kKey), std::string::npos);

  const Response outsider = AsSignedIn(id, "outsider@signin.test");
  EXPECT_EQ(outsider.status, 403);
  EXPECT_NE(outsider.body.find("You may not view this task"), std::string::npos);
  ExpectPrivatePage(outsider);
  const Response anonymous = Client().Get("/share/" + id);
  EXPECT_EQ(anonymous.status, 403);
  EXPECT_NE(anonymous.body.find("This task is not shared"), std::string::npos);
}

TEST_F(SignInTest, TheHeaderIsBelievedFromTrustedProxiesOnly) {
  const std::string id = NewTask("team");
  // Straight from 127.0.0.1, which is not a trusted proxy: anonymous, whatever the header says.
  const Response direct = Client().Get("/share/" + id, {{kHeader, "mate@signin.test"}});
  EXPECT_EQ(direct.status, 403);
  EXPECT_NE(direct.body.find("This task is not shared"), std::string::npos);
  EXPECT_EQ(direct.Header("cache-control"), "no-store");
  // The owner's own email from an untrusted peer opens nothing either.
  EXPECT_EQ(Client().Get("/share/" + id, {{kHeader, kOwner}}).status, 403);
  // The proxy without the header is anonymous too.
  EXPECT_EQ(HttpClient::From(server_->port(), kProxy).Get("/share/" + id).status, 403);
}

TEST_F(SignInTest, SupportAndPrivateLinksOpenForWhomTheVisibilityTableSays) {
  const std::string support = NewTask("support");
  EXPECT_EQ(AsSignedIn(support, "helper@signin.test").status, 200);
  EXPECT_EQ(AsSignedIn(support, "outsider@signin.test").status, 403);
  EXPECT_EQ(AsSignedIn(support, "mate@signin.test").status, 403);

  const std::string mine = NewTask("private");
  const Response owner = AsSignedIn(mine, kOwner);
  ASSERT_EQ(owner.status, 200) << owner.body;
  EXPECT_NE(owner.body.find(kKey), std::string::npos) << "the owner sees the original";
  EXPECT_EQ(AsSignedIn(mine, "mate@signin.test").status, 403);
  EXPECT_EQ(AsSignedIn(mine, "helper@signin.test").status, 403);
}

TEST_F(SignInTest, ASignedInPageIsNeitherServedFromNorKeptInTheSharedCache) {
  const std::string id = NewTask("public");
  // An anonymous view fills the cache with the share view (the key redacted)...
  const Response first = Client().Get("/share/" + id);
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.body.find(kKey), std::string::npos);
  EXPECT_EQ(first.Header("cache-control"), "no-cache");
  // ...which the owner, signed in, is not given: they see the original, privately...
  const Response owner = AsSignedIn(id, kOwner);
  ASSERT_EQ(owner.status, 200);
  EXPECT_NE(owner.body.find(kKey), std::string::npos);
  ExpectPrivatePage(owner);
  // ...and the original never reaches an anonymous reader.
  const Response again = Client().Get("/share/" + id);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.Header("etag"), first.Header("etag"));

  // The other way round: a signed-in view first leaves nothing behind for anonymous readers.
  const std::string other = NewTask("public");
  ASSERT_EQ(AsSignedIn(other, kOwner).status, 200);
  const Response anonymous = Client().Get("/share/" + other);
  ASSERT_EQ(anonymous.status, 200);
  EXPECT_EQ(anonymous.body.find(kKey), std::string::npos);
}

TEST_F(SignInTest, AnEmailNoUserHasReadsAsAnonymousButStillPrivately) {
  const std::string shared = NewTask("unlisted");
  const Response r = AsSignedIn(shared, "nobody@signin.test");
  ASSERT_EQ(r.status, 200);
  ExpectPrivatePage(r);
  EXPECT_EQ(r.body.find(kKey), std::string::npos);
  const Response team = AsSignedIn(NewTask("team"), "nobody@signin.test");
  EXPECT_EQ(team.status, 403);
  EXPECT_NE(team.body.find("This task is not shared"), std::string::npos);
}

TEST_F(SignInTest, AHeaderThatIsNotOneEmailIsRefused) {
  const std::string id = NewTask("unlisted");
  const Response r = AsSignedIn(id, "mate@signin.test, outsider@signin.test");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("not one email address"), std::string::npos);
  EXPECT_EQ(r.Header("content-type"), "text/html; charset=utf-8");
  // The same link's anonymous view is unaffected.
  EXPECT_EQ(Client().Get("/share/" + id).status, 200);
}

// Behind a proxy that also names the reader's groups: the groups decide the role, per request.
class SignInGroupsTest : public SignInTest {
 protected:
  static void SetUpTestSuite() {
    StartServer({"--auth-header", kHeader, "--trusted-proxy", kProxy, "--auth-groups-header", kGroupsHeader,
                 "--auth-support-group", "helpdesk", "--auth-admin-group", "root"},
                kOwner);
    outsider_key_ = server_->AddUser("outsider@signin.test", "blue");
    server_->AddUser("helper@signin.test", "blue", "support");
  }

  static Response AsMemberOf(const std::string& id, const std::string& email, const std::string& groups) {
    return HttpClient::From(server_->port(), kProxy)
        .Get("/share/" + id, {{kHeader, email}, {kGroupsHeader, groups}});
  }

  static constexpr char kGroupsHeader[] = "X-Forwarded-Groups";
  inline static std::string outsider_key_;
};

TEST_F(SignInGroupsTest, TheProxysGroupsGiveTheRoleForThatRequestOnly) {
  const std::string id = NewTask("support");
  // A plain user the proxy lists in the support group reads support links; in the admin group too.
  EXPECT_EQ(AsMemberOf(id, "outsider@signin.test", "staff,helpdesk").status, 200);
  EXPECT_EQ(AsMemberOf(id, "outsider@signin.test", " staff , root ").status, 200);
  // Names are matched whole and exactly.
  for (const std::string groups : {"staff", "helpdesk-old", "Helpdesk", "help desk", ""}) {
    EXPECT_EQ(AsMemberOf(id, "outsider@signin.test", groups).status, 403) << groups;
  }
  // A stored support user whom the proxy lists in no role group is a plain user here...
  EXPECT_EQ(AsSignedIn(id, "helper@signin.test").status, 403);
  EXPECT_EQ(AsMemberOf(id, "helper@signin.test", "staff").status, 403);
  // ...and the stored role is not changed: the outsider's API key still reads as a plain user's.
  EXPECT_TRUE(IsError(Client().Get("/api/v1/tasks/" + id, Auth(outsider_key_)), 403));
  // A team link stays the team's: a role does not open it.
  EXPECT_EQ(AsMemberOf(NewTask("team"), "outsider@signin.test", "helpdesk").status, 403);
}

TEST_F(SignInGroupsTest, TheGroupsHeaderIsBelievedFromTrustedProxiesOnly) {
  const std::string id = NewTask("support");
  const Response direct =
      Client().Get("/share/" + id, {{kHeader, "outsider@signin.test"}, {kGroupsHeader, "helpdesk"}});
  EXPECT_EQ(direct.status, 403);
  EXPECT_NE(direct.body.find("This task is not shared"), std::string::npos);
  // Groups without an email sign no one in.
  EXPECT_EQ(HttpClient::From(server_->port(), kProxy).Get("/share/" + id, {{kGroupsHeader, "root"}}).status,
            403);
}

}  // namespace
}  // namespace taskshare::testing
