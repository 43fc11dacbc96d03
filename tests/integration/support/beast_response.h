// The conversion of a Beast response into the tests' Response, shared by the client's .cc files.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http_client.h"

namespace taskshare::testing {

// Status, body, headers (in order and by lower-case name) and keep-alive of `res`.
Response ToResponse(boost::beast::http::response<boost::beast::http::string_body>&& res);

}  // namespace taskshare::testing
