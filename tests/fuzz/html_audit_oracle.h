// The HTML audit of tests/unit/html_audit.h for the fuzz targets, compiled in a library of its own
// (html_audit_oracle.cc) without coverage instrumentation and optimized: so that libFuzzer does not
// steer toward inputs that merely take new paths through the audit, and because the audit is most of
// the time an input of the share_page target takes. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace taskshare::fuzz {

// Problems found in `html` (see web::testing::AuditHtml); empty if it is safe to serve.
std::vector<std::string> AuditHtml(std::string_view html);

bool IsValidUtf8(std::string_view text);

}  // namespace taskshare::fuzz
