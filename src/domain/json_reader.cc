#include "domain/json_reader.h"

#include <boost/json/error.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <string>

#include "common/ids.h"

namespace taskshare {

Result<boost::json::value> ParseJsonObject(std::string_view body) {
  boost::json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec, {}, options);
  if (ec == boost::json::error::too_deep) {
    return Status::InvalidArgument("the JSON body is nested deeper than " + std::to_string(kMaxJsonDepth) +
                                   " levels");
  }
  if (ec) return Status::InvalidArgument("malformed JSON body: " + ec.message());
  if (!v.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  return v;
}

Status CheckEmptyBody(std::string_view body, std::string_view operation) {
  if (body.empty()) return Status::Ok();
  const auto parsed = ParseJsonObject(body);
  if (parsed.ok() && parsed->get_object().empty()) return Status::Ok();
  return Status::InvalidArgument("the body must be empty or {}: " + std::string(operation) +
                                 " takes no fields");
}

JsonReader::JsonReader(const boost::json::object& object, std::string where, Origin origin)
    : object_(object), where_(std::move(where)), origin_(origin) {}

std::string JsonReader::Name(std::string_view key) const {
  return where_.empty() ? std::string(key) : where_ + "." + std::string(key);
}

void JsonReader::Fail(std::string_view key, std::string_view what) {
  if (status_.ok()) status_ = Status::InvalidArgument(Name(key) + " " + std::string(what));
}

bool JsonReader::Storable(std::string_view key, std::string_view text) {
  if (origin_ == Origin::kStored || text.find('\0') == std::string_view::npos) return true;
  Fail(key, "must not contain U+0000 (NUL)");
  return false;
}

const boost::json::value* JsonReader::Find(std::string_view key, Need need) {
  read_.emplace(key);
  if (!status_.ok()) return nullptr;
  const boost::json::value* v = object_.if_contains(key);
  if (v != nullptr && v->is_null() && need == Need::kNullable) v = nullptr;
  if (v == nullptr && need == Need::kRequired) Fail(key, "is required");
  return v;
}

const boost::json::value* JsonReader::Value(std::string_view key, Need need) { return Find(key, need); }

std::optional<std::string> JsonReader::String(std::string_view key, Need need) {
  const auto* v = Find(key, need);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    Fail(key, "must be a string");
    return std::nullopt;
  }
  if (!Storable(key, v->get_string())) return std::nullopt;
  return std::string(v->get_string());
}

std::optional<std::string> JsonReader::Text(std::string_view key, size_t max_chars, Need need) {
  auto s = String(key, need);
  if (!s) return s;
  if (s->empty()) {
    Fail(key, "must not be empty");
    return std::nullopt;
  }
  if (s->size() > max_chars) {
    Fail(key, "must be at most " + std::to_string(max_chars) + " bytes");
    return std::nullopt;
  }
  return s;
}

std::optional<bool> JsonReader::Bool(std::string_view key, Need need) {
  const auto* v = Find(key, need);
  if (v == nullptr) return std::nullopt;
  if (!v->is_bool()) {
    Fail(key, "must be a boolean");
    return std::nullopt;
  }
  return v->get_bool();
}

std::optional<std::int64_t> JsonReader::Int(std::string_view key, Need need) {
  const auto* v = Find(key, need);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  Fail(key, "must be an integer");
  return std::nullopt;
}

std::optional<std::string> JsonReader::Uuid(std::string_view key, Need need) {
  auto s = String(key, need);
  if (!s) return std::nullopt;
  auto id = CanonicalUuid(*s);
  if (!id) Fail(key, "must be a UUID");
  return id;
}

std::optional<UnixMicros> JsonReader::Time(std::string_view key, Need need) {
  auto s = String(key, need);
  if (!s) return std::nullopt;
  auto t = ParseRfc3339(*s);
  if (!t) Fail(key, "must be an RFC 3339 date-time");
  return t;
}

std::optional<std::vector<std::string>> JsonReader::StringArray(std::string_view key, Need need) {
  const auto* v = Find(key, need);
  if (v == nullptr) return std::nullopt;
  if (!v->is_array()) {
    Fail(key, "must be an array of strings");
    return std::nullopt;
  }
  std::vector<std::string> out;
  out.reserve(v->get_array().size());
  for (const auto& item : v->get_array()) {
    if (!item.is_string()) {
      Fail(key, "must be an array of strings");
      return std::nullopt;
    }
    if (!Storable(key, item.get_string())) return std::nullopt;
    out.emplace_back(item.get_string());
  }
  return out;
}

Status JsonReader::Finish() {
  if (!status_.ok()) return status_;
  for (const auto& member : object_) {
    if (!read_.contains(std::string_view(member.key()))) {
      return Status::InvalidArgument("unknown field " + Name(member.key()));
    }
  }
  return Status::Ok();
}

}  // namespace taskshare
