// The values of a task's secrets, for redaction from what anonymous viewers of the task are shown.
//
// A task's secret_names name secrets of its owner. This is the one place that decides what happens when
// their values cannot be had, and it fails closed: a share view is never served with a stored secret
// left unredacted. Thread-safe; blocks on the store.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "domain/task.h"
#include "secrets/secret_box.h"
#include "storage/store.h"

namespace taskshare::secrets {

// The values of the owner's secrets that `task` names (in no particular order). Names the owner has no
// secret of are skipped: no value is known for them, so nothing can be redacted (the built-in credential
// rules still apply). ok and empty when the task names no secret, without reading the store.
//
// kUnavailable "The task's secrets cannot be read on this server; its share link is withheld" when at
// least one named secret is stored but cannot be opened: the server has no key (`box` null), or a key
// other than the one it was sealed with, or the stored row was altered; the detail says which secret of
// which owner and why (never a value), for the log. Store errors are returned as they are.
Result<std::vector<std::string>> SecretValuesOf(Store& store, const SecretBox* box, const Task& task);

}  // namespace taskshare::secrets
