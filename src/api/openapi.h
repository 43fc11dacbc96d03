// GET /api/openapi.json: the server's OpenAPI 3.1 document, src/api/openapi.json compiled in.
#pragma once

#include <string_view>

#include "api/http_types.h"

namespace taskshare {
// The bytes of src/api/openapi.json (generated at build time by cmake/embed.cmake).
extern const std::string_view kOpenApiDocument;
}  // namespace taskshare

namespace taskshare::api {

Response OpenApiDocument();

}  // namespace taskshare::api
