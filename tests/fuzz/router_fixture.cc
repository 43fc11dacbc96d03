#include "router_fixture.h"

#include <sqlite3.h>

#include <boost/json/parse.hpp>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <vector>

#include "cache/response_cache.h"
#include "common/ids.h"
#include "fuzz_check.h"
#include "storage/store.h"

namespace taskshare::fuzz {
namespace {

constexpr UnixMicros kJan2026 = 1767225600000000;  // 2026-01-01T00:00:00Z

std::string Key(const std::string& name) { return "neo_sk_" + name + std::string(32 - name.size(), '0'); }
std::string UserId(int n) { return "00000000-0000-4000-8000-0000000000a" + std::to_string(n); }
std::string TaskId(int n) { return "00000000-0000-4000-8000-00000000000" + std::to_string(n); }

struct FixtureUser {
  const char* name;
  Role role;
  const char* team;
};
constexpr FixtureUser kUsers[] = {{"owner", Role::kUser, "red"},
                                  {"mate", Role::kUser, "red"},
                                  {"stranger", Role::kUser, "blue"},
                                  {"support", Role::kSupport, nullptr},
                                  {"admin", Role::kAdmin, nullptr}};

Task FixtureTask(int n) {
  Task t;
  t.id = TaskId(n);
  t.owner_id = UserId(n == 5 ? 1 : 0);
  t.title = "Fixture task " + std::to_string(n);
  t.status = n == 1 ? TaskStatus::kCompleted : TaskStatus::kActive;
  constexpr Visibility kVisibility[] = {Visibility::kPublic, Visibility::kUnlisted, Visibility::kPrivate,
                                        Visibility::kTeam, Visibility::kSupport};
  t.visibility = kVisibility[n - 1];
  t.model = "claude-sonnet";
  t.secret_names = {"GITHUB_TOKEN"};
  t.created_at = kJan2026 + n * 1000000;
  t.updated_at = t.created_at;
  if (n == 2) {
    ScheduleInfo s;
    s.schedule_id = "00000000-0000-4000-8000-0000000000c2";
    s.schedule_name = "nightly";
    s.execution_count = 3;
    s.last_executed_at = kJan2026;
    s.scan_frequency = ScanFrequency::kDaily;
    t.schedule_info = s;
    t.is_scheduled = true;
  }
  return t;
}

std::vector<NewMessage> FixtureMessages() {
  return {
      {R"({"id":"m1","role":"user","content":"Audit **login.php** for SQL injection; see [the repo](https://example.com)."})",
       R"("m1")"},
      {R"({"id":"m2","role":"assistant","parts":[{"type":"text","text":"Running `sqlmap`:\n\n| a | b |\n|---|---|\n| 1 | 2 |"},{"type":"tool-call","tool":"shell","input":{"cmd":"sqlmap -u 'http://t/?id=1'"}}]})",
       R"("m2")"},
      {R"({"id":"m3","role":"tool","parts":[{"type":"tool-result","tool":"shell","output":"<script>alert(1)</script>\nid=1 is injectable"}]})",
       R"("m3")"},
      {R"({"role":"assistant","content":"- [x] found\n- [ ] fixed\n\n> quoted","n":1.50})", std::nullopt},
  };
}

// A task id named in `target`, in any case, as 1..5, or 0.
int FixtureTaskIn(std::string target) {
  for (char& c : target) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  for (int n = 1; n <= 5; ++n) {
    if (target.find(TaskId(n)) != std::string::npos) return n;
  }
  return 0;
}

}  // namespace

Fixture& Fixture::Get() {
  static Fixture* fixture = new Fixture();  // never destroyed before the last input; see ~Fixture
  static const int registered = std::atexit([] { delete fixture; });
  (void)registered;
  return *fixture;
}

Fixture::Fixture() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "taskshare-fuzz-XXXXXX").string();
  Require(::mkdtemp(tmpl.data()) != nullptr, "mkdtemp");
  dir_ = tmpl;
  cache_ = std::make_unique<ResponseCache>(std::size_t{1} << 20, 4);
  redactors_ = std::make_unique<secrets::ViewRedactors>(nullptr);
  own_writes_ = std::make_unique<CacheCoherence>(*cache_, redactors_.get());
  auto opened =
      OpenStore({.url = "sqlite:" + dir_ + "/fuzz.db", .connections = 2, .changes = own_writes_.get()});
  Require(opened.ok(), "OpenStore");
  store_ = std::move(*opened);
  for (int i = 0; i < 5; ++i) {
    const FixtureUser& u = kUsers[i];
    User user{.id = UserId(i),
              .email = std::string(u.name) + "@example.com",
              .role = u.role,
              .team = u.team ? std::optional<std::string>(u.team) : std::nullopt,
              .created_at = kJan2026};
    Require(IsWellFormedApiKey(Key(u.name)), "fixture key shape");
    Require(
        store_
            ->CreateUser(user, {.key_hash = Sha256Hex(Key(u.name)), .prefix = std::nullopt, .created_at = 0})
            .ok(),
        "CreateUser");
  }
  for (int n = 1; n <= 5; ++n) ResetTask(n);
  metrics_ = std::make_unique<observe::Metrics>(1, [] { return std::vector<observe::Sample>{}; });
  router_ = std::make_unique<api::Router>(
      *store_, *cache_,
      api::RouterOptions{.page = {.public_url = "https://share.example.com", .site_name = "taskshare"},
                         .metrics = metrics_.get(),
                         .redactors = redactors_.get()});
}

