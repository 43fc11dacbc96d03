// The access log: one JSON object per line for every answered request, e.g.
//   {"time":"2026-11-30T01:50:00.123456Z","request_id":"5f0c…","remote":"203.0.113.7","method":"GET",
//    "path":"/api/v1/tasks/…/share","status":200,"bytes":16384,"duration_ms":0.042,"served":"memory"}
// `request_id` is the error_id of a 5xx answer. The path is logged without its query string, and
// every byte a client chose is escaped so that a line is always one valid JSON object.
//
// Lines are buffered per network thread and written with one write(2) per flush: when a thread's
// buffer passes 64 KiB, at least once a second by a background thread, and on destruction. Lines of
// the last second can be lost if the process is killed. Thread-safe: Record() from network thread
// `thread` only, the rest from anywhere.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace taskshare::observe {

struct AccessRecord {
  std::string_view request_id;
  std::string_view remote;  // client address
  std::string_view method;  // "GET", "HEAD", ...
  std::string_view target;  // as received; the query string is dropped
  int status = 0;
  std::size_t bytes = 0;  // body bytes sent
  std::chrono::nanoseconds duration{0};
  bool from_memory = false;  // answered from the response cache on the network thread
};

// Appends `record` as one JSON line (with its trailing newline) to `out`, stamped with `now`.
void AppendAccessLine(const AccessRecord& record, std::chrono::system_clock::time_point now,
                      std::string& out);

class AccessLog {
 public:
  // Writes to file descriptor `fd` (not owned) for `threads` network threads.
  AccessLog(int fd, int threads);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  void Record(int thread, const AccessRecord& record);
  void Flush();

 private:
  struct Buffer {
    std::mutex mu;
    std::string lines;
  };
  void FlushBuffer(Buffer& buffer);

  int fd_;
  std::vector<std::unique_ptr<Buffer>> buffers_;
  std::mutex write_mu_;  // one flush writes at a time, so lines of different buffers never interleave
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
  std::thread flusher_;
};

}  // namespace taskshare::observe
