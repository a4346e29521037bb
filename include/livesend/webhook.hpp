// livesend/webhook.hpp: what a webhook endpoint needs before it parses (the optional
// `livesend::webhook` component, which links OpenSSL's libcrypto): the signature check, a cheap
// look at the envelope to tell challenges, session summaries and other events apart, and the
// answer to a challenge, as the contract's `receiver.md` asks.
//
//   livesend::envelope_reader reader;                     // one per thread, reused
//   if (!livesend::verify_signature(body, {sig, sig_old}, {secret, previous})) -> 401
//   const livesend::envelope env = reader.read(body);
//   if (auto answer = livesend::answer_challenge(env)) -> answer->status, ->content_type, ->body
//   else if (env.kind == livesend::envelope_kind::session_summary) -> livesend::parser, store
//   else if (env.kind == livesend::envelope_kind::other_event) -> store raw with *env.id
//   else -> quarantine with env.error
//
// Thread safety: the free functions keep no state and may be called from any thread at once. An
// `envelope_reader` holds a parser and a buffer: one per thread (or one per connection).
#pragma once

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <simdjson.h>

#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "livesend/error.hpp"

namespace livesend {

// ---- Signatures ------------------------------------------------------------------------------

/// The request header that carries the signature under the current secret.
inline constexpr std::string_view signature_header = "x-seismic-signature";
/// The request header that carries the signature under the previous secret, during a rotation.
inline constexpr std::string_view signature_old_header = "x-seismic-signature-old";

/// The values of a request's two signature headers, as the HTTP library gives them (HTTP
/// libraries strip the optional white space around a value; nothing is trimmed here).
/// `std::nullopt` when the header is absent.
struct signature_headers {
  std::optional<std::string_view> signature;      ///< `x-seismic-signature`
  std::optional<std::string_view> signature_old;  ///< `x-seismic-signature-old`

  /// Neither header.
  signature_headers() = default;
  /// `{sig}` or `{sig, sig_old}`; either may be `std::nullopt`.
  signature_headers(std::optional<std::string_view> new_header,
                    std::optional<std::string_view> old_header = std::nullopt) noexcept
      : signature(new_header), signature_old(old_header) {}
};

/// The app's signing secrets (their UTF-8 bytes are the HMAC key): the current one and, during a
/// rotation, the previous one. An empty secret is a key like any other (HMAC allows it); refusing
/// to run without a secret is the receiver's decision, not this function's.
struct signing_secrets {
  std::string_view current;
  std::optional<std::string_view> previous;

