#include "common/log.h"

#include <unistd.h>

#include <string>

#include "common/time.h"

namespace taskshare {

void Log(std::string_view level, std::string_view message) {
  std::string line = FormatRfc3339(NowMicros());
  line += ' ';
  line += level;
  line += ' ';
  line += message;
  line += '\n';
  // A short write to stderr is not worth failing a request over.
  [[maybe_unused]] auto n = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace taskshare
