// Message blocks (storage/message_blocks.h): how messages are packed and checked, how the SQLite
// backend keeps its blocks in step with its message rows through every write, and that a share view
// made from blocks (api::LoadSharedBlocks) is byte for byte the one made from the rows
// (api::LoadReaderView for an anonymous reader), or is declined where it could not be.
#include "storage/message_blocks.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/reader_view.h"
#include "common/lz4.h"
#include "domain/task_views.h"
#include "storage/task_codec.h"
#include "store_test_support.h"

namespace taskshare::testing {
namespace {

#define EXPECT_OK(expr)                                           \
  do {                                                            \
    const Status status_of_expr = StatusOf(expr);                 \
    EXPECT_TRUE(status_of_expr.ok()) << Describe(status_of_expr); \
  } while (false)

// What the verdict beside a message says: present for a message the built-in rules leave alone.
std::optional<std::int64_t> Verdict(const std::string& json) { return MessageRedactionVerdict(json); }

std::string Joined(const std::vector<std::string>& texts) {
  std::string out;
  for (const std::string& t : texts) out += (out.empty() ? "" : ",") + t;
  return out;
}

std::string Unpacked(const std::vector<MessageBlock>& blocks, bool* clean) {
  std::string out;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    if (i != 0) out += ',';
    const Status s = UnpackBlock("t", blocks[i], out, clean);
    EXPECT_TRUE(s.ok()) << Describe(s);
  }
  return out;
}

TEST(BlockPackerTest, JoinsMessagesAndClosesABlockOnceItReachesItsSize) {
  // 100 messages of about 2 KB: about 32 to a block.
  std::vector<std::string> texts;
  for (int i = 0; i < 100; ++i) {
    texts.push_back(R"({"n":)" + std::to_string(i) + R"(,"content":")" + std::string(2000, 'a' + i % 26) +
                    "\"}");
  }
  BlockPacker packer(0);
  for (const std::string& t : texts) packer.Add(t, Verdict(t));
  const std::vector<MessageBlock> blocks = packer.Finish();
  ASSERT_GT(blocks.size(), 2u);
  std::int64_t next = 0;
  for (const MessageBlock& b : blocks) {
    EXPECT_EQ(b.first_position, next);
    next += b.count;
    EXPECT_LT(b.raw_bytes, static_cast<std::int64_t>(kBlockRawBytes + 2100));
    EXPECT_LT(b.data.size(), static_cast<std::size_t>(b.raw_bytes) / 4) << "repetitive text compresses";
  }
  EXPECT_EQ(next, 100);
  EXPECT_OK(CheckBlocksCover("t", blocks, 100));
  bool clean = true;
  EXPECT_EQ(Unpacked(blocks, &clean), Joined(texts));
  EXPECT_TRUE(clean);
}

TEST(BlockPackerTest, AMessageLargerThanABlockFillsOneAlone) {
  const std::string big = R"({"content":")" + std::string(3 * kBlockRawBytes, 'x') + "\"}";
  const std::string small = R"({"content":"small"})";
  BlockPacker packer(5);
  packer.Add(small, Verdict(small));
  packer.Add(big, Verdict(big));
  packer.Add(small, Verdict(small));
  const std::vector<MessageBlock> blocks = packer.Finish();
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].first_position, 5);
  EXPECT_EQ(blocks[0].count, 2);
  EXPECT_EQ(blocks[1].first_position, 7);
  EXPECT_EQ(blocks[1].count, 1);
}

TEST(BlockPackerTest, ABlockHasAVerdictOnlyIfEveryMessageOfItHasOne) {
  const std::string plain = R"({"content":"hello"})";
  const std::string credential = R"({"content":"AKIAIOSFODNN7EXAMPLE"})";
  ASSERT_TRUE(Verdict(plain).has_value());
  ASSERT_FALSE(Verdict(credential).has_value());
  BlockPacker packer(0);
  packer.Add(plain, Verdict(plain));
  packer.Add(credential, Verdict(credential));
  std::vector<MessageBlock> blocks = packer.Finish();
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_FALSE(blocks[0].verdict.has_value());
  bool clean = true;
  EXPECT_EQ(Unpacked(blocks, &clean), plain + "," + credential);
  EXPECT_FALSE(clean);

  BlockPacker only_plain(0);
  only_plain.Add(plain, Verdict(plain));
  blocks = only_plain.Finish();
  clean = true;
  Unpacked(blocks, &clean);
  EXPECT_TRUE(clean);
  // A verdict that does not hold for the bytes (stored for others) counts for nothing.
  blocks[0].verdict = *blocks[0].verdict + 1;
  clean = true;
  Unpacked(blocks, &clean);
  EXPECT_FALSE(clean);
}

