// The one check that every parse of an absolute URL with Boost.URL makes of the host it read.
#pragma once

#include <boost/url/url_view_base.hpp>

namespace taskshare {

// True if Boost.URL has misread `url`'s host: version 1.81 reads the host of http://127.0.0.1.example.com/
// as the address 127.0.0.1 and the rest as a path (boostorg/url#755). After an authority a path is empty
// or begins with '/', so a path that does not is that misreading, and the URL names another host than
// the parse says. Callers refuse such a URL.
inline bool HostMisread(const boost::urls::url_view_base& url) {
  return url.has_authority() && !url.encoded_path().empty() && url.encoded_path().front() != '/';
}

}  // namespace taskshare
