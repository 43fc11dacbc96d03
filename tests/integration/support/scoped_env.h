// ScopedEnv: sets (or, given nullopt, unsets) an environment variable for one scope, and restores what
// it was at the end. Child processes started within the scope inherit the setting. Not thread-safe:
// for tests that change the environment from their one thread.
#pragma once

#include <cstdlib>
#include <optional>
#include <string>

namespace taskshare::testing {

class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace taskshare::testing