TEST(BlockPackerTest, AResumedBlockKeepsItsMessagesAndItsFirstPosition) {
  const std::string a = R"({"content":"a"})";
  const std::string b = R"({"content":"b"})";
  BlockPacker first(0);
  first.Add(a, Verdict(a));
  const MessageBlock last = first.Finish().at(0);
  ASSERT_TRUE(BlockHasRoom(last));
  BlockPacker next(1);
  next.Resume(last, a);
  next.Add(b, Verdict(b));
  const std::vector<MessageBlock> blocks = next.Finish();
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].first_position, 0);
  EXPECT_EQ(blocks[0].count, 2);
  bool clean = true;
  EXPECT_EQ(Unpacked(blocks, &clean), a + "," + b);
  EXPECT_TRUE(clean);
}

TEST(UnpackBlockTest, ADamagedBlockIsRefusedAndAddsNothing) {
  const std::string text = R"({"content":"the quick brown fox jumps over the lazy dog"})";
  BlockPacker packer(0);
  packer.Add(text, Verdict(text));
  const MessageBlock good = packer.Finish().at(0);
  const auto refused = [&](const MessageBlock& b) {
    std::string out = "kept";
    bool clean = true;
    const Status s = UnpackBlock("task-1", b, out, &clean);
    EXPECT_EQ(out, "kept");
    return s.code() == Code::kInternal && s.message() == "Failed to load snapshot" &&
           s.detail().find("task-1") != std::string::npos;
  };
  MessageBlock truncated = good;
  truncated.data.pop_back();
  EXPECT_TRUE(refused(truncated));
  MessageBlock other_text = good;  // well-formed LZ4 of other bytes: only the checksum tells
  other_text.data = Lz4Compress(R"({"content":"the quick brown fox jumps over the lazy cat"})");
  EXPECT_TRUE(refused(other_text));
  MessageBlock wrong_size = good;
  wrong_size.raw_bytes += 1;
  EXPECT_TRUE(refused(wrong_size));
  MessageBlock huge = good;
  huge.raw_bytes = std::int64_t{1} << 40;
  EXPECT_TRUE(refused(huge));
}

TEST(UnpackBlockTest, BlocksMustCoverEveryPositionOnce) {
  std::vector<MessageBlock> blocks(2);
  blocks[0].first_position = 0;
  blocks[0].count = 2;
  blocks[1].first_position = 2;
  blocks[1].count = 3;
  EXPECT_OK(CheckBlocksCover("t", blocks, 5));
  EXPECT_EQ(CheckBlocksCover("t", blocks, 6).code(), Code::kInternal);
  EXPECT_EQ(CheckBlocksCover("t", blocks, 4).code(), Code::kInternal);
  blocks[1].first_position = 1;
  EXPECT_EQ(CheckBlocksCover("t", blocks, 5).code(), Code::kInternal);
  EXPECT_EQ(CheckBlocksCover("t", {}, 0).code(), Code::kOk);
}

// ---- The SQLite backend's blocks ----

class SqliteBlocksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SqliteOptions options;
    options.path = (dir_.path() / "b.db").string();
    auto opened = OpenSqliteStore(options);
    ASSERT_OK(opened);
    store_ = std::move(*opened);
    owner_ = NewUser("blocks@blocks.test");
    ASSERT_OK(store_->CreateUser(owner_, KeyHash("h")));
  }

  std::string NewTask(const std::vector<NewMessage>& first = {}) {
    Task task;
    task.id = NewUuidV4();
    task.owner_id = owner_.id;
    task.title = "blocks";
    task.created_at = task.updated_at = 1000;
    EXPECT_OK(store_->CreateTask(task, first));
    return task.id;
  }

  // The rows' messages joined, and the blocks' text joined, of task `id`.
  void ExpectBlocksMatchRows(const std::string& id) {
    auto rows = store_->GetSnapshot(id);
    ASSERT_OK(rows);
    auto packed = PackedOf(*store_, id);
    ASSERT_OK(packed);
    bool clean = true;
    EXPECT_EQ(Unpacked(packed->blocks, &clean), Joined(rows->messages));
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  secrets::ViewRedactors redactors_{nullptr};
  User owner_;
};

