// One Status -> HTTP mapping (api/errors.h) for the JSON endpoints and the share page alike: the same
// status for every code, the same error id (the request's) on every 5xx, and the page's heading chosen
// by the refusal's Reason, never by its message.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "api/errors.h"
#include "api/share_page_api.h"
#include "common/request_id.h"

namespace taskshare::api {
namespace {

namespace json = boost::json;

std::string PageBody(const Response& page) {
  return page.cached ? page.cached->body(CachedResponse::Variant::kIdentity) : page.body;
}

int PageStatus(const Response& page) { return page.cached ? page.cached->status() : page.status; }

std::vector<Status> EveryErrorCode() {
  return {
      Status::InvalidArgument("bad"),   Status::Unauthenticated("who"), Status::Forbidden("no"),
      Status::NotFound("gone"),         Status::AlreadyExists("taken"), Status::LimitReached("full", "tasks"),
      Status::TooLarge("big"),          Status::RateLimited("slow"),    Status::Unavailable("down", "why"),
      Status::Internal("broken", "why")};
}

TEST(ErrorMappingTest, ThePageAnswersEveryCodeWithTheJsonStatus) {
  for (const Status& status : EveryErrorCode()) {
    const Response json_error = ErrorResponse(status);
    const Response page = SharePageRefusal(status, web::PageOptions{});
    EXPECT_EQ(PageStatus(page), json_error.status) << status.message();
    EXPECT_EQ(json_error.status, HttpStatus(status.code())) << status.message();
    EXPECT_NE(page.cached->headers(CachedResponse::Variant::kIdentity).find("text/html"), std::string::npos);
  }
}

TEST(ErrorMappingTest, EveryServerErrorCarriesTheRequestsErrorIdOnJsonAndPageAlike) {
  const RequestId id = NewRequestId();
  const RequestIdScope scope(id);
  for (const Status& status :
       {Status::Unavailable("down", "the detail"), Status::Internal("broken", "why")}) {
    const HttpError error = ToHttpError(status);
    EXPECT_EQ(error.error_id, id.view()) << status.message();
    const json::object body = json::parse(ErrorResponse(status).body).as_object();
    EXPECT_EQ(body.at("error_id").as_string(), id.view()) << status.message();
    const std::string page = PageBody(SharePageRefusal(status, web::PageOptions{}));
    EXPECT_NE(page.find("(error id " + std::string(id.view()) + ")"), std::string::npos) << page;
    EXPECT_EQ(page.find("the detail"), std::string::npos) << "the detail is for the log only";
  }
  EXPECT_TRUE(ToHttpError(Status::Forbidden("no")).error_id.empty()) << "no error id below 500";
  EXPECT_FALSE(json::parse(ErrorResponse(Status::NotFound("gone")).body).as_object().contains("error_id"));
}

TEST(ErrorMappingTest, ThePageSaysExpiredForTheReasonNotForTheMessage) {
  const std::string expired = PageBody(SharePageRefusal(
      Status::Forbidden("This share link has expired", Reason::kShareExpired), web::PageOptions{}));
  EXPECT_NE(expired.find("<h1>This link has expired</h1>"), std::string::npos) << expired;
  // The same words without the reason (a message is text for people, and may change) are not an expiry.
  const std::string worded =
      PageBody(SharePageRefusal(Status::Forbidden("This share link has expired"), web::PageOptions{}));
  EXPECT_NE(worded.find("<h1>This task is not shared</h1>"), std::string::npos) << worded;
  const std::string revoked = PageBody(
      SharePageRefusal(Status::Forbidden("Task is not shared", Reason::kNotShared), web::PageOptions{}));
  EXPECT_NE(revoked.find("<h1>This task is not shared</h1>"), std::string::npos) << revoked;
  const std::string kept_out = PageBody(SharePageRefusal(
      Status::Forbidden("you may not read this task", Reason::kNotReadable), web::PageOptions{}));
  EXPECT_NE(kept_out.find("<h1>You may not view this task</h1>"), std::string::npos) << kept_out;
}

}  // namespace
}  // namespace taskshare::api