  /// `secret` or `{secret, previous_secret}`; the views must outlive the call that uses them.
  signing_secrets(std::string_view current_secret,  // NOLINT: implicit by design
                  std::optional<std::string_view> previous_secret = std::nullopt) noexcept
      : current(current_secret), previous(previous_secret) {}
};

/// True when `body` is authentic: either header holds the HMAC-SHA256 of `body` under either
/// secret, as exactly 64 hex digits (either case). A header that is absent, of another length
/// or with another character is a mismatch, never an error. Every given header is compared with
/// every secret's signature, in constant time (CRYPTO_memcmp on the decoded bytes), and the
/// result is known only once all comparisons are done. Allocates nothing beyond what OpenSSL's
/// `HMAC()` does inside; false also if OpenSSL fails (a secret longer than INT_MAX bytes).
[[nodiscard]] inline bool verify_signature(std::string_view body, const signature_headers& headers,
                                           const signing_secrets& secrets) noexcept;

/// The signature of `body` under `secret` as Seismic sends it: 64 lowercase hex digits of its
/// HMAC-SHA256. For load generators and tests. Empty if OpenSSL fails.
[[nodiscard]] inline std::string signature_hex(std::string_view body, std::string_view secret);

// ---- The envelope ----------------------------------------------------------------------------

/// What a body is, by its top-level keys (`receiver.md`, "What arrives at the one URL").
enum class envelope_kind : std::uint8_t {
  invalid,          ///< not JSON, not an object, or no usable `version`: `envelope::error` says why
  challenge,        ///< `{"type":"verification","challenge":"X"}`, the old form, with no `version`
  challenge_v1,     ///< `version` `WebhookChallengeV1` with `data.challenge` = X, the new form
  session_summary,  ///< `version` `livesend-session-summary-v3` or `...-enriched-v3`
  other_event,      ///< any other `version` (`livesend-summary-v2`, `email-v3`, ...)
};

/// The lower_snake name of a kind, e.g. "session_summary".
constexpr std::string_view to_string(envelope_kind kind) noexcept;

/// The version of the new form of the verification challenge.
inline constexpr std::string_view challenge_v1_version = "WebhookChallengeV1";

/// What `envelope_reader::read` found. The string views point into the reader's buffers (the
/// strings unescaped): valid until the reader reads again or is destroyed.
struct envelope {
  envelope_kind kind = envelope_kind::invalid;
  /// X, unescaped: the challenge to send back (`challenge`, `challenge_v1`); empty otherwise.
  std::string_view challenge;
  /// The top-level `version` (`challenge_v1`, `session_summary`, `other_event`); empty otherwise.
  std::string_view version;
  /// The top-level `id` when it is a string (the dedupe key of an event); else `std::nullopt`.
  std::optional<std::string_view> id;
  /// Why the body is `invalid` (code, path such as `version` or `data.challenge`, offset, message
  /// naming no value); `ok()` for every other kind.
  livesend::error error;
};

/// Classifies bodies cheaply with simdjson On-Demand: it reads only the top-level keys `type`,
/// `challenge`, `version` and `id` (keys ASCII-case-insensitive, as the contract's; the last of
/// a repeated key wins), and `data.challenge` only for `WebhookChallengeV1`. `data` is otherwise
/// skipped without being read, so a body whose `data` is broken still classifies as its
/// `version` says (the parse then reports the error). A `version` decides when present; the old
/// challenge form is recognised only without one. A UTF-8 byte order mark is skipped. Only what
/// is read is checked: the whole body's UTF-8 and brackets (simdjson's first stage), the top-level
/// keys and values, nothing inside `data` or inside a top-level array (`not_an_object` either way).
///
/// Not thread-safe: one reader per thread. Reusing it reuses its parser's and its buffer's memory.
class envelope_reader {
 public:
  envelope_reader() = default;

  /// Classifies any bytes: they are copied once into a padded buffer the reader keeps (simdjson
  /// reads up to SIMDJSON_PADDING bytes past the end).
  [[nodiscard]] envelope read(std::string_view body);

  /// Classifies a buffer that has `simdjson::SIMDJSON_PADDING` readable bytes past its end: no
  /// copy. The views of the result may then point into `body` too: keep it alive while using them.
  [[nodiscard]] envelope read(simdjson::padded_string_view body);

