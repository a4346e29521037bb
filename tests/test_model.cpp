// tests/test_model.cpp: model.hpp: the schema tables, equality, view -> owning.
#include "livesend/model.hpp"

#include <set>
#include <string>

#include "catch.hpp"
#include "livesend/parse.hpp"
#include "support.hpp"

namespace {

template <class T>
std::set<std::string_view> key_set() {
  const auto& keys = livesend::detail::keys<T>;
  return std::set<std::string_view>(keys.begin(), keys.end());
}

template <class T>
std::size_t required_count() {
  std::size_t n = 0;
  for (std::uint64_t m = livesend::detail::required_mask<T>; m != 0; m &= m - 1) ++n;
  return n;
}

}  // namespace

TEST_CASE("each table has the contract's keys, once each", "[model][schema]") {
  namespace detail = livesend::detail;
  using livesend::client_details, livesend::content, livesend::content_session, livesend::data,
      livesend::data_view, livesend::event, livesend::library_content, livesend::page,
      livesend::participant, livesend::session_summary;
  using link = livesend::link;  // not POSIX link()
  // Field counts and required counts as the contract lists them.
  CHECK(detail::field_count<event> == 8);
  CHECK(required_count<event>() == 7);
  CHECK(detail::field_count<data> == 28);
  CHECK(required_count<data>() == 15);
  CHECK(detail::field_count<client_details> == 16);
  CHECK(required_count<client_details>() == 14);
  CHECK(detail::field_count<session_summary> == 2);
  CHECK(required_count<session_summary>() == 1);
  CHECK(detail::field_count<link> == 20);
  CHECK(required_count<link>() == 17);
  CHECK(detail::field_count<content> == 13);
  CHECK(required_count<content>() == 0);
  CHECK(detail::field_count<library_content> == 6);
  CHECK(required_count<library_content>() == 0);
  CHECK(detail::field_count<content_session> == 13);
  CHECK(required_count<content_session>() == 12);
  CHECK(detail::field_count<page> == 5);
  CHECK(required_count<page>() == 3);
  CHECK(detail::field_count<participant> == 6);
  CHECK(required_count<participant>() == 5);

  CHECK(key_set<event>().size() == 8);
  CHECK(key_set<data>().size() == 28);
  CHECK(key_set<link>().size() == 20);
  CHECK(key_set<event>() == std::set<std::string_view>{"application", "data", "id", "version",
                                                       "occurredAt", "tenantId", "tenantName",
                                                       "productArea"});
  CHECK(key_set<page>() == std::set<std::string_view>{"DurationMilliseconds", "StartedAt",
                                                      "EndedAt", "PageIndex", "ThumbnailImageUrl"});
  CHECK(key_set<participant>() == std::set<std::string_view>{"Context", "InteractionId", "Email",
                                                             "UserId", "UserType",
                                                             "UserLoginType"});
  // Both flavours share the table.
  CHECK(detail::keys<data> == detail::keys<data_view>);
  CHECK(detail::required_mask<data> == detail::required_mask<data_view>);
}

TEST_CASE("equality compares every member; raw JSON ignores whitespace", "[model][equality]") {
  livesend::page a;
  a.page_index = 2;
  a.thumbnail_image_url = "u";
  livesend::page b = a;
  CHECK(a == b);
  b.started_at = livesend::timestamp::from_unix_micros(1);
  CHECK(a != b);

  livesend::raw_json x{"[1, {\"a\": \"b c\"}]"};
  livesend::raw_json y{"[1,{\"a\":\"b c\"}]"};
  livesend::raw_json z{"[1,{\"a\":\"bc\"}]"};
  CHECK(x == y);
  CHECK(x != z);
}

TEST_CASE("to_owning and assign copy a view into owning memory", "[model][views]") {
  livesend::parser parser;
  livesend::event_view view;
  REQUIRE(parser.parse(test::seed(), view).ok());
  const livesend::event owned = livesend::to_owning(view);
  const std::string tenant(view.tenant_name);

  // The owning value outlives the parser's next parse; the view does not.
  livesend::event_view other;
  REQUIRE(
      parser.parse(test::seed_with("\"tenantName\": \"demo\"", "\"tenantName\": \"zzzz\""), other)
          .ok());
  CHECK(owned.tenant_name == tenant);
  CHECK(other.tenant_name == "zzzz");

  livesend::event target;
  livesend::assign(target, other);
  CHECK(target.tenant_name == "zzzz");
  CHECK(target.data.participants.size() == 1);
  livesend::assign(target, view);  // smaller or equal shapes reuse target's memory
  CHECK(target.data == livesend::to_owning(view).data);
}