void Fixture::Record(const api::Routing& routing, int status) {
  metrics_->Record(0, routing.label(), status, std::chrono::milliseconds(1));
}

Fixture::~Fixture() {
  router_.reset();
  store_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void Fixture::DeleteAndForget(const std::string& id, bool must_exist) {
  const Status deleted = store_->DeleteTask(id);
  Require(deleted.ok() || (!must_exist && deleted.code() == Code::kNotFound), "DeleteTask");
  // Straight to the file, past the store: no operation of the store undoes a deletion.
  sqlite3* raw = nullptr;
  const std::string path = dir_ + "/fuzz.db";
  Require(sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK,
          "sqlite3_open_v2");
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(raw, sqlite3_close);
  sqlite3_busy_timeout(db.get(), 5000);
  sqlite3_stmt* raw_stmt = nullptr;
  Require(sqlite3_prepare_v2(db.get(), "DELETE FROM deleted_tasks WHERE id = ?1", -1, &raw_stmt, nullptr) ==
              SQLITE_OK,
          "prepare");
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw_stmt, sqlite3_finalize);
  sqlite3_bind_text(stmt.get(), 1, id.c_str(), -1, SQLITE_TRANSIENT);
  Require(sqlite3_step(stmt.get()) == SQLITE_DONE, "forgetting a deleted id");
}

void Fixture::ResetTask(int n) {
  DeleteAndForget(TaskId(n), /*must_exist=*/false);
  Require(store_->CreateTask(FixtureTask(n), FixtureMessages()).ok(), "CreateTask");
}

// A rotation answered 201 {"api_key", ...}: the new key is rotated back to the fixture's one.
void Fixture::RestoreKey(const api::Response& response) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(response.body, ec);
  const boost::json::value* key = ec || !v.is_object() ? nullptr : v.get_object().if_contains("api_key");
  Require(key != nullptr && key->is_string(), "a rotation without a key");
  const std::string hash = Sha256Hex(key->get_string());
  auto user = store_->FindUserByKeyHash(hash);
  Require(user.ok(), "the rotated key finds nobody");
  for (int i = 0; i < 5; ++i) {
    if (user->id != UserId(i)) continue;
    const Status back = store_->RotateApiKey(
        user->id, hash,
        {.key_hash = Sha256Hex(Key(kUsers[i].name)), .prefix = std::nullopt, .created_at = 0});
    Require(back.ok(), "rotating the fixture key back");
    return;
  }
  Require(false, "a rotation by a user outside the fixture");
}

void Fixture::Restore(const api::Request& request, const api::Response& response) {
  if (request.method == api::Method::kGet || response.cached || response.status >= 300) return;
  if (request.method == api::Method::kPost && response.status == 201 &&
      response.body.find("\"api_key\"") != std::string::npos) {
    RestoreKey(response);
    return;
  }
  if (request.method == api::Method::kPost && (response.status == 201 || response.status == 202)) {
    // A new task answers 202 {"id", ...}; a new schedule 201 {"schedule": {"id", ...}}.
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(response.body, ec);
    const boost::json::object* o = ec ? nullptr : v.if_object();
    if (o != nullptr && response.status == 201 && o->contains("schedule")) o = o->at("schedule").if_object();
    const boost::json::value* id = o == nullptr ? nullptr : o->if_contains("id");
    Require(id != nullptr && id->is_string(), "a created resource without an id");
    const std::string created(id->get_string());
    if (response.status == 202) {
      DeleteAndForget(created, /*must_exist=*/true);
    } else {
      Require(store_->DeleteSchedule(created, NowMicros()).ok(), "deleting what the input created");
    }
    return;
  }
  if (const int n = FixtureTaskIn(request.target); n != 0) ResetTask(n);
}

}  // namespace taskshare::fuzz
