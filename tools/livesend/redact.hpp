// tools/livesend/redact.hpp: the redaction of --redact (summary, json).
//
// Kept in one header, with no tie to the tool (no CLI11, no output), so that it can move into
// the library as it stands.
//
// What identifies a person in an event: the viewers' e-mail addresses (Participants[].Email,
// data.Email, and any address inside the raw values, e.g. Recipients), the viewer's IP address
// (ClientDetails.IpAddress) and the precise coordinates (GeolocationLatitude/Longitude, to
// about 11 m). Masked, each keeps what is useful in aggregate and does not single out a person:
// the domain of an address, the network of an IP address, the region of a place. The masks
// write into reused strings, so the steady path still allocates nothing.
#pragma once

#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "livesend/livesend.hpp"

namespace livesend_cli {

inline constexpr std::string_view mask = "***";

inline bool is_ascii_alnum(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/// `jane.doe@example.com` -> `j***@example.com`; text that is not an address -> `***`; an empty
/// text stays empty.
inline void mask_email(std::string_view email, std::string& out) {
  out.clear();
  if (email.empty()) return;
  const std::size_t at = email.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == email.size()) {
    out = mask;
    return;
  }
  if (is_ascii_alnum(email[0])) out += email[0];
  out += mask;
  out += email.substr(at);
}

/// `198.51.100.23` -> `198.51.*.*`; `2001:db8::1` -> `2001:db8:*`; anything else -> `***`; an
/// empty text stays empty.
inline void mask_ip(std::string_view ip, std::string& out) {
  out.clear();
  if (ip.empty()) return;
  std::size_t dots = 0;
  std::size_t second_dot = 0;
  bool v4 = true;
  for (std::size_t i = 0; i < ip.size(); ++i) {
    if (ip[i] == '.') {
      if (++dots == 2) second_dot = i;
    } else if (ip[i] < '0' || ip[i] > '9') {
      v4 = false;
    }
  }
  if (v4 && dots == 3) {
    out.append(ip.substr(0, second_dot));
    out += ".*.*";
    return;
  }
  const std::size_t first_colon = ip.find(':');
  const std::size_t second_colon =
      first_colon == std::string_view::npos ? first_colon : ip.find(':', first_colon + 1);
  bool hex = true;
  for (const char c : ip) hex = hex && (is_ascii_alnum(c) || c == ':' || c == '.');
  if (hex && second_colon != std::string_view::npos && first_colon > 0 &&
      second_colon > first_colon + 1) {
    out.append(ip.substr(0, second_colon));
    out += ":*";
    return;
  }
  out = mask;
}

/// A coordinate to one decimal: a region, not a house.
inline double coarse(double degrees) noexcept { return std::round(degrees * 10) / 10; }

/// `json` (a raw value, valid JSON) with every string that holds an '@' masked as an e-mail
/// address (its text between the quotes, escapes and all, stands for the address).
inline void mask_emails_in_raw(std::string_view json, std::string& out, std::string& scratch) {
  out.clear();
  std::size_t i = 0;
  while (i < json.size()) {
    if (json[i] != '"') {
      out += json[i++];
      continue;
    }
    std::size_t end = i + 1;
    while (end < json.size() && json[end] != '"') end += json[end] == '\\' ? 2 : 1;
    const std::string_view text = json.substr(i + 1, end - i - 1);
    out += '"';
    if (text.find("\\u0040") != std::string_view::npos) {
      out.append(mask);  // an '@' written as an escape: no telling the parts apart
    } else if (text.find('@') == std::string_view::npos) {
      out.append(text);
    } else {
      // An escape in the domain would be cut in half by a mask: then all of it goes.
      mask_email(text, scratch);
      if (scratch.find('\\') == std::string::npos) {
        out.append(scratch);
      } else {
        out.append(mask);
      }
    }
    out += '"';
    i = end + 1;
  }
}

/// The event as --redact prints it: a reused owning copy with the personal data masked.
class redactor {
 public:
  const livesend::event& redact(const livesend::event_view& ev) {
    livesend::assign(event_, ev);
    livesend::data& d = event_.data;
    if (d.email) email(*d.email);
    for (livesend::participant& p : d.participants) {
      email(p.email);
      raw(p.context);
    }
    mask_ip(d.client_details.ip_address, scratch_);
    d.client_details.ip_address.swap(scratch_);
    d.client_details.geolocation_latitude = coarse(d.client_details.geolocation_latitude);
    d.client_details.geolocation_longitude = coarse(d.client_details.geolocation_longitude);
    raw(d.recipients);
    raw(d.links);
    livesend::session_summary& summary = d.livesend_session_summary;
    raw(summary.tracking_parameters);
    raw(summary.link.tags);
    raw(summary.link.download_formats);
    for (livesend::content& c : summary.link.content) raw(c.pages);
    for (livesend::content_session& s : d.content_sessions) {
      raw(s.content.pages);
      raw(s.download_formats);
    }
    return event_;
  }

 private:
  void email(std::string& text) {
    mask_email(text, scratch_);
    text.swap(scratch_);
  }
  void raw(livesend::raw_json& value) {
    mask_emails_in_raw(value.json, scratch_, raw_scratch_);
    value.json.swap(scratch_);
  }
  void raw(std::optional<livesend::raw_json>& value) {
    if (value) raw(*value);
  }

  livesend::event event_;
  std::string scratch_;
  std::string raw_scratch_;
};

}  // namespace livesend_cli
