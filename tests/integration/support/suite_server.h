// SuiteServer: a fixture base for suites that share one real server, started once per suite, with one
// owner who makes the tasks. A derived fixture's SetUpTestSuite() calls StartServer(); every test then
// checks that the server is up before it runs and did not die while it ran.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "http_client.h"
#include "server_process.h"

namespace taskshare::testing {

class SuiteServer : public ::testing::Test {
 protected:
  static void StartServer(std::vector<std::string> args, const std::string& owner_email) {
    server_ = std::make_unique<ServerProcess>(std::move(args));
    server_->Start();
    owner_key_ = server_->AddUser(owner_email, "red");
  }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override { ASSERT_TRUE(server_->running()) << "no server:\n" << server_->Log(); }
  void TearDown() override { EXPECT_FALSE(server_->Exited()) << "the server died:\n" << server_->Log(); }

  static HttpClient Client() { return HttpClient(server_->port()); }
  static std::string Share(const std::string& id) { return "/api/v1/tasks/" + id + "/share"; }

  inline static std::unique_ptr<ServerProcess> server_;
  inline static std::string owner_key_;
};

}  // namespace taskshare::testing
