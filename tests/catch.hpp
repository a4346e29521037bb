// tests/catch.hpp: one include for Catch2 v2 (single header) and v3 (split headers).
#pragma once

#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif
