// Message blocks: a task's messages kept a second time, as the bytes of its share response, in runs
// compressed with LZ4.
//
// A block holds consecutive messages of one task: their JSON texts joined by ',' (exactly what stands
// between '[' and ']' of a response's "messages", domain/task_views.h), compressed as one LZ4 block
// (common/lz4.h). Writes pack the messages they store into blocks in the same transaction, so a share
// miss reads a task in a few rows instead of one row a message, and the ResponseCache can keep the
// response in about a quarter of its size without compressing anything itself; a share view that cannot
// serve them as stored is made from the messages unpacked from the same blocks (UnpackMessages), so
// a miss reads the database once. The message rows stay the record: every other read uses them.
//
// Beside its bytes a block carries what its messages' rows carry (storage/task_codec.h): a checksum of
// the joined text, and a redaction verdict that holds only if the built-in rules leave every one of its
// messages unchanged.
//
// Pure functions and plain values; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"
#include "domain/task.h"

namespace taskshare {

// A block closes once its joined text reaches this many bytes; a message larger than that fills a
// block alone.
inline constexpr std::size_t kBlockRawBytes = 64 << 10;

struct MessageBlock {
  std::int64_t first_position = 0;      // of its first message
  std::int64_t count = 0;               // messages
  std::int64_t raw_bytes = 0;           // of the joined text
  std::string data;                     // the joined text, LZ4-compressed
  std::int64_t checksum = 0;            // MessageChecksum of the joined text
  std::optional<std::int64_t> verdict;  // CleanVerdict of the joined text, or none
};

// A task and all of its messages as blocks, in order: what a share response is made of.
struct PackedSnapshot {
  Task task;
  std::vector<MessageBlock> blocks;
};

// What Store::GetShareSnapshot reads: the blocks where the backend keeps them, else the rows.
using ShareSnapshot = std::variant<PackedSnapshot, TaskSnapshot>;

// Packs messages into blocks, in order. A writer starts it at the task's message count, optionally
// resumes the task's last block (to extend a block left short by an earlier write), adds each message
// it stored, and writes Finish()'s blocks.
class BlockPacker {
 public:
  explicit BlockPacker(std::int64_t next_position) : next_position_(next_position) {}

  // Continues `last` (the task's last block, ending just before next_position), whose joined text is
  // `raw`: the first block Finish() returns replaces it. `raw` must be its intact text.
  void Resume(const MessageBlock& last, std::string raw);

  // Adds the message stored at the next position, with its redaction verdict (as stored beside it).
  void Add(std::string_view json, const std::optional<std::int64_t>& verdict);

  // The blocks, complete; the first one starts at a resumed block's first_position, if one was.
  std::vector<MessageBlock> Finish();

 private:
  void Seal();

  std::int64_t next_position_;
  std::vector<MessageBlock> done_;
  std::int64_t first_ = 0;
  std::int64_t count_ = 0;
  std::string raw_;
  bool clean_ = true;
};

// True if `block` is worth resuming: its text is short of kBlockRawBytes.
bool BlockHasRoom(const MessageBlock& block);

// Appends the joined text of `block` to `out`, checking it against the block's checksum and size:
// kInternal "Failed to load snapshot" naming task `task_id` if the block is damaged. Sets `*clean` to
// false unless its verdict holds for that text.
Status UnpackBlock(std::string_view task_id, const MessageBlock& block, std::string& out, bool* clean);

// Appends the messages of `blocks` to `snapshot` one text each, byte for byte as their rows hold them,
// each marked in snapshot.needs_no_redaction as needing none when its block's verdict holds (a block
// verdict holds for every message of it), so that a reader of blocks has the rows without reading
// them. `snapshot`'s messages and verdicts must be as long as each other. kInternal "Failed to load
// snapshot" naming task `task_id` if a block is damaged or does not split into its count of messages;
// `snapshot` may then hold some of them.
Status UnpackMessages(std::string_view task_id, const std::vector<MessageBlock>& blocks,
                      TaskSnapshot& snapshot);

// Checks that `blocks` cover positions 0 to message_count - 1 in order, each once: kInternal "Failed to
// load snapshot" naming task `task_id` otherwise.
Status CheckBlocksCover(std::string_view task_id, const std::vector<MessageBlock>& blocks,
                        std::int64_t message_count);

}  // namespace taskshare
