// livesend/detail/swar.hpp: digits checked and converted 8 at a time in one 64-bit word (SWAR),
// for the readers of fixed-layout text: timestamps (timestamp_text.hpp) and short integers
// (json_text.hpp). No allocation, no exceptions.
#pragma once

#include <cstdint>

#include "livesend/detail/config.hpp"

namespace livesend::detail {

/// A layout of 8 chars for one 64-bit load: 'd' is an ASCII digit, '?' any byte, any other char
/// itself. `mismatch(word, values)` stores into `values` the word xor-ed with '0' at the digits
/// (so a digit becomes its value 0..9) and with the char at the literals (so a match becomes 0),
/// and zero at the '?'. Then each checked byte must be at most its limit, 9 or 0: adding
/// 0x7f - limit sets the byte's top bit exactly when it is above the limit, and or-ing the byte
/// itself catches bytes of 0x80 and more (whose sum may carry into the next byte, but that
/// byte's own check has failed already). The result has 0x80 set in every byte that does not fit,
/// exact up to and including the first such byte.
struct word_layout {
  std::uint64_t key = 0;
  std::uint64_t care = 0;
  std::uint64_t bias = 0;

  constexpr explicit word_layout(const char (&layout)[9]) noexcept {
    for (int i = 7; i >= 0; --i) {
      const char c = layout[i];
      const unsigned char k = c == 'd' ? '0' : c == '?' ? 0 : static_cast<unsigned char>(c);
      key = key << 8 | k;
      care = care << 8 | (c == '?' ? 0 : 0xff);
      bias = bias << 8 | (c == 'd' ? 0x7f - 9 : c == '?' ? 0 : 0x7f);
    }
  }

  constexpr std::uint64_t mismatch(std::uint64_t word, std::uint64_t& values) const noexcept {
    values = (word ^ key) & care;
    return ((values + bias) | values) & 0x8080808080808080;
  }
};

/// Two-digit numbers from digit values: byte i of the result is 10 * byte i + byte i+1 (at most
/// 99, so no byte carries into the next).
constexpr std::uint64_t digit_pairs(std::uint64_t values) noexcept {
  return values * 10 + (values >> 8);
}

constexpr int byte_at(std::uint64_t word, int i) noexcept {
  return static_cast<int>((word >> (8 * i)) & 0xff);
}

/// The number written by 8 digit values, byte 0 the most significant (Lemire's SWAR method, as
/// in simdjson's parse_eight_digits_unrolled).
constexpr std::uint32_t eight_digits(std::uint64_t values) noexcept {
  // Each step multiplies by 1 + scale << lane: lane j + 1 gets scale * lane j + lane j + 1.
  values = digit_pairs(values) & 0x00ff00ff00ff00ff;  // 2 digits in each 16-bit lane
  values = (values * ((std::uint64_t{100} << 16) + 1)) >> 16 & 0x0000ffff0000ffff;  // 4 in 32
  return static_cast<std::uint32_t>((values * ((std::uint64_t{10000} << 32) + 1)) >> 32);
}

/// Index of the lowest byte of `flags` (not zero) that has its top bit set.
inline int lowest_flagged_byte(std::uint64_t flags) noexcept { return lowest_set_bit(flags) >> 3; }

/// 0xff in each byte below the lowest byte of `flags` (not zero) that has its top bit set, 0 from
/// that byte on.
constexpr std::uint64_t bytes_below_first_flag(std::uint64_t flags) noexcept {
  return ((flags & (0 - flags)) - 1) >> 7;
}

}  // namespace livesend::detail
