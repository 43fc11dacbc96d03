#include "auth/fetch_url.h"

#include <boost/url/host_type.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/scheme.hpp>
#include <boost/url/url_view.hpp>

#include "common/strings.h"
#include "common/url_host.h"

namespace taskshare::auth {

namespace urls = boost::urls;

Result<FetchUrl> ParseFetchUrl(std::string_view url) {
  auto refuse = [](const std::string& why) { return Status::InvalidArgument("URL " + why); };
  const auto parsed = urls::parse_uri(url);
  if (!parsed) return refuse("is not an absolute URL");
  const urls::url_view& u = *parsed;
  FetchUrl out;
  if (u.scheme_id() == urls::scheme::https) {
    out.https = true;
  } else if (u.scheme_id() != urls::scheme::http) {
    return refuse("is neither http nor https");
  }
  if (u.has_userinfo()) return refuse("must not carry a user name or password");
  // Refused rather than connect to another host than named.
  if (HostMisread(u)) {
    return refuse("has a host that begins like an IPv4 address, which is not supported");
  }
  switch (u.host_type()) {
    case urls::host_type::name:
      out.host = AsciiLower(u.host_address());
      out.loopback = out.host == "localhost";
      break;
    case urls::host_type::ipv4:
      out.host = u.host_ipv4_address().to_string();
      out.host_is_ip = true;
      out.loopback = u.host_ipv4_address().is_loopback();
      break;
    case urls::host_type::ipv6:
      out.host = u.host_ipv6_address().to_string();
      out.host_is_ip = true;
      out.loopback = u.host_ipv6_address().is_loopback();
      break;
    default:
      return refuse("has no usable host");
  }
  if (out.host.empty()) return refuse("has no host");
  out.port = out.https ? 443 : 80;
  if (u.has_port() && !u.port().empty()) {
    // port_number() is 0 for a port that does not fit in 16 bits.
    if (u.port_number() == 0) return refuse("has an invalid port");
    out.port = u.port_number();
  }
  out.authority = u.encoded_host_and_port();
  out.target = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
  if (u.has_query()) out.target += "?" + std::string(u.encoded_query());
  return out;
}

bool IsAllowedUrl(std::string_view url) {
  const Result<FetchUrl> parsed = ParseFetchUrl(url);
  return parsed.ok() && (parsed->https || parsed->loopback);
}

bool IsLoopbackHttpUrl(std::string_view url) {
  const Result<FetchUrl> parsed = ParseFetchUrl(url);
  return parsed.ok() && !parsed->https && parsed->loopback;
}

}  // namespace taskshare::auth