 private:
  simdjson::ondemand::parser parser_;
  std::unique_ptr<char[]> copy_;
  std::size_t copy_capacity_ = 0;
};

// ---- Challenge answers -----------------------------------------------------------------------

/// An HTTP answer: status, `Content-Type` and body.
struct webhook_response {
  int status = 200;
  std::string_view content_type;  ///< a string literal
  std::string body;
};

/// The answer to a verification challenge: 200 `text/plain` with body X for the old form, 200
/// `application/json` with `{"challenge":"X"}` (X escaped as JSON) for the new one;
/// `std::nullopt` when `env` is not a challenge.
[[nodiscard]] inline std::optional<webhook_response> answer_challenge(const envelope& env);

// ==== Implementation ==========================================================================

namespace detail {

inline constexpr std::size_t webhook_mac_size = 32;  // SHA-256

/// HMAC-SHA256 of `data` under `key` into `out`; false if OpenSSL fails.
inline bool webhook_hmac(std::string_view key, std::string_view data,
                         unsigned char (&out)[webhook_mac_size]) noexcept {
  if (key.size() > static_cast<std::size_t>(INT_MAX)) return false;
  // An empty string_view may hold a null pointer; OpenSSL wants a readable one.
  static constexpr unsigned char nothing[1] = {0};
  const void* key_bytes = key.empty() ? static_cast<const void*>(nothing) : key.data();
  const unsigned char* data_bytes =
      data.empty() ? nothing : reinterpret_cast<const unsigned char*>(data.data());
  unsigned int size = 0;
  if (HMAC(EVP_sha256(), key_bytes, static_cast<int>(key.size()), data_bytes, data.size(), out,
           &size) == nullptr) {
    return false;
  }
  return size == webhook_mac_size;
}

/// The value of a hex digit, either case; -1 for any other character.
constexpr int webhook_hex_value(char c) noexcept {
  const unsigned u = static_cast<unsigned char>(c);
  if (u >= '0' && u <= '9') return static_cast<int>(u - '0');
  const unsigned lower = u | 0x20u;
  if (lower >= 'a' && lower <= 'f') return static_cast<int>(lower - 'a' + 10);
  return -1;
}

/// Decodes exactly 64 hex digits; false for any other text. Branches depend only on the
/// header's own text, which the sender knows already, never on the expected signature.
inline bool webhook_decode_signature(std::string_view hex,
                                     unsigned char (&out)[webhook_mac_size]) noexcept {
  if (hex.size() != 2 * webhook_mac_size) return false;
  for (std::size_t i = 0; i < webhook_mac_size; ++i) {
    const int high = webhook_hex_value(hex[2 * i]);
    const int low = webhook_hex_value(hex[2 * i + 1]);
    if (high < 0 || low < 0) return false;
    out[i] = static_cast<unsigned char>((high << 4) | low);
  }
  return true;
}

/// ASCII-case-insensitive equality of a key with a lowercase literal.
constexpr bool webhook_key_is(std::string_view key, std::string_view lower) noexcept {
  if (key.size() != lower.size()) return false;
  for (std::size_t i = 0; i < key.size(); ++i) {
    const unsigned c = static_cast<unsigned char>(key[i]);
    const unsigned folded = (c >= 'A' && c <= 'Z') ? (c | 0x20u) : c;
    if (folded != static_cast<unsigned char>(lower[i])) return false;
  }
  return true;
}

inline constexpr std::string_view webhook_version_v3 = "livesend-session-summary-v3";
inline constexpr std::string_view webhook_version_enriched_v3 =
    "livesend-session-summary-enriched-v3";

/// A top-level value that should be a string: absent, a string, or something else.
struct webhook_string_field {
  enum class state : std::uint8_t { absent, string, other };
  state is = state::absent;
  std::string_view value;
};

/// What a pass over the top-level object found.
struct webhook_scan {
  webhook_string_field type, challenge, version, id;
  bool data_seen = false;               // the last `data` key
  bool data_read = false;               // ... was descended into
  bool data_is_object = false;          // ... holds an object
  webhook_string_field data_challenge;  // its `challenge`
};

struct webhook_scanner {
  /// One pass over the document's top-level object. Descends into `data` when `descend` is set
  /// or when the `version` seen so far is the challenge's. simdjson's error on failure.
  static simdjson::error_code scan(simdjson::ondemand::document& doc, bool descend,
                                   webhook_scan& out) {
    out = webhook_scan{};
    simdjson::ondemand::object object;
    if (auto e = doc.get_object().get(object)) return e;
    for (auto item : object) {
      simdjson::ondemand::field field;
      if (auto e = std::move(item).get(field)) return e;
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return e;
      simdjson::error_code e = simdjson::SUCCESS;
      if (webhook_key_is(key, "version")) {
        e = read_string(field.value(), out.version);
      } else if (webhook_key_is(key, "id")) {
        e = read_string(field.value(), out.id);
      } else if (webhook_key_is(key, "type")) {
        e = read_string(field.value(), out.type);
      } else if (webhook_key_is(key, "challenge")) {
        e = read_string(field.value(), out.challenge);
      } else if (webhook_key_is(key, "data")) {
        out.data_seen = true;
        out.data_read = false;
        out.data_is_object = false;
        out.data_challenge = {};
        const bool is_challenge = out.version.is == webhook_string_field::state::string &&
                                  out.version.value == challenge_v1_version;
        if (descend || is_challenge) e = read_data(field.value(), out);
      }
      // Any other value, and `data` when not read, is skipped by the loop.
      if (e) return e;
    }
    // Past the object's closing brace, simdjson has a location only if something follows.
    const char* rest = nullptr;
    if (doc.current_location().get(rest) == simdjson::SUCCESS) return simdjson::TRAILING_CONTENT;
    return simdjson::SUCCESS;
  }

