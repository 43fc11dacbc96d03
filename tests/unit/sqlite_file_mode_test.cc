// The SQLite database file and its -wal and -shm files are private to the server's user (mode 0600)
// whatever the umask; an existing file keeps its mode, with a warning when others may read it.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>

#include "store_test_support.h"

namespace taskshare::testing {
namespace {

// Sets the process's umask for the length of a test.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : previous_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(previous_); }
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;

 private:
  mode_t previous_;
};

// The permission bits of `path`, or -1 if it does not exist.
int ModeOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 07777);
}

// Opens a store on `path` and writes to it, so that the -wal and -shm files exist while it is open;
// checks their modes then.
void ExpectPrivateFiles(const std::string& path) {
  auto store = OpenStore(UrlOptions("sqlite:" + path));
  ASSERT_OK(store);
  ASSERT_OK((*store)->CreateUser(NewUser("mode@example.com"), KeyHash("hash-of-mode")));
  for (const std::string& file : {path, path + "-wal", path + "-shm"}) {
    EXPECT_EQ(ModeOf(file), 0600) << file;
  }
}

TEST(SqliteFileModeTest, NewFilesArePrivateUnderTheUsualUmask) {
  const ScopedUmask umask(022);
  TempDir dir;
  ExpectPrivateFiles((dir.path() / "t.db").string());
}

TEST(SqliteFileModeTest, NewFilesArePrivateUnderAnyUmask) {
  for (const mode_t mask : {mode_t{0}, mode_t{002}, mode_t{0277}}) {
    SCOPED_TRACE(mask);
    const ScopedUmask umask(mask);
    TempDir dir;
    ExpectPrivateFiles((dir.path() / "t.db").string());
  }
}

TEST(SqliteFileModeTest, AnExistingFileKeepsItsModeWithAWarningIfOthersMayReadIt) {
  const ScopedUmask umask(022);
  TempDir dir;
  const std::string path = (dir.path() / "t.db").string();
  { ASSERT_OK(OpenStore(UrlOptions("sqlite:" + path))); }
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  ::testing::internal::CaptureStderr();
  { ASSERT_OK(OpenStore(UrlOptions("sqlite:" + path))); }
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(ModeOf(path), 0644);
  EXPECT_NE(err.find("warning the database file " + path + " has mode 0644, readable by other users"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("chmod 600 " + path), std::string::npos) << err;

  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  ::testing::internal::CaptureStderr();
  { ASSERT_OK(OpenStore(UrlOptions("sqlite:" + path))); }
  err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(err.find("warning"), std::string::npos) << err;
}

}  // namespace
}  // namespace taskshare::testing
