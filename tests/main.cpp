// tests/main.cpp: Catch2 v2 needs a main from one translation unit; v3 links Catch2WithMain.
#if !__has_include(<catch2/catch_all.hpp>)
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#endif
