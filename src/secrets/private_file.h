// Reading a file that holds a secret (the secrets key of `serve --secrets-key-file`), with the rule
// ssh applies to private keys: a file that its group or others may read, write or execute is refused,
// since anyone else on the machine who can read it holds the secret too.
//
// Pure functions over the file system; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace taskshare::secrets {

// The contents of the file at `path`. `what` names the file in messages ("secrets key file").
// kInvalidArgument:
//   - "cannot read the <what> PATH" if it cannot be opened or read;
//   - "the <what> PATH holds more than <max_bytes> bytes" if it does (the rest is not read);
//   - "the <what> PATH has mode 0644, open to other users: it must be private to its owner
//     (chmod 600 PATH)" if any permission bit for group or others is set (mode & 077); the
//     mode is that of the file opened, after symbolic links, so no one can swap the file between the
//     check and the read.
// Never quotes the contents, and wipes what it read before failing.
Result<std::string> ReadPrivateFile(const std::string& path, std::string_view what, std::size_t max_bytes);

}  // namespace taskshare::secrets
