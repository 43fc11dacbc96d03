#include "api/openapi.h"

#include "api/errors.h"

namespace taskshare::api {

Response OpenApiDocument() { return JsonResponse(std::string(kOpenApiDocument)); }

}  // namespace taskshare::api
