// The server's own numbers, read from its /metrics (which the server must serve without credentials:
// --metrics-public).
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "http_client.h"

namespace taskshare::testing {

// The value of the unlabelled sample `name` in the node's /metrics, or -1 when it has none.
inline double MetricValue(int port, std::string_view name) {
  const Response r = HttpClient(port).Get("/metrics");
  if (r.status != 200) {
    throw std::runtime_error("GET /metrics answered " + std::to_string(r.status) + ": " + r.body);
  }
  std::istringstream lines(r.body);
  for (std::string line; std::getline(lines, line);) {
    if (line.size() > name.size() && line.compare(0, name.size(), name) == 0 && line[name.size()] == ' ') {
      return std::stod(line.substr(name.size() + 1));
    }
  }
  return -1;
}

}  // namespace taskshare::testing
