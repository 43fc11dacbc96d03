// A share miss reads the database once (api::LoadAnonymousView): on SQLite, which keeps message
// blocks, a view the blocks cannot give as stored (a message the built-in rules change, a pin inside a
// block) is made from the messages of the blocks already read (UnpackMessages), never from a second
// read of the message rows. The rows are damaged here after the first answer: a 200 with the same
// bytes proves they were not read.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/reader_view.h"
#include "api/share_api.h"
#include "storage/message_blocks.h"
#include "store_test_support.h"

namespace taskshare::testing {
namespace {

class ShareReadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SqliteOptions options;
    options.path = path();
    auto opened = OpenSqliteStore(options);
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(*opened);
    owner_ = NewUser("reads@share.test");
    ASSERT_TRUE(store_->CreateUser(owner_, KeyHash("h")).ok());
  }

  std::string path() const { return (dir_.path() / "r.db").string(); }

  std::string NewTask(const std::vector<NewMessage>& messages, ShareMode mode) {
    Task task;
    task.id = NewUuidV4();
    task.owner_id = owner_.id;
    task.title = "reads";
    task.created_at = task.updated_at = 1000;
    EXPECT_TRUE(store_->CreateTask(task, messages).ok());
    ShareRequest request;
    request.mode = mode;
    EXPECT_TRUE(store_->ShareTask(task.id, request, 2000).ok());
    return task.id;
  }

  // The share endpoint's answer for `id`, built from the store (a cache of its own, empty).
  std::pair<int, std::string> Share(const std::string& id) {
    ResponseCache cache(1 << 20);
    const api::Response r = api::GetSharedTask(*store_, redactors_, cache, api::Request{}, id, NowMicros());
    std::string body;
    if (r.cached) EXPECT_TRUE(r.cached->UnpackBody(body));
    return {r.cached ? r.cached->status() : r.status, r.cached ? body : r.body};
  }

  void DamageRows(const std::string& id) {
    RawSqlite(path()).Exec(
        "UPDATE messages SET checksum = checksum + 1 WHERE task_seq = (SELECT seq FROM tasks "
        "WHERE id = '" +
        id + "')");
    auto rows = store_->GetSnapshot(id);
    ASSERT_FALSE(rows.ok()) << "the rows are damaged";
    ASSERT_EQ(rows.status().code(), Code::kInternal);
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  secrets::ViewRedactors redactors_{nullptr};
  User owner_;
};

TEST_F(ShareReadTest, AViewTheBlocksDeclineIsMadeFromTheSameRead) {
  std::vector<NewMessage> long_run;
  for (int i = 0; i < 80; ++i) long_run.push_back(Unkeyed(std::string(2000, 'a' + i % 26)));
  const std::string credential =
      NewTask({Unkeyed("key AKIAIOSFODNN7EXAMPLE"), Unkeyed("a, \\\"quoted\\\" {brace} [bracket]")},
              ShareMode::kLive);
  const std::string pinned = NewTask(long_run, ShareMode::kPinned);
  ASSERT_TRUE(store_->AppendMessages(pinned, {Unkeyed("after the pin")}, 3000)
                  .ok());  // the pin is now inside a block
  for (const std::string& id : {credential, pinned}) {
    const auto [status, body] = Share(id);
    ASSERT_EQ(status, 200) << body;
    EXPECT_EQ(body.find("AKIAIOSFODNN7EXAMPLE"), std::string::npos) << body;
    EXPECT_EQ(body.find("after the pin"), std::string::npos);
    DamageRows(id);
    const auto [again, same] = Share(id);
    EXPECT_EQ(again, 200) << same;
    EXPECT_EQ(same, body) << "byte for byte the view the rows gave";
  }
}

TEST_F(ShareReadTest, UnpackedMessagesAreTheRowsByteForByte) {
  const std::string id =
      NewTask({Unkeyed("plain"), Unkeyed("commas, \\\"quotes\\\", {braces}, [brackets], \\\\"),
               Keyed("k", "key AKIAIOSFODNN7EXAMPLE"), Unkeyed("\\u00e9 ,]}")},
              ShareMode::kLive);
  auto rows = store_->GetSnapshot(id);
  ASSERT_TRUE(rows.ok());
  auto packed = PackedOf(*store_, id);
  ASSERT_TRUE(packed.ok());
  TaskSnapshot unpacked;
  ASSERT_TRUE(UnpackMessages(id, packed->blocks, unpacked).ok());
  EXPECT_EQ(unpacked.messages, rows->messages);
  ASSERT_EQ(unpacked.needs_no_redaction.size(), unpacked.messages.size());
  // One block holding a credential: no message of it is taken as needing no redaction.
  for (bool verdict : unpacked.needs_no_redaction) EXPECT_FALSE(verdict);

  packed->blocks.at(0).count += 1;  // a block that does not split into its count
  TaskSnapshot wrong;
  EXPECT_EQ(UnpackMessages(id, packed->blocks, wrong).code(), Code::kInternal);
}

}  // namespace
}  // namespace taskshare::testing