  static simdjson::error_code read_string(simdjson::ondemand::value value,
                                          webhook_string_field& out) {
    std::string_view text;
    const simdjson::error_code e = value.get_string().get(text);
    if (e == simdjson::INCORRECT_TYPE) {
      out = {webhook_string_field::state::other, {}};
      return simdjson::SUCCESS;
    }
    if (e) return e;
    out = {webhook_string_field::state::string, text};
    return simdjson::SUCCESS;
  }

  static simdjson::error_code read_data(simdjson::ondemand::value value, webhook_scan& out) {
    out.data_read = true;
    simdjson::ondemand::object data;
    const simdjson::error_code e = value.get_object().get(data);
    if (e == simdjson::INCORRECT_TYPE) return simdjson::SUCCESS;
    if (e) return e;
    out.data_is_object = true;
    for (auto item : data) {
      simdjson::ondemand::field field;
      if (auto fe = std::move(item).get(field)) return fe;
      std::string_view key;
      if (auto ke = field.unescaped_key().get(key)) return ke;
      if (webhook_key_is(key, "challenge")) {
        if (auto ve = read_string(field.value(), out.data_challenge)) return ve;
      }
    }
    return simdjson::SUCCESS;
  }
};

/// Reads a scalar document through, so that `nothing` is not taken for a null.
inline simdjson::error_code webhook_check_scalar(simdjson::ondemand::document& doc,
                                                 simdjson::ondemand::json_type type) {
  using json_type = simdjson::ondemand::json_type;
  simdjson::error_code e = simdjson::SUCCESS;
  switch (type) {
    case json_type::null: {
      bool is_null = false;
      e = doc.is_null().get(is_null);
      if (!e && !is_null) e = simdjson::N_ATOM_ERROR;
      break;
    }
    case json_type::boolean:
      e = doc.get_bool().error();
      break;
    case json_type::number:
      e = doc.get_number().error();
      break;
    case json_type::string:
      e = doc.get_string().error();
      break;
    default:
      return simdjson::SUCCESS;  // an array: not read, it is no event anyway
  }
  return e;
}

inline livesend::error webhook_error(error_code code, std::string path, std::string message) {
  return livesend::error(code, std::move(path), 0, 1, std::move(message));
}

/// The 1-based line of a byte offset.
inline std::size_t webhook_line_of(std::string_view text, std::size_t offset) noexcept {
  std::size_t line = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) line += text[i] == '\n' ? 1u : 0u;
  return line;
}

inline void webhook_append_json_string(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (const char c : text) {
    const unsigned u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20u) {
          out += "\\u00";
          out += hex[u >> 4];
          out += hex[u & 0xfu];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

}  // namespace detail

inline bool verify_signature(std::string_view body, const signature_headers& headers,
                             const signing_secrets& secrets) noexcept {
  unsigned char given[2][detail::webhook_mac_size] = {};
  const bool has_given[2] = {
      headers.signature && detail::webhook_decode_signature(*headers.signature, given[0]),
      headers.signature_old && detail::webhook_decode_signature(*headers.signature_old, given[1])};
  if (!has_given[0] && !has_given[1]) return false;

  unsigned char expected[2][detail::webhook_mac_size] = {};
  const bool has_expected[2] = {
      detail::webhook_hmac(secrets.current, body, expected[0]),
      secrets.previous && detail::webhook_hmac(*secrets.previous, body, expected[1])};

  // Every pair is compared and the outcomes ORed, so the time does not say which one matched.
  int matches = 0;
  for (std::size_t g = 0; g < 2; ++g) {
    for (std::size_t x = 0; x < 2; ++x) {
      if (has_given[g] && has_expected[x]) {
        matches |= CRYPTO_memcmp(given[g], expected[x], detail::webhook_mac_size) == 0 ? 1 : 0;
      }
    }
  }
  OPENSSL_cleanse(expected, sizeof expected);
  return matches != 0;
}

inline std::string signature_hex(std::string_view body, std::string_view secret) {
  static constexpr char hex[] = "0123456789abcdef";
  unsigned char mac[detail::webhook_mac_size];
  if (!detail::webhook_hmac(secret, body, mac)) return {};
  std::string out(2 * detail::webhook_mac_size, '0');
  for (std::size_t i = 0; i < detail::webhook_mac_size; ++i) {
    out[2 * i] = hex[mac[i] >> 4];
    out[2 * i + 1] = hex[mac[i] & 0xfu];
  }
  return out;
}

constexpr std::string_view to_string(envelope_kind kind) noexcept {
  switch (kind) {
    case envelope_kind::invalid:
      return "invalid";
    case envelope_kind::challenge:
      return "challenge";
    case envelope_kind::challenge_v1:
      return "challenge_v1";
    case envelope_kind::session_summary:
      return "session_summary";
    case envelope_kind::other_event:
      return "other_event";
  }
  return "unknown";
}

inline envelope envelope_reader::read(std::string_view body) {
  const std::size_t needed = body.size() + simdjson::SIMDJSON_PADDING;
  if (needed > copy_capacity_) {
    copy_capacity_ = needed > 2 * copy_capacity_ ? needed : 2 * copy_capacity_;
    copy_.reset(new char[copy_capacity_]);
  }
  if (!body.empty()) std::memcpy(copy_.get(), body.data(), body.size());
  std::memset(copy_.get() + body.size(), 0, simdjson::SIMDJSON_PADDING);
  return read(simdjson::padded_string_view(copy_.get(), body.size(), needed));
}

inline envelope envelope_reader::read(simdjson::padded_string_view body) {
  using detail::webhook_error;
  using state = detail::webhook_string_field::state;
  envelope out;

  std::size_t bom = 0;
  if (body.size() >= 3 && body.substr(0, 3) == "\xEF\xBB\xBF") bom = 3;
  const simdjson::padded_string_view json(body.data() + bom, body.size() - bom,
                                          body.capacity() - bom);
  if (json.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    out.error = webhook_error(error_code::empty_input, {}, "no JSON value in the body");
    return out;
  }

  // A syntax error: where simdjson stood, if it says, else the body's start.
  auto syntax = [&](simdjson::ondemand::document* doc, simdjson::error_code e) {
    std::size_t offset = 0;
    const char* at = nullptr;
    if (doc != nullptr && doc->current_location().get(at) == simdjson::SUCCESS && at != nullptr &&
        at >= json.data() && at <= json.data() + json.size()) {
      offset = static_cast<std::size_t>(at - json.data());
    }
    const error_code code = e == simdjson::UTF8_ERROR         ? error_code::invalid_utf8
                            : e == simdjson::TRAILING_CONTENT ? error_code::trailing_content
                                                              : error_code::syntax_error;
    out.error =
        livesend::error(code, {}, bom + offset, detail::webhook_line_of(json, offset),
                        std::string("the body is not valid JSON: ") + simdjson::error_message(e));
    return std::move(out);
  };

  simdjson::ondemand::document doc;
  if (auto e = parser_.iterate(json).get(doc)) return syntax(nullptr, e);
  simdjson::ondemand::json_type type{};
  if (auto e = doc.type().get(type)) return syntax(&doc, e);
  if (type != simdjson::ondemand::json_type::object) {
    // `type()` looks at the first character only: a scalar must be read to be known valid.
    if (auto e = detail::webhook_check_scalar(doc, type)) return syntax(&doc, e);
    const char* what = type == simdjson::ondemand::json_type::array ? "an array" : "a scalar";
    out.error = webhook_error(error_code::not_an_object, {},
                              std::string("the body is ") + what + ", not a JSON object");
    return out;
  }

  detail::webhook_scan found;
  if (auto e = detail::webhook_scanner::scan(doc, false, found)) return syntax(&doc, e);
  const bool is_challenge_v1 =
      found.version.is == state::string && found.version.value == challenge_v1_version;
  if (is_challenge_v1 && found.data_seen && !found.data_read) {
    // `data` came before `version` (the vendor's order): read again, into `data` this time.
    // The first pass's strings are overwritten (rewind reuses simdjson's string buffer), so
    // every view is taken from the second pass.
    doc.rewind();
    if (auto e = detail::webhook_scanner::scan(doc, true, found)) return syntax(&doc, e);
  }
  if (found.id.is == state::string) out.id = found.id.value;

  switch (found.version.is) {
    case state::other:
      out.error = webhook_error(error_code::wrong_type, "version", "`version` is not a string");
      return out;
    case state::absent:
      if (found.type.is == state::string && found.type.value == "verification" &&
          found.challenge.is == state::string) {
        out.kind = envelope_kind::challenge;
        out.challenge = found.challenge.value;
        return out;
      }
      out.error = webhook_error(error_code::missing_field, "version",
                                "the body has no `version` and is not a verification challenge");
      return out;
    case state::string:
      break;
  }

  const std::string_view version = found.version.value;
  if (is_challenge_v1) {
    if (!found.data_seen) {
      out.error = webhook_error(error_code::missing_field, "data",
                                "a WebhookChallengeV1 body without `data`");
    } else if (!found.data_is_object) {
      out.error = webhook_error(error_code::wrong_type, "data",
                                "the `data` of a WebhookChallengeV1 body is not an object");
    } else if (found.data_challenge.is == state::absent) {
      out.error = webhook_error(error_code::missing_field, "data.challenge",
                                "a WebhookChallengeV1 body without `data.challenge`");
    } else if (found.data_challenge.is == state::other) {
      out.error = webhook_error(error_code::wrong_type, "data.challenge",
                                "`data.challenge` is not a string");
    } else {
      out.kind = envelope_kind::challenge_v1;
      out.version = version;
      out.challenge = found.data_challenge.value;
    }
    return out;
  }
  out.version = version;
  out.kind = version == detail::webhook_version_v3 || version == detail::webhook_version_enriched_v3
                 ? envelope_kind::session_summary
                 : envelope_kind::other_event;
  return out;
}

inline std::optional<webhook_response> answer_challenge(const envelope& env) {
  webhook_response response;
  if (env.kind == envelope_kind::challenge) {
    response.content_type = "text/plain";
    response.body.assign(env.challenge.data(), env.challenge.size());
    return response;
  }
  if (env.kind == envelope_kind::challenge_v1) {
    response.content_type = "application/json";
    response.body.reserve(env.challenge.size() + 16);
    response.body += "{\"challenge\":";
    detail::webhook_append_json_string(response.body, env.challenge);
    response.body += '}';
    return response;
  }
  return std::nullopt;
}

}  // namespace livesend
