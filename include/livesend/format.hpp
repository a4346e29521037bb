// livesend/format.hpp: fmt formatters for the timestamp, the error and an event.
//
//   fmt::print("{}", ts);     // 2024-07-14T14:03:52.679592Z, or "unset"
//   fmt::print("{}", err);    // data.ContentSessions[0].Pages[2].PageIndex: expected an integer...
//   fmt::print("{}", ev);     // one readable line: id, version, tenant, when, viewers, content
//
// Threads: the formatters keep no state; any thread may format any value it may read.
#pragma once

#include <fmt/format.h>

#include <string_view>

#include "livesend/error.hpp"
#include "livesend/model.hpp"
#include "livesend/timestamp.hpp"

namespace livesend::detail {
/// A formatter that takes no format spec: `{}` only (fmt rejects any spec it leaves unread).
struct plain_formatter {
  template <class ParseContext>
  constexpr auto parse(ParseContext& ctx) {
    return ctx.begin();
  }
};
}  // namespace livesend::detail

template <>
struct fmt::formatter<livesend::timestamp> : livesend::detail::plain_formatter {
  template <class FormatContext>
  auto format(const livesend::timestamp& t, FormatContext& ctx) const {
    if (t.is_unset()) return fmt::format_to(ctx.out(), "unset");
    char text[livesend::timestamp::max_chars];
    const std::size_t n = t.to_chars(text);
    return fmt::format_to(ctx.out(), "{}", std::string_view(text, n));
  }
};

template <>
struct fmt::formatter<livesend::error> : livesend::detail::plain_formatter {
  template <class FormatContext>
  auto format(const livesend::error& e, FormatContext& ctx) const {
    return fmt::format_to(ctx.out(), "{}", e.to_string());
  }
};

template <class S>
struct fmt::formatter<livesend::basic_event<S>> : livesend::detail::plain_formatter {
  template <class FormatContext>
  auto format(const livesend::basic_event<S>& ev, FormatContext& ctx) const {
    auto out = fmt::format_to(ctx.out(), "event {} tenant {} at {}: ", std::string_view(ev.id),
                              std::string_view(ev.tenant_name), ev.occurred_at);
    std::string_view sep = "";
    for (const auto& p : ev.data.participants) {
      out = fmt::format_to(out, "{}{}", sep, std::string_view(p.email));
      sep = ", ";
    }
    if (ev.data.participants.empty()) out = fmt::format_to(out, "no participant");
    std::size_t viewed = 0;
    for (const auto& cs : ev.data.content_sessions) viewed += cs.was_viewed ? 1 : 0;
    return fmt::format_to(out, " viewed {} of {} content item(s) for {} s", viewed,
                          ev.data.content_sessions.size(), ev.data.total_duration_seconds);
  }
};
