// livesend/version.hpp: the library's version.
#pragma once

#define LIVESEND_VERSION_MAJOR 0
#define LIVESEND_VERSION_MINOR 1
#define LIVESEND_VERSION_PATCH 0

namespace livesend {
/// The library's version, "MAJOR.MINOR.PATCH".
inline constexpr const char* version_string = "0.1.0";
}  // namespace livesend
