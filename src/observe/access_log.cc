#include "observe/access_log.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>

namespace taskshare::observe {
namespace {

constexpr std::size_t kFlushBytes = 64 << 10;
constexpr std::chrono::seconds kFlushEvery{1};

// Appends `s` inside a JSON string: quotes, backslashes, control characters and every byte outside
// printable ASCII are escaped, so that whatever a client sent, the line stays valid JSON (bytes above
// 0x7e come out as \u00XX, i.e. read as Latin-1).
void AppendEscaped(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c > 0x7e) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += ch;
    }
  }
}

void AppendField(std::string_view name, std::string_view value, std::string& out) {
  out += ",\"";
  out += name;
  out += "\":\"";
  AppendEscaped(value, out);
  out += '"';
}

void WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere to report a failing log; drop the rest
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

void AppendAccessLine(const AccessRecord& r, std::chrono::system_clock::time_point now, std::string& out) {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(micros / 1'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char time[64];
  std::snprintf(time, sizeof time, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(micros % 1'000'000));
  out += "{\"time\":\"";
  out += time;
  out += '"';
  AppendField("request_id", r.request_id, out);
  AppendField("remote", r.remote, out);
  AppendField("method", r.method, out);
  AppendField("path", r.target.substr(0, r.target.find('?')), out);
  char numbers[96];
  std::snprintf(numbers, sizeof numbers, ",\"status\":%d,\"bytes\":%zu,\"duration_ms\":%.3f", r.status,
                r.bytes, static_cast<double>(r.duration.count()) / 1e6);
  out += numbers;
  out += r.from_memory ? ",\"served\":\"memory\"}\n" : ",\"served\":\"handler\"}\n";
}

AccessLog::AccessLog(int fd, int threads) : fd_(fd) {
  for (int i = 0; i < std::max(threads, 1); ++i) buffers_.push_back(std::make_unique<Buffer>());
  flusher_ = std::thread([this] {
    std::unique_lock lock(stop_mu_);
    while (!stop_cv_.wait_for(lock, kFlushEvery, [this] { return stop_; })) Flush();
  });
}

AccessLog::~AccessLog() {
  {
    std::lock_guard lock(stop_mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  flusher_.join();
  Flush();
}

void AccessLog::Record(int thread, const AccessRecord& record) {
  Buffer& b = *buffers_[static_cast<std::size_t>(thread)];
  bool full = false;
  {
    std::lock_guard lock(b.mu);
    AppendAccessLine(record, std::chrono::system_clock::now(), b.lines);
    full = b.lines.size() >= kFlushBytes;
  }
  if (full) FlushBuffer(b);
}

void AccessLog::Flush() {
  for (auto& b : buffers_) FlushBuffer(*b);
}

void AccessLog::FlushBuffer(Buffer& b) {
  std::string lines;
  {
    std::lock_guard lock(b.mu);
    lines.swap(b.lines);
    b.lines.reserve(lines.capacity());
  }
  if (lines.empty()) return;
  std::lock_guard lock(write_mu_);
  WriteAll(fd_, lines);
}

}  // namespace taskshare::observe
