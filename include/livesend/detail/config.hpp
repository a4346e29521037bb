// livesend/detail/config.hpp: the build switches, the compiler attributes and the bit helpers
// that the other headers share. Every macro can be defined before the first livesend include
// to override it (alike in every translation unit of a program).
#pragma once

#if defined(_MSVC_LANG) && _MSVC_LANG > __cplusplus
#define LIVESEND_CPLUSPLUS _MSVC_LANG
#else
#define LIVESEND_CPLUSPLUS __cplusplus
#endif
#if LIVESEND_CPLUSPLUS < 201703L
#error "livesend needs C++17 or later: compile with -std=c++17 (MSVC: /std:c++17 /Zc:__cplusplus)"
// A missing header is a fatal error: the compiler stops at the message above, instead of going on
// to report every C++17 construct that follows.
#include <livesend_needs_cxx17_or_later>
#endif

#include <cstddef>
#include <cstdint>
#include <cstring>

/// SSE2 (every x86-64) compares keys and scans stream bytes 16 at a time; elsewhere, or with
/// LIVESEND_NO_SSE2 defined (the C++20 unit test program is built so, to run the portable
/// code), plain loops.
#ifndef LIVESEND_SSE2
#if (defined(__SSE2__) || defined(_M_X64)) && !defined(LIVESEND_NO_SSE2)
#define LIVESEND_SSE2 1
#else
#define LIVESEND_SSE2 0
#endif
#endif
#if LIVESEND_SSE2
#include <emmintrin.h>
#endif

/// Keeps a function out of line. The readers of each JSON type are called from every field
/// of that type: inlined, they would copy simdjson's inline code into each field and the hot
/// loop would no longer fit the instruction cache (measured: 1,650 L1i misses per event).
#ifndef LIVESEND_NOINLINE
#if defined(__GNUC__) || defined(__clang__)
#define LIVESEND_NOINLINE __attribute__((noinline))
#elif defined(_MSC_VER)
#define LIVESEND_NOINLINE __declspec(noinline)
#else
#define LIVESEND_NOINLINE
#endif
#endif

/// Marks the error paths: out of line and out of the hot code's way.
#ifndef LIVESEND_COLD
#if defined(__GNUC__) || defined(__clang__)
#define LIVESEND_COLD __attribute__((noinline, cold))
#else
#define LIVESEND_COLD LIVESEND_NOINLINE
#endif
#endif

/// Inlines a function into each caller whatever the optimizer's estimate of its size: the
/// timestamp fast path, so that it shares its caller's registers (measured: a call saved and
/// restored six of them for each timestamp).
#ifndef LIVESEND_ALWAYS_INLINE
#if defined(__GNUC__) || defined(__clang__)
#define LIVESEND_ALWAYS_INLINE inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define LIVESEND_ALWAYS_INLINE __forceinline
#else
#define LIVESEND_ALWAYS_INLINE inline
#endif
#endif

/// 1 when the convenience API may throw (`parse_or_throw`, `result::value()`); 0 without
/// exceptions (-fno-exceptions), where `result::value()` on an error aborts.
#ifndef LIVESEND_EXCEPTIONS
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
#define LIVESEND_EXCEPTIONS 1
#else
#define LIVESEND_EXCEPTIONS 0
#endif
#endif

/// The deepest nesting check_json can track (a multiple of 64); see detail::json_depth_cap.
#ifndef LIVESEND_JSON_DEPTH_CAP
#define LIVESEND_JSON_DEPTH_CAP 65536
#endif

namespace livesend::detail {

/// The deepest nesting of a whole document (simdjson's default bound): deeper is
/// `depth_exceeded`. Also the bound of the syntax check that locates a syntax error.
inline constexpr std::size_t document_depth_limit = 1024;

/// Index of the lowest set bit of `bits` (not zero).
inline int lowest_set_bit(std::uint64_t bits) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  return __builtin_ctzll(bits);
#else
  int i = 0;
  for (; (bits & 1) == 0; bits >>= 1) ++i;
  return i;
#endif
}

/// 8 bytes at `p` as a little-endian word: `p[i]` is byte i (bits 8i to 8i+7).
inline std::uint64_t load_le64(const char* p) noexcept {
  std::uint64_t word;
  std::memcpy(&word, p, sizeof word);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  word = __builtin_bswap64(word);
#endif
  return word;
}

}  // namespace livesend::detail
