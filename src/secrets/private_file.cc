#include "secrets/private_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace taskshare::secrets {
namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// "0644": the permission bits as chmod takes them.
std::string OctalMode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

}  // namespace

Result<std::string> ReadPrivateFile(const std::string& path, std::string_view what, std::size_t max_bytes) {
  const Status unreadable = Status::InvalidArgument("cannot read the " + std::string(what) + " " + path);
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) return unreadable;
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return unreadable;
  if ((st.st_mode & 077) != 0) {
    return Status::InvalidArgument(
        "the " + std::string(what) + " " + path + " has mode " + OctalMode(st.st_mode) +
        ", open to other users: it must be private to its owner (chmod 600 " + path + ")");
  }
  // One byte more than allowed tells a file that holds too much.
  std::string contents(max_bytes + 1, '\0');
  std::size_t used = 0;
  while (used < contents.size()) {
    const ssize_t n = ::read(fd.get(), contents.data() + used, contents.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      sodium_memzero(contents.data(), contents.size());
      return unreadable;
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  if (used > max_bytes) {
    sodium_memzero(contents.data(), contents.size());
    return Status::InvalidArgument("the " + std::string(what) + " " + path + " holds more than " +
                                   std::to_string(max_bytes) + " bytes");
  }
  contents.resize(used);
  return contents;
}

}  // namespace taskshare::secrets
