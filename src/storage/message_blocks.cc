#include "storage/message_blocks.h"

#include <utility>

#include "common/lz4.h"
#include "storage/task_codec.h"

namespace taskshare {

void BlockPacker::Resume(const MessageBlock& last, std::string raw) {
  first_ = last.first_position;
  count_ = last.count;
  clean_ = last.verdict.has_value() && *last.verdict == CleanVerdict(raw);
  raw_ = std::move(raw);
}

void BlockPacker::Add(std::string_view json, const std::optional<std::int64_t>& verdict) {
  if (count_ > 0 && raw_.size() >= kBlockRawBytes) Seal();
  if (count_ == 0) first_ = next_position_;
  if (count_ > 0) raw_ += ',';
  raw_ += json;
  clean_ = clean_ && verdict.has_value();
  ++count_;
  ++next_position_;
}

void BlockPacker::Seal() {
  MessageBlock block;
  block.first_position = first_;
  block.count = count_;
  block.raw_bytes = static_cast<std::int64_t>(raw_.size());
  block.data = Lz4Compress(raw_);
  block.checksum = MessageChecksum(raw_);
  if (clean_) block.verdict = CleanVerdict(raw_);
  done_.push_back(std::move(block));
  count_ = 0;
  raw_.clear();
  clean_ = true;
}

std::vector<MessageBlock> BlockPacker::Finish() {
  if (count_ > 0) Seal();
  return std::move(done_);
}

bool BlockHasRoom(const MessageBlock& block) {
  return block.raw_bytes >= 0 && static_cast<std::size_t>(block.raw_bytes) < kBlockRawBytes;
}

Status UnpackBlock(std::string_view task_id, const MessageBlock& block, std::string& out, bool* clean) {
  const std::size_t start = out.size();
  const std::string where = "of position " + std::to_string(block.first_position);
  // A message is at most a request body, so a block of more than 1 GiB is a damaged size.
  if (block.raw_bytes < 0 || block.raw_bytes > (std::int64_t{1} << 30)) {
    return CorruptTask(task_id, "message_blocks.raw_bytes", where + " is out of range");
  }
  out.resize(start + static_cast<std::size_t>(block.raw_bytes));
  const std::string_view raw(out.data() + start, out.size() - start);
  if (!Lz4DecompressInto(block.data, out.data() + start, raw.size()) ||
      MessageChecksum(raw) != block.checksum) {
    out.resize(start);
    return CorruptTask(task_id, "message_blocks.data", where + " is damaged");
  }
  if (!block.verdict || *block.verdict != CleanVerdict(raw)) *clean = false;
  return Status::Ok();
}

namespace {

// Appends to `out` the JSON texts that `joined` holds joined by ',': split at each comma outside every
// string, object and array. False if `joined` ends inside one of them.
bool SplitJoined(std::string_view joined, std::vector<std::string>& out) {
  std::size_t start = 0;
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (std::size_t i = 0; i < joined.size(); ++i) {
    const char c = joined[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth < 0) return false;
    } else if (c == ',' && depth == 0) {
      out.emplace_back(joined.substr(start, i - start));
      start = i + 1;
    }
  }
  if (in_string || depth != 0) return false;
  out.emplace_back(joined.substr(start));
  return true;
}

}  // namespace

Status UnpackMessages(std::string_view task_id, const std::vector<MessageBlock>& blocks,
                      TaskSnapshot& snapshot) {
  std::string raw;
  for (const MessageBlock& block : blocks) {
    raw.clear();
    bool clean = true;
    if (Status s = UnpackBlock(task_id, block, raw, &clean); !s.ok()) return s;
    const std::size_t before = snapshot.messages.size();
    if (!SplitJoined(raw, snapshot.messages) ||
        snapshot.messages.size() - before != static_cast<std::size_t>(block.count)) {
      return CorruptTask(
          task_id, "message_blocks.data",
          "of position " + std::to_string(block.first_position) + " does not split into its messages");
    }
    snapshot.needs_no_redaction.resize(snapshot.messages.size(), clean);
  }
  return Status::Ok();
}

Status CheckBlocksCover(std::string_view task_id, const std::vector<MessageBlock>& blocks,
                        std::int64_t message_count) {
  std::int64_t next = 0;
  for (const MessageBlock& block : blocks) {
    if (block.first_position != next || block.count < 1) {
      return CorruptTask(task_id, "message_blocks.first_position",
                         "skips or repeats position " + std::to_string(next));
    }
    next += block.count;
  }
  if (next != message_count) {
    return CorruptTask(task_id, "message_count",
                       "says " + std::to_string(message_count) + " but blocks hold " + std::to_string(next));
  }
  return Status::Ok();
}

}  // namespace taskshare