TEST_F(SqliteBlocksTest, EveryWriteKeepsTheBlocksEqualToTheRows) {
  const std::string id =
      NewTask({Keyed("k1", "first"), Keyed("k1", "repeated key, skipped"), Unkeyed("second")});
  ExpectBlocksMatchRows(id);
  // Appends one message at a time (each extends the last block), some repeating keys.
  for (int i = 0; i < 300; ++i) {
    ASSERT_OK(store_->AppendMessages(
        id, {Keyed("k" + std::to_string(i % 250), std::string(300, 'a' + i % 26))}, 2000));
  }
  ExpectBlocksMatchRows(id);
  // A batch larger than a block, and a message larger than one.
  std::vector<NewMessage> batch;
  for (int i = 0; i < 200; ++i) batch.push_back(Unkeyed(std::string(1000, 'b' + i % 20)));
  batch.push_back(Unkeyed(std::string(kBlockRawBytes + 10, 'z')));
  ASSERT_OK(store_->AppendMessages(id, batch, 3000));
  ExpectBlocksMatchRows(id);
  // A batch whose every key is stored already writes nothing.
  ASSERT_OK(store_->AppendMessages(id, {Keyed("k1", "again")}, 4000));
  ExpectBlocksMatchRows(id);

  auto packed = PackedOf(*store_, id);
  ASSERT_OK(packed);
  // 250 single appends of ~330 bytes fill about two blocks: they were extended, not one block each.
  EXPECT_LT(packed->blocks.size(), 12u);
  for (std::size_t i = 0; i + 1 < packed->blocks.size(); ++i) {
    EXPECT_GE(packed->blocks[i].raw_bytes, static_cast<std::int64_t>(kBlockRawBytes) / 2) << "block " << i;
  }
}

TEST_F(SqliteBlocksTest, ATaskWithoutMessagesHasNoBlocksAndDeletingATaskDeletesThem) {
  const std::string empty = NewTask();
  auto packed = PackedOf(*store_, empty);
  ASSERT_OK(packed);
  EXPECT_TRUE(packed->blocks.empty());
  const std::string id = NewTask({Unkeyed("x")});
  ASSERT_OK(store_->DeleteTask(id));
  EXPECT_EQ(StatusOf(PackedOf(*store_, id)).code(), Code::kNotFound);
  EXPECT_EQ(RawSqlite((dir_.path() / "b.db").string()).QueryText("SELECT COUNT(*) FROM message_blocks"), "0");
}

TEST_F(SqliteBlocksTest, BlocksThatDoNotCoverTheMessagesAreRefused) {
  const std::string id = NewTask({Unkeyed("x"), Unkeyed("y")});
  RawSqlite((dir_.path() / "b.db").string())
      .Exec(
          "UPDATE message_blocks SET message_count = 1 WHERE task_seq = (SELECT seq FROM tasks WHERE id = '" +
          id + "')");
  const Status s = StatusOf(PackedOf(*store_, id));
  EXPECT_EQ(s.code(), Code::kInternal);
  EXPECT_EQ(s.message(), "Failed to load snapshot");
}

// ---- Share views from blocks and from rows ----

class SharedBlocksTest : public SqliteBlocksTest {
 protected:
  // The body LoadReaderView gives an anonymous reader, and the one LoadSharedBlocks' gives (or "declined").
  std::pair<std::string, std::string> Bodies(const std::string& id) {
    auto rows = api::LoadReaderView(*store_, redactors_, id, nullptr, NowMicros());
    EXPECT_OK(rows);
    auto blocks = api::LoadSharedBlocks(*store_, redactors_, id, NowMicros());
    EXPECT_OK(blocks);
    if (!rows.ok() || !blocks.ok()) return {};
    if (!*blocks) return {SharedTaskBody(rows->snapshot), "declined"};
    return {SharedTaskBody(rows->snapshot),
            SharedTaskBodyHead((*blocks)->task) + (*blocks)->joined + std::string(kSharedTaskBodyTail)};
  }

  void Share(const std::string& id, ShareMode mode, bool redact) {
    ShareRequest request;
    request.mode = mode;
    request.redact = redact;
    ASSERT_OK(store_->ShareTask(id, request, 5000));
  }
};

