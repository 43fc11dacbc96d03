#include "html_audit_oracle.h"

#include "unit/html_audit.h"

namespace taskshare::fuzz {

std::vector<std::string> AuditHtml(std::string_view html) { return web::testing::AuditHtml(html); }

bool IsValidUtf8(std::string_view text) { return web::testing::IsValidUtf8(text); }

}  // namespace taskshare::fuzz
