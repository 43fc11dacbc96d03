// Status and Result: expected failures as values.
//
// A Status is either ok or one of a small closed set of error codes, with a message meant for the
// client (safe to show to anyone who made the request) and, optionally, a detail meant only for the
// log. A refusal by one of the server's quotas also names that limit (domain/quotas.h), so that it can
// be counted and reported without reading the message. Result<T> holds either a T or a non-ok Status.
// Exceptions are reserved for bugs and start-up. Both types are plain values: copyable, movable, no
// shared state.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace taskshare {

enum class Code {
  kOk,
  kInvalidArgument,  // the request is malformed or names something impossible (400)
  kUnauthenticated,  // no usable credentials (401)
  kForbidden,        // the caller may not do this (403)
  kNotFound,         // no such thing (404)
  kAlreadyExists,    // a unique key is taken (409)
  kLimitReached,     // the request would take the caller past one of the server's quotas (409)
  kTooLarge,         // a body or header is over its limit (413/431)
  kRateLimited,      // the caller sent too many requests; retrying later works (429)
  kUnavailable,      // a dependency is down; retrying later may work (503)
  kInternal,         // a bug or corrupt data (500)
};

// Why a request was refused, where a caller must tell refusals of one code apart (the share page's
// title says whether a link has expired). A value to compare, never the message. kNone for most.
enum class Reason {
  kNone,
  kNotShared,     // kForbidden: the task is not public or unlisted (never shared, or revoked)
  kShareExpired,  // kForbidden: the share link's expires_at has passed
  kNotReadable,   // kForbidden: a signed-in reader whom the visibility table keeps out of the task
  // kUnauthenticated: an OpenID Connect ID token names a signing key (kid) that the provider's key set
  // does not hold; the caller may refetch the key set (at a bounded rate) and verify once more.
  kUnknownSigningKey,
};

class Status {
 public:
  Status() = default;  // ok

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string msg) { return {Code::kInvalidArgument, std::move(msg)}; }
  static Status Unauthenticated(std::string msg, Reason reason = Reason::kNone) {
    Status s(Code::kUnauthenticated, std::move(msg));
    s.reason_ = reason;
    return s;
  }
  static Status Forbidden(std::string msg, Reason reason = Reason::kNone) {
    Status s(Code::kForbidden, std::move(msg));
    s.reason_ = reason;
    return s;
  }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {Code::kAlreadyExists, std::move(msg)}; }
  // `limit`, when set, names the quota that refused (domain/quotas.h, LimitName): a string literal.
  static Status TooLarge(std::string msg, std::string_view limit = {}) {
    return {Code::kTooLarge, std::move(msg), {}, limit};
  }
  static Status LimitReached(std::string msg, std::string_view limit) {
    return {Code::kLimitReached, std::move(msg), {}, limit};
  }
  static Status RateLimited(std::string msg) { return {Code::kRateLimited, std::move(msg)}; }
  static Status Unavailable(std::string msg, std::string detail = {}) {
    return {Code::kUnavailable, std::move(msg), std::move(detail)};
  }
  // `msg` is what the client sees; `detail` goes to the log only.
  static Status Internal(std::string msg, std::string detail = {}) {
    return {Code::kInternal, std::move(msg), std::move(detail)};
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& detail() const { return detail_; }
  // The quota that refused the request (domain/quotas.h, LimitName), or empty.
  std::string_view limit() const { return limit_; }
  // Why, when the code alone does not say (see Reason); kNone otherwise.
  Reason reason() const { return reason_; }

 private:
  Status(Code code, std::string message, std::string detail = {}, std::string_view limit = {})
      : code_(code), message_(std::move(message)), detail_(std::move(detail)), limit_(limit) {}

  Code code_ = Code::kOk;
  std::string message_;
  std::string detail_;
  std::string_view limit_;  // a string literal, or empty
  Reason reason_ = Reason::kNone;
};

template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // The error; only valid when !ok().
  const Status& status() const { return std::get<Status>(v_); }
  // Ok when it holds a value, else the error: what a caller that only needs to know how the call went
  // (storage/change_reports.h) takes.
  Status outcome() const { return ok() ? Status::Ok() : status(); }
  T& value() { return std::get<T>(v_); }
  const T& value() const { return std::get<T>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace taskshare