TEST_F(SharedBlocksTest, BlocksGiveTheRowsViewByteForByte) {
  const std::string id = NewTask({Unkeyed("hello \\u00e9 \\\"quoted\\\""), Keyed("k", "second")});
  Share(id, ShareMode::kLive, true);
  auto [rows, blocks] = Bodies(id);
  EXPECT_EQ(blocks, rows);
  Share(id, ShareMode::kLive, false);
  std::tie(rows, blocks) = Bodies(id);
  EXPECT_EQ(blocks, rows);
}

TEST_F(SharedBlocksTest, APinAtABlocksEndIsServedFromBlocksAndOneInsideIsDeclined) {
  std::vector<NewMessage> batch;
  for (int i = 0; i < 80; ++i) batch.push_back(Unkeyed(std::string(2000, 'a' + i % 26)));
  const std::string id = NewTask(batch);
  Share(id, ShareMode::kPinned, true);  // pinned at 80 messages: the end of the last block
  ASSERT_OK(store_->AppendMessages(id, {Unkeyed("after the pin")}, 6000));
  auto [rows, blocks] = Bodies(id);
  // The message after the pin went into the last block, so the pin now falls inside it.
  EXPECT_EQ(blocks, "declined");
  EXPECT_EQ(rows.find("after the pin"), std::string::npos);

  const std::string whole = NewTask(batch);
  Share(whole, ShareMode::kPinned, true);
  std::tie(rows, blocks) = Bodies(whole);
  EXPECT_EQ(blocks, rows);
}

TEST_F(SharedBlocksTest, AMessageTheRulesWouldChangeIsLeftToTheRowsUnlessRedactionIsOff) {
  const std::string id = NewTask({Unkeyed("key AKIAIOSFODNN7EXAMPLE"), Unkeyed("plain")});
  Share(id, ShareMode::kLive, true);
  auto [rows, blocks] = Bodies(id);
  EXPECT_EQ(blocks, "declined");
  EXPECT_NE(rows.find("[REDACTED:aws_access_key_id]"), std::string::npos) << rows;
  Share(id, ShareMode::kLive, false);
  std::tie(rows, blocks) = Bodies(id);
  EXPECT_EQ(blocks, rows);
  EXPECT_NE(blocks.find("AKIAIOSFODNN7EXAMPLE"), std::string::npos);
}

TEST_F(SharedBlocksTest, ATitleIsRedactedInTheBlocksViewToo) {
  Task task;
  task.id = NewUuidV4();
  task.owner_id = owner_.id;
  task.title = "deploy AKIAIOSFODNN7EXAMPLE";
  ASSERT_OK(store_->CreateTask(task, {Unkeyed("plain")}));
  Share(task.id, ShareMode::kLive, true);
  auto [rows, blocks] = Bodies(task.id);
  EXPECT_EQ(blocks, rows);
  EXPECT_EQ(blocks.find("AKIAIOSFODNN7EXAMPLE"), std::string::npos) << blocks;
}

TEST_F(SharedBlocksTest, ErrorsAreThoseOfTheRowsView) {
  const std::string id = NewTask({Unkeyed("x")});
  auto blocks = api::LoadSharedBlocks(*store_, redactors_, id, NowMicros());
  EXPECT_EQ(StatusOf(blocks).code(), Code::kForbidden);
  EXPECT_EQ(StatusOf(blocks).message(), "Task is not shared");
  blocks = api::LoadSharedBlocks(*store_, redactors_, NewUuidV4(), NowMicros());
  EXPECT_EQ(StatusOf(blocks).code(), Code::kNotFound);
  EXPECT_EQ(StatusOf(blocks).message(), "Task not found");
  Share(id, ShareMode::kLive, true);
  RawSqlite((dir_.path() / "b.db").string())
      .Exec(
          "UPDATE message_blocks SET checksum = checksum + 1 WHERE task_seq = (SELECT seq FROM tasks WHERE "
          "id = '" +
          id + "')");
  blocks = api::LoadSharedBlocks(*store_, redactors_, id, NowMicros());
  EXPECT_EQ(StatusOf(blocks).code(), Code::kInternal);
  EXPECT_EQ(StatusOf(blocks).message(), "Failed to load snapshot");
}

}  // namespace
}  // namespace taskshare::testing
